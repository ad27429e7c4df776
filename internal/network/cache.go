package network

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/store"
)

// Cache keeps the latest Snapshot and rebuilds it when the database's graph
// version moves. One version read per request keeps every server instance in
// step with writes made through any other.
//
// A rebuild reads the whole network (about a second on the reference
// dataset), so under a steady flow of writes a cache that made every reader
// wait for it would always be rebuilding. With a maximum staleness d > 0,
// readers keep getting the previous snapshot while one rebuild runs in the
// background (started once the snapshot is d/2 old, so that the writes of
// that time share one rebuild), as long as that snapshot was known to hold
// every committed write at most d ago (a version read that started then
// found nothing newer: every write it misses committed since). Past that, and for strict requests
// (see Strict), a reader waits for a snapshot holding every write committed
// before its own version read. A cache that nobody read for longer than d
// therefore never serves a stale snapshot. With d = 0 every read waits (the
// strict behaviour). Rebuilds never overlap: one runs at a time, and every
// reader needing it waits for that one.
type Cache struct {
	client   *ent.Client
	maxStale time.Duration
	now      func() time.Time
	build    func(ctx context.Context, version int64) (*Snapshot, error)
	log      *slog.Logger

	mu   sync.Mutex
	snap *Snapshot
	// fresh is the start of the latest version read that found no version
	// newer than snap: snap held every write committed before it.
	fresh time.Time
	// seen lists the versions newer than snap that reads found, ascending,
	// each with the start of the latest read that found it (for the fresh
	// time of the snapshot that will hold it).
	seen   []sighting
	flight *flight // the rebuild running, if any
}

// sighting is a version and the start of the latest read that found it.
type sighting struct {
	version int64
	at      time.Time
}

// maxSightings bounds the memory of a cache that keeps seeing new versions
// while its rebuilds fail: past it, the newest sighting takes the next
// version, which can only make a later snapshot look staler than it is,
// never fresher.
const maxSightings = 1024

// buildTimeout bounds a background rebuild, which no request's deadline does.
const buildTimeout = 2 * time.Minute

// flight is one rebuild; done is closed once err is set.
type flight struct {
	done chan struct{}
	err  error
}

// An Option configures a Cache.
type Option func(*Cache)

// WithMaxStaleness lets readers use a snapshot that misses writes first seen
// at most d ago while a rebuild runs (0: never).
func WithMaxStaleness(d time.Duration) Option { return func(c *Cache) { c.maxStale = max(d, 0) } }

// WithLogger logs the rebuilds (failures as warnings: a failed background
// rebuild has no request to report it to).
func WithLogger(log *slog.Logger) Option { return func(c *Cache) { c.log = log } }

// WithClock replaces time.Now (for tests).
func WithClock(now func() time.Time) Option { return func(c *Cache) { c.now = now } }

// NewCache returns an empty cache over client; without options every read
// sees every write committed before it.
func NewCache(client *ent.Client, opts ...Option) *Cache {
	c := &Cache{client: client, now: time.Now, log: slog.New(slog.DiscardHandler)}
	c.build = func(ctx context.Context, v int64) (*Snapshot, error) { return Build(ctx, client, v) }
	for _, o := range opts {
		o(c)
	}
	return c
}

type strictKey struct{}

// Strict marks a request that must see every write committed before it
// whatever the cache's staleness bound (for example a client reading back
// what it just wrote).
func Strict(ctx context.Context) context.Context { return context.WithValue(ctx, strictKey{}, true) }

func isStrict(ctx context.Context) bool { v, _ := ctx.Value(strictKey{}).(bool); return v }

// Freshness says how a snapshot returned by Read relates to the database.
type Freshness struct {
	// NetworkVersion is the database's network version read by the
	// request (store.Versions); the snapshot's own Version is at least this
	// unless Stale > 0.
	NetworkVersion int64
	// Stale is 0 when the snapshot holds every write committed before the
	// request's version read; otherwise how long ago the snapshot was last
	// known to hold every committed write (the writes it misses are younger).
	Stale time.Duration
}

// Get returns a snapshot within the cache's staleness bound.
func (c *Cache) Get(ctx context.Context) (*Snapshot, error) {
	s, _, err := c.Read(ctx)
	return s, err
}

// Read returns a snapshot and how fresh it is: one holding every write
// committed before the call or, when the cache allows it and ctx is not
// Strict, one known current at most the staleness bound ago (a rebuild is
// then running in the background). A reader that can be served neither way
// waits for the rebuild in progress, or starts one.
func (c *Cache) Read(ctx context.Context) (*Snapshot, Freshness, error) {
	at := c.now()
	vs, readAt, err := store.RequestVersionsAt(ctx, c.client)
	if err != nil {
		return nil, Freshness{}, err
	}
	if !readAt.IsZero() && readAt.Before(at) {
		at = readAt // read earlier in the request: the versions are known current as of then
	}
	v := vs.Network
	fr := Freshness{NetworkVersion: v}
	lax := c.maxStale > 0 && !isStrict(ctx)
	c.mu.Lock()
	c.observe(v, at)
	for {
		s := c.snap
		if s != nil && s.Version >= v {
			c.mu.Unlock()
			return s, fr, nil
		}
		if s != nil && lax {
			if age := c.now().Sub(c.fresh); age <= c.maxStale {
				// Half the bound gathers the writes of that time into
				// one rebuild (a rebuild costs about a second of CPU)
				// and leaves the other half for the rebuild to finish.
				if c.flight == nil && age >= c.maxStale/2 {
					c.start(ctx, v)
				}
				c.mu.Unlock()
				fr.Stale = max(age, time.Nanosecond)
				return s, fr, nil
			}
		}
		f := c.flight
		if f == nil {
			f = c.start(ctx, v)
		}
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return nil, fr, ctx.Err()
		}
		if f.err != nil {
			return nil, fr, f.err
		}
		c.mu.Lock()
	}
}

// observe records that a read started at at found version v; c.mu is held.
func (c *Cache) observe(v int64, at time.Time) {
	if c.snap != nil && v <= c.snap.Version {
		c.fresh = later(c.fresh, at)
		return
	}
	i, found := slices.BinarySearchFunc(c.seen, v, func(s sighting, v int64) int { return cmp.Compare(s.version, v) })
	switch {
	case found:
		c.seen[i].at = later(c.seen[i].at, at)
	case len(c.seen) >= maxSightings:
		// Merge into a neighbour under the higher version: a snapshot
		// between the two loses this time, so it can only look staler.
		j := min(i, len(c.seen)-1)
		c.seen[j].version = max(c.seen[j].version, v)
		c.seen[j].at = later(c.seen[j].at, at)
	default:
		c.seen = slices.Insert(c.seen, i, sighting{version: v, at: at})
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// start launches a rebuild; c.mu is held. The rebuild reads the version
// itself (at least v) and outlives the request that started it: other
// readers wait for it or will use its result.
func (c *Cache) start(ctx context.Context, v int64) *flight {
	f := &flight{done: make(chan struct{})}
	c.flight = f
	if c.maxStale == 0 {
		// Nobody may read the old snapshot any more: let it be collected
		// once the requests holding it end, instead of two whole networks
		// being live during the build (issue #6, server memory).
		c.snap = nil
	}
	at := c.now() // before the rebuild's version read
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), buildTimeout)
	go func() {
		defer cancel()
		s, err := c.rebuild(bctx, v)
		c.finish(f, s, at, err)
	}()
	return f
}

// rebuild builds a snapshot at the current version, at least v.
func (c *Cache) rebuild(ctx context.Context, v int64) (*Snapshot, error) {
	cur, err := store.NetworkVersion(ctx, c.client)
	if err != nil {
		return nil, err
	}
	return c.build(ctx, max(cur, v))
}

// finish installs a rebuild's result, current as of at. A failed rebuild
// leaves the previous snapshot in place: the readers waiting for it get its
// error, and the next reader that needs a newer snapshot starts another.
func (c *Cache) finish(f *flight, s *Snapshot, at time.Time, err error) {
	if err != nil {
		c.log.Warn("actor network rebuild failed; the previous snapshot stays", "err", err)
	} else {
		c.log.Debug("actor network rebuilt", "version", s.Version, "duration", s.BuildTime)
	}
	c.mu.Lock()
	f.err = err
	if err == nil && (c.snap == nil || s.Version > c.snap.Version) {
		c.snap = s
		c.fresh = later(c.fresh, at)
		k := 0
		for k < len(c.seen) && c.seen[k].version <= s.Version {
			c.fresh = later(c.fresh, c.seen[k].at)
			k++
		}
		c.seen = append(c.seen[:0], c.seen[k:]...)
	}
	c.flight = nil
	c.mu.Unlock()
	close(f.done)
}
