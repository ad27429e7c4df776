package bench

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/network"
)

// BenchmarkNetwork measures the actor-network API on the reference dataset
// with a warm cache, through the real GraphQL handler, and the cache rebuild.
// Targets (issue #3): actorPath p95 < 50 ms, actorNetwork of 500 nodes
// < 100 ms.
//
//	ESSAIM_BENCH_DB=/tmp/essaim-bench.db go test ./bench -run '^$' -bench Network -benchtime 200x
func BenchmarkNetwork(b *testing.B) {
	st := OpenDataset(b)
	c := gqltest.New(st)
	ids, err := st.Client.Actor.Query().IDs(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	slices.Sort(ids)
	rng := rand.New(rand.NewPCG(7, 7))
	pick := func() string { return strconv.Itoa(ids[rng.IntN(len(ids))]) }
	// Warm the cache, as in production after the first request.
	c.MustData(b, `{ actorNetwork(limit: 1) { totalNodes } }`, nil, &struct{}{})

	b.Run("rebuild", func(b *testing.B) {
		for b.Loop() {
			if _, err := network.Build(context.Background(), st.Client, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("actorPath", func(b *testing.B) {
		const q = `query($a: ID!, $b: ID!) { actorPath(from: $a, to: $b, maxHops: 6) {
			length hops { from { name } to { name } relations { kind } sharedInitiatives { title } } } }`
		measure(b, c, q, func() map[string]any { return map[string]any{"a": pick(), "b": pick()} })
	})
	b.Run("actorNetwork500", func(b *testing.B) {
		const q = `query($c: ID!) { actorNetwork(center: $c, depth: 3, limit: 500) {
			totalNodes nodes { actor { id name } degree betweenness community } edges { source target weight } } }`
		measure(b, c, q, func() map[string]any { return map[string]any{"c": pick()} })
	})
	// The same view without GraphQL: what the graph algorithms cost alone.
	b.Run("actorNetwork500Compute", func(b *testing.B) {
		snap, err := network.NewCache(st.Client).Get(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		var lat []time.Duration
		for b.Loop() {
			center := ids[rng.IntN(len(ids))]
			start := time.Now()
			snap.Network(network.NetworkFilter{}, &center, 3, 500)
			lat = append(lat, time.Since(start))
		}
		reportPercentiles(b, lat)
	})
	b.Run("links", func(b *testing.B) {
		const q = `query($a: ID!) { node(id: $a) { ... on Actor { links(first: 20) { totalCount
			edges { weight node { name } relations { kind } sharedThemes { label } } } } } }`
		measure(b, c, q, func() map[string]any { return map[string]any{"a": pick()} })
	})
	b.Run("suggestedPartners", func(b *testing.B) {
		const q = `query($a: ID!) { suggestedPartners(actor: $a, first: 10) { score actor { name } reasons { kind } } }`
		measure(b, c, q, func() map[string]any { return map[string]any{"a": pick()} })
	})
}

// measure runs one request per iteration and reports latency percentiles,
// and the CPU time of this process per request (the handler's and the test
// client's, not the database server's).
func measure(b *testing.B, c *gqltest.Client, query string, vars func() map[string]any) {
	var lat []time.Duration
	cpu := processCPU()
	for b.Loop() {
		v := vars()
		start := time.Now()
		resp := c.Post(b, query, v)
		lat = append(lat, time.Since(start))
		if len(resp.Errors) > 0 {
			b.Fatalf("%v", resp.Errors)
		}
	}
	if used := processCPU() - cpu; used > 0 {
		b.ReportMetric(float64(used.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
