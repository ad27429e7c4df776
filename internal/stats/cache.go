package stats

import (
	"context"
	"fmt"
	"sync"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/store"
)

// Cache keeps the grouped counts computed at the current graph version.
// Dashboards ask for the same figures again and again, and every write that
// can change one (actors, initiatives, participations, themes, territories
// and their links) bumps the graph version in its own transaction (package
// store), so a result stays exact until the version moves; then the whole
// cache is dropped. Several servers on one database agree through the
// version, as the actor-network cache does.
type Cache struct {
	mu      sync.Mutex
	max     int
	version int64
	results map[string]*Result
	buckets int // in results

	// flights computes a missed result once for every request that misses
	// it at the same time (store.Flights): 15 ms of SQL for a grouped count
	// of the initiatives, which every dashboard used to send again after a
	// write.
	flights store.Flights[*Result]
}

// cachedBuckets bounds the memory of a cache (a bucket is ~100 bytes): a
// result that would take it over is not kept.
const cachedBuckets = 200_000

// NewCache keeps at most max results (distinct queries) per graph version.
func NewCache(max int) *Cache { return &Cache{max: max, results: map[string]*Result{}} }

// cached returns the result of the statement q with args, computing it with
// compute unless the cache has it for the current graph version. The
// version is read before computing, so a result is never filed under a
// version newer than the data it saw.
func (c *Cache) cached(ctx context.Context, client *ent.Client, q string, args []any, compute func() (*Result, error)) (*Result, error) {
	if c == nil {
		return compute()
	}
	vs, err := store.RequestVersions(ctx, client)
	if err != nil {
		return nil, err
	}
	v := vs.Graph
	// %#v quotes strings: with %v, ["a b", "c"] and ["a", "b c"] were one key.
	key := fmt.Sprintf("%s\x00%#v", q, args)
	c.mu.Lock()
	if v > c.version { // versions only grow; a late reader of an older one bypasses the cache
		c.version, c.results, c.buckets = v, map[string]*Result{}, 0
	}
	r, ok := c.results[key]
	ok = ok && c.version == v
	c.mu.Unlock()
	if ok {
		return r, nil
	}
	r, _, err = c.flights.Run(ctx, v, key, func() (*Result, error) {
		r, err := compute()
		if err == nil {
			c.keep(v, key, r)
		}
		return r, err
	})
	return r, err
}

// keep files r under key at version v, if the cache is still at v and has
// room for it.
func (c *Cache) keep(v int64, key string, r *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, dup := c.results[key]; c.version == v && !dup && len(c.results) < c.max && c.buckets+len(r.Buckets) <= cachedBuckets {
		c.results[key] = r
		c.buckets += len(r.Buckets)
	}
}
