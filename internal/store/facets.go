package store

import (
	"context"
	"fmt"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/essaim/essaim/ent"
)

// DeferFacets makes the inserts of initiatives and of their territory and
// theme links skip their facet refresh in tx's transaction until
// RefreshFacets (migration 20261127160000_deferred_facets): a bulk writer
// inserting a batch of initiatives, then their links, would otherwise
// refresh each initiative once per statement. The caller must call
// RefreshFacets with every initiative it inserted or linked, in the same
// transaction, before anything else writes there (a GraphQL import shares
// its request's transaction with the other mutations of the document).
// Nothing on SQLite.
func DeferFacets(ctx context.Context, tx *ent.Client, dialectName string) error {
	if dialectName != dialect.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT set_config('essaim.facets', 'deferred', true)"); err != nil {
		return fmt.Errorf("defer facets: %w", err)
	}
	return nil
}

// RefreshFacets recomputes the facets of the given initiatives in one
// statement (internal/stats reads the facet table), and ends DeferFacets:
// later inserts in the transaction refresh their own again. Nothing on
// SQLite.
func RefreshFacets(ctx context.Context, tx *ent.Client, dialectName string, ids []int) error {
	if dialectName != dialect.Postgres {
		return nil
	}
	const refresh = "SELECT essaim_refresh_facets($1::bigint[]), set_config('essaim.facets', '', true)"
	if _, err := tx.ExecContext(ctx, refresh, pq.Array(ids)); err != nil {
		return fmt.Errorf("refresh facets: %w", err)
	}
	return nil
}
