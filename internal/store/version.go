package store

import (
	"context"
	"fmt"

	"github.com/essaim/essaim/ent"
)

// The graph version is a counter that every write to actors, initiatives,
// participations, relations, themes, territories or indicators increments
// inside its own transaction. Each server instance compares it with the
// version of its caches (the actor network, statistics, whole answers):
// PostgreSQL replicas and several stateless servers then agree without any
// messaging of their own.

const bumpSQL = `UPDATE essaim_graph_version SET version = version + 1 WHERE id = 1`

// GraphVersion reads the current graph version.
func GraphVersion(ctx context.Context, client *ent.Client) (int64, error) {
	rows, err := client.QueryContext(ctx, `SELECT version FROM essaim_graph_version WHERE id = 1`)
	if err != nil {
		return 0, fmt.Errorf("read graph version: %w", err)
	}
	defer rows.Close()
	var v int64
	if rows.Next() {
		if err := rows.Scan(&v); err != nil {
			return 0, fmt.Errorf("read graph version: %w", err)
		}
	}
	return v, rows.Err()
}

type requestVersionKey struct{}

// WithRequestVersion records the graph version a request has read, so that
// the caches it consults afterwards (statistics, actor network) check
// against that read instead of sending another: the response cache reads the
// version of every READER query first.
func WithRequestVersion(ctx context.Context, v int64) context.Context {
	return context.WithValue(ctx, requestVersionKey{}, v)
}

// RequestVersion is the version recorded for this request by
// WithRequestVersion, else the database's (GraphVersion). Work that must see
// the latest version whatever the request read (a rebuild) calls GraphVersion.
func RequestVersion(ctx context.Context, client *ent.Client) (int64, error) {
	if v, ok := ctx.Value(requestVersionKey{}).(int64); ok {
		return v, nil
	}
	return GraphVersion(ctx, client)
}

// BumpGraphVersion marks the actor network as changed; client should be the
// writing transaction's client so the bump commits or rolls back with it.
func BumpGraphVersion(ctx context.Context, client *ent.Client) error {
	if _, err := client.ExecContext(ctx, bumpSQL); err != nil {
		return fmt.Errorf("bump graph version: %w", err)
	}
	return nil
}

// bumpOnWrite is an ent hook that bumps the version after each successful
// write of a type the network depends on. Territories are bumped by their
// write paths instead (territory.Derive), once per import rather than once
// per row. API keys and audit entries are never part of a cached answer:
// they bump nothing. (Indicators are not part of the actor network, but the
// response cache holds them: they bump it, and the network is rebuilt once
// more, for nothing, after such a write.)
func bumpOnWrite(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		v, err := next.Mutate(ctx, m)
		if err != nil || !bumps(m.Type()) {
			return v, err
		}
		withClient, ok := m.(interface{ Client() *ent.Client })
		if !ok {
			return v, nil
		}
		if err := BumpGraphVersion(ctx, withClient.Client()); err != nil {
			return nil, err
		}
		return v, nil
	})
}

// bumps reports whether writes of type t can change a cached answer.
func bumps(t string) bool {
	switch t {
	case ent.TypeTerritory, ent.TypeAPIKey, ent.TypeAuditEntry:
		return false
	}
	return true
}
