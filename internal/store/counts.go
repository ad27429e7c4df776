package store

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	entgo "entgo.io/ent"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
)

// A connection's totalCount (and its hasNextPage) costs a COUNT over every
// matching row, often most of a page's SQL: 3 of the reference dashboard's
// 5.7 ms, 20 of the rural one's 25. Yet the count of one filter only changes
// when the graph version moves, and dashboards, pagers and apps send the same
// filters again and again. So the row counts of ent's Count queries on the
// versioned entities, outside transactions, are kept per statement text and
// arguments until the graph version moves, as the statistics are (package
// stats): exact, and several servers on one database agree through the
// version. Counts inside a transaction (mutations) always run.

// DefaultCountCache is how many distinct counts are kept unless configured.
const DefaultCountCache = 1024

// maxCountKey bounds the statement and arguments of a kept count: a filter
// over thousands of IDs is counted every time rather than held.
const maxCountKey = 8 << 10

// countedTypes are the entities whose writes bump the graph version: through
// bumpOnWrite, or for territories through their write paths, which bump once
// per import or mutation (territory.Derive). API keys and audit entries are
// never counted from the cache.
var countedTypes = map[string]bool{
	ent.TypeActor: true, ent.TypeActorRelation: true, ent.TypeIndicator: true, ent.TypeInitiative: true,
	ent.TypeParticipation: true, ent.TypeTerritory: true, ent.TypeTheme: true,
}

// CountCache holds counts computed at one graph version.
type CountCache struct {
	mu      sync.Mutex
	limit   int
	version int64
	counts  map[string]int64

	// flights runs a missed count once for every request that misses it
	// at the same time.
	flights Flights[int64]

	hits, misses atomic.Int64
}

// NewCountCache keeps at most limit counts per graph version.
func NewCountCache(limit int) *CountCache {
	return &CountCache{limit: limit, counts: map[string]int64{}}
}

// Stats returns how many counts were answered from the cache (or from a
// count another request was making) and how many were sent to the database.
func (c *CountCache) Stats() (hits, misses int64) { return c.hits.Load(), c.misses.Load() }

func (c *CountCache) get(v int64, key string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v > c.version { // versions only grow; a late reader of an older one bypasses the cache
		c.version, c.counts = v, map[string]int64{}
	}
	n, ok := c.counts[key]
	return n, ok && c.version == v
}

func (c *CountCache) put(v int64, key string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != v {
		return
	}
	if len(c.counts) >= c.limit {
		// Full: start over rather than keep the first filters seen for as
		// long as nothing is written (one-off filters would lock the
		// common ones out).
		c.counts = map[string]int64{}
	}
	c.counts[key] = n
}

type countQueryKey struct{}

// markCounts tells the count driver which statements are the Count queries
// of versioned entities. ent sends them with no other mark than their text.
func markCounts(next ent.Querier) ent.Querier {
	return ent.QuerierFunc(func(ctx context.Context, q ent.Query) (ent.Value, error) {
		if qc := entgo.QueryFromContext(ctx); qc != nil && qc.Op == entgo.OpQueryCount && countedTypes[qc.Type] {
			ctx = context.WithValue(ctx, countQueryKey{}, true)
		}
		return next.Query(ctx, q)
	})
}

// countDriver answers marked counts from the cache. Its transactions are
// the inner driver's: nothing inside one is cached, since its writes are
// not committed and its version bump could still roll back.
type countDriver struct {
	dialect.Driver
	cache *CountCache
}

func (d *countDriver) Query(ctx context.Context, query string, args, v any) error {
	rows, ok := v.(*entsql.Rows)
	if marked, _ := ctx.Value(countQueryKey{}).(bool); !marked || !ok {
		return d.Driver.Query(ctx, query, args, v)
	}
	key, ok := countKey(query, args)
	if !ok {
		return d.Driver.Query(ctx, query, args, v)
	}
	vs, err := requestVersions(ctx, d.Driver)
	if err != nil {
		// The count does not need the versions: an unread version only
		// costs the cache.
		return d.Driver.Query(ctx, query, args, v)
	}
	if n, ok := d.cache.get(vs.Graph, key); ok {
		d.cache.hits.Add(1)
		*rows = entsql.Rows{ColumnScanner: &oneCount{n: n}}
		return nil
	}
	n, err := d.cache.count(ctx, vs.Graph, key, func() (int64, error) { return d.countNow(ctx, query, args) })
	if err != nil {
		return err
	}
	*rows = entsql.Rows{ColumnScanner: &oneCount{n: n}}
	return nil
}

// count makes a missed count once for all the requests that miss it at
// the same version at the same time (Flights), and keeps it: ~15 ms of SQL
// for the rural dashboard's, which every client used to send again after
// each write.
func (c *CountCache) count(ctx context.Context, v int64, key string, run func() (int64, error)) (int64, error) {
	n, joined, err := c.flights.Run(ctx, v, key, func() (int64, error) {
		c.misses.Add(1)
		n, err := run()
		if err == nil {
			c.put(v, key, n)
		}
		return n, err
	})
	if err == nil && joined {
		c.hits.Add(1)
	}
	return n, err
}

// countNow sends a count to the database.
func (d *countDriver) countNow(ctx context.Context, query string, args any) (int64, error) {
	rows := &entsql.Rows{}
	if err := d.Driver.Query(ctx, query, args, rows); err != nil {
		return 0, err
	}
	n, err := entsql.ScanInt64(rows)
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("read count: %w", err)
	}
	return n, nil
}

// countKey is the cache key of a count, if its arguments are all plain
// values (numbers, strings and the enums ent defines on them, booleans,
// times): %#v prints a pointer as its address, which a later argument could
// share. %#v quotes strings, so ["a b"] and ["a", "b"] differ.
func countKey(query string, args any) (string, bool) {
	list, ok := args.([]any)
	if !ok {
		return "", false
	}
	for _, a := range list {
		if !plainValue(a) {
			return "", false
		}
	}
	key := fmt.Sprintf("%s\x00%#v", query, list)
	return key, len(key) <= maxCountKey
}

func plainValue(a any) bool {
	if _, ok := a.(time.Time); ok {
		return true // printed through its GoString
	}
	switch reflect.ValueOf(a).Kind() {
	case reflect.Bool, reflect.String, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// BeginTx keeps transaction options working through the wrapper.
func (d *countDriver) BeginTx(ctx context.Context, opts *entsql.TxOptions) (dialect.Tx, error) {
	if b, ok := d.Driver.(interface {
		BeginTx(context.Context, *entsql.TxOptions) (dialect.Tx, error)
	}); ok {
		return b.BeginTx(ctx, opts)
	}
	return d.Driver.Tx(ctx)
}

// ExecContext and QueryContext serve ent's raw-SQL feature (never cached).
func (d *countDriver) ExecContext(ctx context.Context, query string, args ...any) (stdsql.Result, error) {
	eq, ok := d.Driver.(entsql.ExecQuerier)
	if !ok {
		return nil, fmt.Errorf("count cache: %T does not support ExecContext", d.Driver)
	}
	return eq.ExecContext(ctx, query, args...)
}

func (d *countDriver) QueryContext(ctx context.Context, query string, args ...any) (*stdsql.Rows, error) {
	eq, ok := d.Driver.(entsql.ExecQuerier)
	if !ok {
		return nil, fmt.Errorf("count cache: %T does not support QueryContext", d.Driver)
	}
	return eq.QueryContext(ctx, query, args...)
}

// oneCount is the one-row, one-column result ent reads a count from.
type oneCount struct {
	n    int64
	read bool
}

func (r *oneCount) Close() error                               { return nil }
func (r *oneCount) ColumnTypes() ([]*stdsql.ColumnType, error) { return nil, nil }
func (r *oneCount) Columns() ([]string, error)                 { return []string{"count"}, nil }
func (r *oneCount) Err() error                                 { return nil }
func (r *oneCount) NextResultSet() bool                        { return false }

func (r *oneCount) Next() bool {
	if r.read {
		return false
	}
	r.read = true
	return true
}

func (r *oneCount) Scan(dest ...any) error {
	if len(dest) != 1 {
		return fmt.Errorf("count: %d destinations for one column", len(dest))
	}
	switch p := dest[0].(type) {
	case *int64:
		*p = r.n
	default: // ent scans counts into an int64 (sql.ScanInt64)
		return fmt.Errorf("count: cannot scan into %T", dest[0])
	}
	return nil
}
