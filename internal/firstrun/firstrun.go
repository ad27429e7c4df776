// Package firstrun fills an empty store on first start: the French
// territories from the embedded reference, then the demo knowledge base.
// Later starts find the data and skip both, so they stay fast.
package firstrun

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/essaim/essaim/internal/demo"
	"github.com/essaim/essaim/internal/refdata"
	"github.com/essaim/essaim/internal/store"
	"github.com/essaim/essaim/internal/territory"
)

// Run imports the territories when there are none, and loads the demo when
// withDemo is set and the knowledge base is empty.
func Run(ctx context.Context, st *store.Store, withDemo bool, log *slog.Logger) error {
	n, err := st.Client.Territory.Query().Count(ctx)
	if err != nil {
		return fmt.Errorf("count territories: %w", err)
	}
	if n == 0 {
		start := time.Now()
		log.Info("empty store: importing the French territories (once)")
		ds, err := refdata.Embedded()
		if err != nil {
			return fmt.Errorf("read embedded territories: %w", err)
		}
		rep, err := territory.Import(ctx, st.Client, st.Dialect, ds, nil)
		if err != nil {
			return err
		}
		log.Info("territories imported", "territories", len(ds.Territories),
			"unclassified_communes", len(rep.Unclassified), "took", time.Since(start).Round(time.Millisecond))
	}
	if !withDemo {
		return nil
	}
	loaded, err := demo.LoadIfEmpty(ctx, st.Client, st.Dialect)
	if err != nil || !loaded {
		return err
	}
	log.Info("demo knowledge base loaded", "source", demo.Source)
	return nil
}
