// Package bench holds the load benchmarks of Essaim: Go benchmarks over the
// real GraphQL handler on the synthetic reference dataset (20,000 actors,
// 50,000 initiatives, ~200,000 participations). See BENCHMARKS.md.
package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/essaim/essaim/internal/firstrun"
	"github.com/essaim/essaim/internal/store"
	"github.com/essaim/essaim/internal/synthetic"
)

// Reference is the size of the synthetic reference dataset.
var Reference = synthetic.Config{Actors: 20000, Initiatives: 50000, Seed: 1, Relations: -1}

// OpenDataset opens the store named by ESSAIM_BENCH_DB (an SQLite path or a
// postgres:// URL) and seeds it with the reference dataset when it holds no
// synthetic data yet. Without ESSAIM_BENCH_DB it seeds a temporary SQLite
// file, which takes about a minute.
func OpenDataset(b testing.TB) *store.Store {
	b.Helper()
	ctx := context.Background()
	dsn := os.Getenv("ESSAIM_BENCH_DB")
	if dsn == "" {
		dsn = filepath.Join(b.TempDir(), "bench.db")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatalf("open %s: %v", dsn, err)
	}
	b.Cleanup(func() { _ = st.Close() })
	if err := seed(ctx, st); err != nil {
		b.Fatal(err)
	}
	return st
}

func seed(ctx context.Context, st *store.Store) error {
	existing, err := synthetic.Existing(ctx, st.Client)
	if err != nil || existing != "" {
		return err
	}
	if err := firstrun.Run(ctx, st, false, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return fmt.Errorf("import territories: %w", err)
	}
	if _, err := synthetic.Generate(ctx, st, Reference, nil); err != nil {
		return fmt.Errorf("seed synthetic dataset: %w", err)
	}
	return nil
}
