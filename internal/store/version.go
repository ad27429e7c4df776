package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/initiative"
)

// Two counters live in the one row of essaim_graph_version, each
// incremented inside the writing transaction. The graph version counts every
// write to actors, initiatives, participations, relations, themes,
// territories or indicators: the statistics and whole answers are cached
// against it. The network version counts only the writes that can change the
// actor network, which is costly to rebuild: not indicators, and not a new
// initiative, which joins the network through its participations. Each
// server instance compares them with the versions of its caches: PostgreSQL
// replicas and several stateless servers then agree without any messaging of
// their own. (All servers on one database must run the same version of
// Essaim: an older one would not bump the network version.)

const (
	bumpBothSQL  = `UPDATE essaim_graph_version SET version = version + 1, network_version = network_version + 1 WHERE id = 1`
	bumpGraphSQL = `UPDATE essaim_graph_version SET version = version + 1 WHERE id = 1`
)

// Versions are the two counters, read together.
type Versions struct {
	Graph, Network int64
}

const versionsSQL = `SELECT version, network_version FROM essaim_graph_version WHERE id = 1`

// ReadVersions reads both counters in one statement.
func ReadVersions(ctx context.Context, client *ent.Client) (Versions, error) {
	rows, err := client.QueryContext(ctx, versionsSQL)
	if err != nil {
		return Versions{}, fmt.Errorf("read graph version: %w", err)
	}
	return scanVersions(rows)
}

// readVersionsFrom reads them through an ent driver, below the client.
func readVersionsFrom(ctx context.Context, drv dialect.Driver) (Versions, error) {
	rows := &entsql.Rows{}
	if err := drv.Query(ctx, versionsSQL, []any{}, rows); err != nil {
		return Versions{}, fmt.Errorf("read graph version: %w", err)
	}
	return scanVersions(rows)
}

func scanVersions(rows entsql.ColumnScanner) (Versions, error) {
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return Versions{}, fmt.Errorf("read graph version: %w", err)
		}
		return Versions{}, errors.New("read graph version: essaim_graph_version has no row (migrations not applied?)")
	}
	var vs Versions
	if err := rows.Scan(&vs.Graph, &vs.Network); err != nil {
		return Versions{}, fmt.Errorf("read graph version: %w", err)
	}
	return vs, rows.Err()
}

// GraphVersion reads the current graph version.
func GraphVersion(ctx context.Context, client *ent.Client) (int64, error) {
	vs, err := ReadVersions(ctx, client)
	return vs.Graph, err
}

// NetworkVersion reads the current network version.
func NetworkVersion(ctx context.Context, client *ent.Client) (int64, error) {
	vs, err := ReadVersions(ctx, client)
	return vs.Network, err
}

type requestVersionKey struct{}

// requestRead is a read of the versions made for the whole request, and when.
type requestRead struct {
	vs Versions
	at time.Time
}

// WithRequestVersions records the versions a request has read, so that the
// caches it consults afterwards (statistics, counts, actor network) check
// against that read instead of sending another: the response cache reads the
// versions of every READER query first.
func WithRequestVersions(ctx context.Context, vs Versions) context.Context {
	return context.WithValue(ctx, requestVersionKey{}, requestRead{vs, time.Now()})
}

// WithVersionMemo makes the first cache of a read-only request that needs
// the versions read them for all the others: a dashboard's counts,
// statistics and network reads then share one read. Never for a mutation,
// whose own writes move the versions.
func WithVersionMemo(ctx context.Context) context.Context {
	if _, ok := ctx.Value(requestVersionKey{}).(requestRead); ok {
		return ctx
	}
	return context.WithValue(ctx, requestVersionKey{}, &versionMemo{})
}

type versionMemo struct {
	mu   sync.Mutex
	read requestRead
	done bool
}

// RequestVersions are the versions recorded for this request by
// WithRequestVersions or WithVersionMemo, else the database's. Work that
// must see the latest versions whatever the request read (a rebuild) calls
// ReadVersions.
func RequestVersions(ctx context.Context, client *ent.Client) (Versions, error) {
	vs, _, err := RequestVersionsAt(ctx, client)
	return vs, err
}

// RequestVersionsAt also tells when the versions were read if the request
// read them earlier (the zero time if they were read by this call): what is
// known current is known current as of that read.
func RequestVersionsAt(ctx context.Context, client *ent.Client) (Versions, time.Time, error) {
	return requestVersionsOr(ctx, func() (Versions, error) { return ReadVersions(ctx, client) })
}

func requestVersions(ctx context.Context, drv dialect.Driver) (Versions, error) {
	vs, _, err := requestVersionsOr(ctx, func() (Versions, error) { return readVersionsFrom(ctx, drv) })
	return vs, err
}

func requestVersionsOr(ctx context.Context, read func() (Versions, error)) (Versions, time.Time, error) {
	switch r := ctx.Value(requestVersionKey{}).(type) {
	case requestRead:
		return r.vs, r.at, nil
	case *versionMemo:
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.done {
			return r.read.vs, r.read.at, nil
		}
		vs, err := read() // a failed read is not kept: the next cache tries again
		if err != nil {
			return Versions{}, time.Time{}, err
		}
		r.read, r.done = requestRead{vs, time.Now()}, true
		return vs, time.Time{}, nil
	}
	vs, err := read()
	return vs, time.Time{}, err
}

// BumpGraphVersion marks everything cached as changed, the actor network
// included; client should be the writing transaction's client so the bump
// commits or rolls back with it.
func BumpGraphVersion(ctx context.Context, client *ent.Client) error {
	return bump(ctx, client, bumpBothSQL)
}

func bump(ctx context.Context, client *ent.Client, stmt string) error {
	if _, err := client.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("bump graph version: %w", err)
	}
	return nil
}

// bumpOnWrite is an ent hook that bumps the versions after each successful
// write that can change a cached answer (see bumpFor).
func bumpOnWrite(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		v, err := next.Mutate(ctx, m)
		stmt := bumpFor(m)
		if err != nil || stmt == "" {
			return v, err
		}
		if b := deferredBumps(ctx); b != nil {
			b.add(stmt)
			return v, nil
		}
		withClient, ok := m.(interface{ Client() *ent.Client })
		if !ok {
			return v, nil
		}
		if err := bump(ctx, withClient.Client(), stmt); err != nil {
			return nil, err
		}
		return v, nil
	})
}

// bumpFor is the statement bumping the counters a write of m can change:
//   - none for territories (their write paths bump once per import rather
//     than once per row, territory.Derive), API keys and audit entries
//     (never part of a cached answer);
//   - the graph version alone for indicators and for a new initiative
//     given only its territories and themes (the network holds initiatives
//     only as the evidence of participations, which bump both when they
//     come);
//   - both otherwise.
func bumpFor(m ent.Mutation) string {
	switch m.Type() {
	case ent.TypeTerritory, ent.TypeAPIKey, ent.TypeAuditEntry:
		return ""
	case ent.TypeIndicator:
		return bumpGraphSQL
	case ent.TypeInitiative:
		if m.Op().Is(ent.OpCreate) && !slices.ContainsFunc(m.AddedEdges(), notPlace) {
			return bumpGraphSQL
		}
	}
	return bumpBothSQL
}

// notPlace reports whether an initiative's edge is other than its
// territories and themes (its participations, say).
func notPlace(edge string) bool {
	return edge != initiative.EdgeTerritories && edge != initiative.EdgeThemes
}
