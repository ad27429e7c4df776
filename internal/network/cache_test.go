package network_test

// Tests of the cache's rebuilds: the staleness bound (with a fake clock),
// single flight, failed rebuilds and strict requests, on both stores. Held
// rebuilds (a gate) make every interleaving deterministic.

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/network"
	"github.com/essaim/essaim/internal/store"
)

// clock is a fake time.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// builds counts rebuilds; when gated, each waits for a value on gate, and
// fail makes the next rebuilds fail.
type builds struct {
	n     atomic.Int32
	gate  chan struct{}
	gated atomic.Bool
	fail  atomic.Int32 // rebuilds left to fail
}

var errBuild = errors.New("rebuild failed on purpose")

func (b *builds) option() network.Option {
	return network.WithBuild(func(ctx context.Context, build func(context.Context, int64) (*network.Snapshot, error), v int64) (*network.Snapshot, error) {
		b.n.Add(1)
		if b.gated.Load() {
			<-b.gate
		}
		if b.fail.Load() > 0 {
			b.fail.Add(-1)
			return nil, errBuild
		}
		return build(ctx, v)
	})
}

func newBuilds() *builds { return &builds{gate: make(chan struct{})} }

// addParticipation writes one participation of z (bumping the version).
func addParticipation(t *testing.T, st *store.Store, n *dbtest.ActorNetwork) {
	t.Helper()
	addParticipationTo(t, st, n.Z.ID, n.IB2.ID)
}

func addParticipationTo(t *testing.T, st *store.Store, actor, initiative int) {
	t.Helper()
	if _, err := st.Client.Participation.Create().SetActorID(actor).SetInitiativeID(initiative).
		SetRole(participation.RoleFUNDER).Save(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, ctx context.Context, c *network.Cache) (*network.Snapshot, network.Freshness) {
	t.Helper()
	s, fr, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("cache read: %v", err)
	}
	return s, fr
}

// asyncGet runs Get in a goroutine.
func asyncGet(ctx context.Context, c *network.Cache) <-chan *network.Snapshot {
	out := make(chan *network.Snapshot, 1)
	go func() {
		s, err := c.Get(ctx)
		if err != nil {
			s = nil
		}
		out <- s
	}()
	return out
}

func TestNetworkCacheStalenessBound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := dbtest.NewActorNetwork(t, st)
		clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
		b := newBuilds()
		cache := network.NewCache(st.Client, network.WithMaxStaleness(10*time.Second), network.WithClock(clk.now), b.option())
		s1, fr := read(t, ctx, cache)
		if fr.Stale != 0 || s1.Version != fr.NetworkVersion {
			t.Fatalf("first read: version %d, freshness %+v", s1.Version, fr)
		}

		b.gated.Store(true)
		addParticipation(t, st, n)
		v := version(t, st)
		for _, step := range []time.Duration{0, 4 * time.Second, 6 * time.Second} { // 0 s, 4 s, 10 s after the sighting
			clk.advance(step)
			s, fr := read(t, ctx, cache)
			if s != s1 || fr.NetworkVersion != v || fr.Stale == 0 || fr.Stale > 10*time.Second {
				t.Fatalf("within the bound: got version %d (want the previous %d), freshness %+v", s.Version, s1.Version, fr)
			}
		}
		strict := asyncGet(network.Strict(ctx), cache)
		clk.advance(time.Second) // 11 s: past the bound, everyone waits
		late := asyncGet(ctx, cache)
		b.gate <- struct{}{} // release the background rebuild
		for _, ch := range []<-chan *network.Snapshot{strict, late} {
			if s := <-ch; s == nil || s.Version < v {
				t.Fatalf("past the bound or strict: got %v, want version ≥ %d", s, v)
			}
		}
		if got := b.n.Load(); got != 2 {
			t.Fatalf("%d rebuilds, want 2: the waiting readers share the background one", got)
		}
		if s, fr := read(t, ctx, cache); s.Version != v || fr.Stale != 0 {
			t.Fatalf("after the rebuild: version %d, freshness %+v", s.Version, fr)
		}

		// A reader past the bound waits for the rebuild in progress, and
		// takes its result if it is within the bound, even if writes came
		// after it started: one rebuild, not two.
		clk.advance(9 * time.Second)
		addParticipationTo(t, st, n.Z.ID, n.IA1.ID)
		v1 := version(t, st)
		b.gated.Store(true)
		before := b.n.Load()
		if s, fr := read(t, ctx, cache); s.Version != v || fr.Stale == 0 {
			t.Fatalf("9 s after the last current read: version %d, want the previous %d, freshness %+v", s.Version, v, fr)
		}
		for b.n.Load() == before { // the rebuild has read version v1 and waits at the gate
			time.Sleep(time.Millisecond)
		}
		addParticipationTo(t, st, n.Z.ID, n.IB1.ID)
		clk.advance(2 * time.Second)
		waiting := make(chan struct{})
		go func() {
			defer close(waiting)
			s, fr, err := cache.Read(ctx)
			if err != nil || s.Version != v1 || fr.Stale != 2*time.Second {
				t.Errorf("past the bound with a rebuild in progress: %v, %v, freshness %+v; want the rebuild's version %d, 2 s stale", s, err, fr, v1)
			}
		}()
		b.gate <- struct{}{}
		<-waiting
		b.gated.Store(false)
		close(b.gate) // the background rebuild the stale answer started
		// Nobody read for an hour, so the write below may be an hour old
		// when the next read comes: that read waits for the rebuild.
		clk.advance(time.Hour)
		addParticipationTo(t, st, n.Z.ID, n.IA2.ID)
		if s, fr := read(t, ctx, cache); s.Version != version(t, st) || fr.Stale != 0 {
			t.Fatalf("first read after an idle hour: version %d, want %d, freshness %+v", s.Version, version(t, st), fr)
		}
	})
}

func TestNetworkCacheSingleFlight(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := dbtest.NewActorNetwork(t, st)
		b := newBuilds()
		cache := network.NewCache(st.Client, b.option())
		get(t, cache)
		b.gated.Store(true)
		addParticipation(t, st, n)
		v := version(t, st)
		const readers = 16
		var outs []<-chan *network.Snapshot
		for range readers {
			outs = append(outs, asyncGet(ctx, cache))
		}
		close(b.gate) // release every rebuild from now on
		for _, ch := range outs {
			if s := <-ch; s == nil || s.Version != v {
				t.Fatalf("reader got %v, want version %d", s, v)
			}
		}
		if got := b.n.Load(); got != 2 {
			t.Fatalf("%d rebuilds for %d concurrent readers of one version, want 1 (+1 before)", got-1, readers)
		}
	})
}

func TestNetworkCacheFailedRebuild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := dbtest.NewActorNetwork(t, st)
		clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
		b := newBuilds()
		strict := network.NewCache(st.Client, b.option())
		b.fail.Store(1)
		if _, err := strict.Get(ctx); !errors.Is(err, errBuild) {
			t.Fatalf("first read while the rebuild fails: %v, want the rebuild's error", err)
		}
		if s := get(t, strict); s.Version != version(t, st) {
			t.Fatalf("after a failed rebuild: version %d, want %d", s.Version, version(t, st))
		}

		lax := network.NewCache(st.Client, network.WithMaxStaleness(5*time.Second), network.WithClock(clk.now), b.option())
		s1 := get(t, lax)
		addParticipation(t, st, n)
		v := version(t, st)
		b.fail.Store(1)
		b.gated.Store(true)
		clk.advance(3 * time.Second)   // past half the bound: the read starts a rebuild
		if s := get(t, lax); s != s1 { // starts the background rebuild, which will fail
			t.Fatalf("within the bound: version %d, want the previous %d", s.Version, s1.Version)
		}
		b.gate <- struct{}{}
		b.gated.Store(false)
		// The failure leaves the previous snapshot; past the bound a reader
		// rebuilds again (a reader already waiting for the failing one gets its error).
		clk.advance(6 * time.Second)
		s, err := lax.Get(ctx)
		if errors.Is(err, errBuild) { // it waited for the failing rebuild: the next read rebuilds
			s, err = lax.Get(ctx)
		}
		if err != nil || s.Version != v {
			t.Fatalf("past the bound after a failed rebuild: %v, %v, want version %d", s, err, v)
		}
	})
}

// Two caches on one database (two servers) with a staleness bound: each
// sees the other's writes once its bound has passed.
func TestNetworkCacheStaleAcrossServers(t *testing.T) {
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			dsn := sharedDSN(t, s.Name)
			server1, server2, writer := openShared(t, dsn), openShared(t, dsn), openShared(t, dsn)
			n := dbtest.NewActorNetwork(t, writer)
			nm := namesOf(n)
			clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
			b1, b2 := newBuilds(), newBuilds()
			c1 := network.NewCache(server1.Client, network.WithMaxStaleness(time.Second), network.WithClock(clk.now), b1.option())
			c2 := network.NewCache(server2.Client, network.WithMaxStaleness(time.Second), network.WithClock(clk.now), b2.option())
			old1, old2 := get(t, c1), get(t, c2)
			b1.gated.Store(true)
			b2.gated.Store(true)
			addParticipation(t, writer, n)
			v := version(t, writer)
			if get(t, c1) != old1 || get(t, c2) != old2 {
				t.Fatal("a read within the bound did not get the previous snapshot")
			}
			clk.advance(2 * time.Second)
			outs := []<-chan *network.Snapshot{asyncGet(context.Background(), c1), asyncGet(context.Background(), c2)}
			close(b1.gate)
			close(b2.gate)
			for i, ch := range outs {
				got := <-ch
				if got == nil || got.Version != v {
					t.Fatalf("server %d past the bound: %v, want version %d", i+1, got, v)
				}
				check(t, "z after the write", nm.links(got.Links(n.Z.ID, network.LinkFilter{})), "b2:1[IB2|Y|]; b3:1[IB2|Y|]")
			}
		})
	}
}
