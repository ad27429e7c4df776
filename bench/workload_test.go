package bench

import (
	"context"
	"testing"

	"github.com/essaim/essaim/bench/workload"
	"github.com/essaim/essaim/internal/gqltest"
)

// BenchmarkWorkload runs each read operation of the workload (bench/workload)
// through the production handler, in process, one request at a time, on the
// reference dataset: the engine's time and allocations per request, to
// compare builds with benchstat (bench/load measures throughput under
// concurrency, bench/sqlalone the SQL's share). The test client is an
// EDITOR, whose answers never come from the response cache.
//
//	ESSAIM_BENCH_DB='postgres://postgres@127.0.0.1:5432/essaim_bench?sslmode=disable' \
//	  go test ./bench -run '^$' -bench Workload -benchmem -count 6 > new.txt
func BenchmarkWorkload(b *testing.B) {
	st := OpenDataset(b)
	c := gqltest.New(st)
	ctx := context.Background()
	for _, op := range workload.Ops {
		if op.Mutation {
			continue
		}
		vars, err := op.Prepare(ctx, st.Client)
		if err != nil {
			b.Fatalf("%s: %v", op.Name, err)
		}
		query := op.Query()
		// Warm up: the network snapshot, the statistics cache, prepared
		// statements, as in a server that has been running.
		if resp := c.Post(b, query, vars(0)); len(resp.Errors) > 0 {
			b.Fatalf("%s: %v", op.Name, resp.Errors)
		}
		b.Run(op.Name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			measure(b, c, query, func() map[string]any {
				i++
				return vars(i)
			})
		})
	}
}
