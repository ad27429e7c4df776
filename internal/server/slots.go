package server

import (
	"context"
	"runtime"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/store"
)

// DefaultOperationSlots is how many operations execute at once unless told
// otherwise: as many as the PostgreSQL pool's default connections (4 per
// CPU, at least 8); `essaim serve` gives as many as its pool really has
// (-db-max-conns). Beyond those, operations would wait for a connection
// anyway, and database/sql hands a freed one to any of its waiters; in a
// slot they wait in order of arrival.
func DefaultOperationSlots() int { return store.DefaultMaxConns() }

// operationSlots lets at most n operations execute at once; the others wait
// their turn, first come first served (Go wakes a channel's blocked senders
// in order), within their request's timeout. Waiting in order narrows the
// spread of latencies under load: on 2 vCPUs at 32 clients, the dashboard's
// p95 fell by 8 to 20%, at the same throughput (BENCHMARKS.md). Answers from
// the response cache take no slot: cachedAnswers runs before.
type operationSlots struct {
	fifoSlots
	// overlapUpTo: an operation that starts with at most this many running,
	// itself included, and none waiting, may overlap its statements
	// (ent.WithOverlappedLoads: the distinct edges of its nodes at once, a
	// page's count beside the page). See overlapThreshold.
	overlapUpTo int
	overlapped  atomic.Int64 // operations granted the overlap, for /metrics
}

// newOperationSlots bounds operations to n at once; nil (no bound) when
// n <= 0.
func newOperationSlots(n int) *operationSlots {
	if n <= 0 {
		return nil
	}
	return &operationSlots{fifoSlots: fifoSlots{slots: make(chan struct{}, n)}, overlapUpTo: overlapThreshold(runtime.GOMAXPROCS(0), n)}
}

// overlapThreshold is how many operations may run, the new one included, for
// it to overlap its statements: half the CPUs, and half the slots (each
// overlap takes more connections from a pool of the slots' size), at least
// one. An idle machine answers one request sooner; a busy one keeps its
// throughput, which overlapping costs (goroutines and connections for the
// same statements: 12% fewer dashboard pages a second at 8 clients on 2 vCPUs
// when every operation overlapped).
func overlapThreshold(cpus, slots int) int { return max(1, min(cpus/2, slots/2)) }

// around is the AroundOperations middleware. The operation executes, and its
// answer is marshalled, when the returned handler runs: that is what holds
// a slot.
func (s *operationSlots) around(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		if release := s.acquire(ctx); release != nil {
			defer release()
			if len(s.slots) <= s.overlapUpTo && s.waiting.Load() == 0 {
				s.overlapped.Add(1)
				ctx = ent.WithOverlappedLoads(ctx)
			}
		}
		// Out of time while waiting: the operation fails at once on the
		// expired context and answers TIMEOUT, as any request out of time.
		return h(ctx)
	}
}

// fifoSlots are n slots taken first come, first served (Go wakes a
// channel's blocked senders in order), counting who waits for one.
type fifoSlots struct {
	slots   chan struct{}
	waiting atomic.Int64
}

// acquire waits for a slot, and returns its release; nil if ctx ended first.
func (s *fifoSlots) acquire(ctx context.Context) (release func()) {
	select {
	case s.slots <- struct{}{}:
		return s.release
	default:
	}
	s.waiting.Add(1)
	defer s.waiting.Add(-1)
	select {
	case s.slots <- struct{}{}:
		return s.release
	case <-ctx.Done():
		return nil
	}
}

func (s *fifoSlots) release() { <-s.slots }

// watchOperationSlots exports how many operations run and wait.
func (m *Metrics) watchOperationSlots(s *operationSlots) {
	if m == nil || s == nil {
		return
	}
	for _, col := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "essaim_operation_slots",
			Help: "Operations that may execute at once (-operation-slots)."}, func() float64 { return float64(cap(s.slots)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "essaim_operations_running",
			Help: "Operations executing, each in a slot."}, func() float64 { return float64(len(s.slots)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "essaim_operations_waiting",
			Help: "Operations waiting for a slot."}, func() float64 { return float64(s.waiting.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "essaim_operations_overlapped_total",
			Help: "Operations that started with few enough running to overlap their statements (edge loads, a page's count)."},
			func() float64 { return float64(s.overlapped.Load()) }),
	} {
		m.registerHandlerSeries(col)
	}
}
