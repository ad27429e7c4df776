package bench

import (
	"log/slog"
	"os"
	"testing"

	"github.com/essaim/essaim/internal/memlimit"
	"github.com/essaim/essaim/internal/store"
)

// TestMain runs the benchmarks under the server's GC settings (a soft
// memory limit and GOGC, internal/memlimit), as `essaim serve`, bench/load
// and bench/sqlalone do: with Go's defaults the collector ran about once
// every three dashboard pages and took a sixth of the CPU of
// BenchmarkWorkload/dashboard, several times its share in the server.
func TestMain(m *testing.M) {
	memlimit.Apply(slog.New(slog.DiscardHandler), !store.IsPostgres(os.Getenv("ESSAIM_BENCH_DB")))
	os.Exit(m.Run())
}
