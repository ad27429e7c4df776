package server

import (
	"context"
	"runtime"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
)

// heavyOperationCost is the estimated cost (see costWalker) from which an
// operation is heavy: a thousand objects or more, such as a page of 50 with a
// nested connection of 20 (50 × 21 = 1,050) or the dashboard's page (2,702).
// Such an operation spends its time on the server's CPU (scanning, resolving
// and writing hundreds of objects), where the light ones (a node, an actor's
// links: cost 1 to ~60) mostly wait for their statements.
const heavyOperationCost = 1000

// DefaultHeavyOperationSlots is how many heavy operations execute at once
// unless told otherwise: two per CPU, enough to keep the CPUs busy while
// each waits for its statements in turn.
func DefaultHeavyOperationSlots() int { return 2 * runtime.GOMAXPROCS(0) }

// heavySlots lets at most n heavy operations execute at once, the others
// waiting their turn in order of arrival before they wait for an operation
// slot; light operations do not wait here. With every operation slot (as
// many as the pool's connections) open to them, heavy operations at 8
// clients on 2 vCPUs shared the CPUs eight ways and finished in a wider
// spread: four at once gave the dashboard a 5 to 30% lower p95 at the same
// throughput. Holding every operation to four instead cost node, actor_links
// and create_initiative, which wait on PostgreSQL more than they compute,
// some of their throughput (BENCHMARKS.md).
type heavySlots struct{ fifoSlots }

// newHeavySlots bounds heavy operations to n at once; nil (no bound of their
// own) when n <= 0 or when the operation slots bound them as tightly. With
// the operation slots off (operationSlots 0), heavy ones keep their bound.
func newHeavySlots(n, operationSlots int) *heavySlots {
	if n <= 0 || (operationSlots > 0 && n >= operationSlots) {
		return nil
	}
	return &heavySlots{fifoSlots{slots: make(chan struct{}, n)}}
}

// around is the AroundOperations middleware, registered before the
// operation slots: a heavy operation holds its heavy slot while it waits for
// an operation slot and while it executes. Out of time while waiting, it runs
// on its expired context, which fails it at once (TIMEOUT).
func (s *heavySlots) around(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if !isHeavy(graphql.GetOperationContext(ctx)) {
		return next(ctx)
	}
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		if release := s.acquire(ctx); release != nil {
			defer release()
		}
		return h(ctx)
	}
}

// isHeavy tells whether op's estimated cost, set by operationLimits while
// the operation was validated, makes it heavy.
func isHeavy(op *graphql.OperationContext) bool {
	c, ok := operationCost(op)
	return ok && c.RequestedQueryCost >= heavyOperationCost
}

// watchHeavySlots exports how many heavy operations run and wait.
func (m *Metrics) watchHeavySlots(s *heavySlots) {
	if m == nil || s == nil {
		return
	}
	for _, col := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "essaim_heavy_operation_slots",
			Help: "Heavy operations (estimated cost 1000 or more) that may execute at once (-heavy-operation-slots)."},
			func() float64 { return float64(cap(s.slots)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "essaim_heavy_operations_running",
			Help: "Heavy operations holding a heavy slot (executing, or waiting for an operation slot)."},
			func() float64 { return float64(len(s.slots)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "essaim_heavy_operations_waiting",
			Help: "Heavy operations waiting for a heavy slot."}, func() float64 { return float64(s.waiting.Load()) }),
	} {
		m.registerHandlerSeries(col)
	}
}
