package server

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/ent"
)

// heldOperation is an operation that runs until released, reporting when it
// starts and whether its context had ended.
type heldOperation struct {
	started chan int
	release chan struct{}
}

func (h heldOperation) handler(id int) graphql.OperationHandler {
	return func(context.Context) graphql.ResponseHandler {
		return func(ctx context.Context) *graphql.Response {
			if ctx.Err() != nil {
				return &graphql.Response{Data: []byte(`"expired"`)}
			}
			h.started <- id
			<-h.release
			return &graphql.Response{Data: []byte(`"done"`)}
		}
	}
}

// waitFor polls cond: the slots' counters move on other goroutines.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestOperationSlotsBoundAndOrder: at most n operations run, the others wait
// and start in the order they came, each as one ends.
func TestOperationSlotsBoundAndOrder(t *testing.T) {
	const n, ops = 2, 6
	s := newOperationSlots(n)
	h := heldOperation{started: make(chan int, ops), release: make(chan struct{})}
	var wg sync.WaitGroup
	answers := make(chan string, ops)
	for i := range ops {
		wg.Go(func() {
			answers <- string(s.around(context.Background(), h.handler(i))(context.Background()).Data)
		})
		// One at a time, so that the order of arrival is known.
		want := int64(max(0, i+1-n))
		waitFor(t, "operation to run or wait", func() bool { return len(s.slots) == min(i+1, n) && s.waiting.Load() == want })
		// waiting is counted just before the send blocks: let it block.
		time.Sleep(5 * time.Millisecond)
	}
	var order []int
	for range n {
		order = append(order, <-h.started)
	}
	for range ops - n {
		h.release <- struct{}{} // one ends, the next in line starts
		order = append(order, <-h.started)
		if len(s.slots) != n {
			t.Fatalf("%d running, want %d", len(s.slots), n)
		}
	}
	for range n {
		h.release <- struct{}{}
	}
	wg.Wait()
	close(answers)
	for a := range answers {
		if a != `"done"` {
			t.Errorf("answer %s", a)
		}
	}
	for i, id := range order[n:] {
		if id != n+i {
			t.Fatalf("start order %v: waiting operations should start in their order of arrival", order)
		}
	}
	if len(s.slots) != 0 || s.waiting.Load() != 0 {
		t.Errorf("after the run: %d running, %d waiting", len(s.slots), s.waiting.Load())
	}
}

// TestOperationSlotsTimeout: an operation out of time while waiting runs
// on its expired context, which fails it at once, and takes no slot.
func TestOperationSlotsTimeout(t *testing.T) {
	s := newOperationSlots(1)
	h := heldOperation{started: make(chan int, 1), release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.around(context.Background(), h.handler(0))(context.Background())
	}()
	<-h.started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if got := string(s.around(ctx, h.handler(1))(ctx).Data); got != `"expired"` {
		t.Errorf("answer %s, want the expired context's", got)
	}
	if len(s.slots) != 1 || s.waiting.Load() != 0 {
		t.Errorf("%d running, %d waiting; want the first alone", len(s.slots), s.waiting.Load())
	}
	close(h.release)
	<-done
}

func TestOperationSlotsOff(t *testing.T) {
	for _, n := range []int{0, -1} {
		if s := newOperationSlots(n); s != nil {
			t.Errorf("newOperationSlots(%d) = %v, want no bound", n, s)
		}
	}
}

// TestOverlappedLoadsOnlyWhenIdle: an operation that starts with no more than
// overlapUpTo running may overlap its edge loads; one that starts beside
// busier ones may not.
func TestOverlappedLoadsOnlyWhenIdle(t *testing.T) {
	s := newOperationSlots(4)
	s.overlapUpTo = 1
	overlapped := make(chan bool, 3)
	release := make(chan struct{})
	op := func(hold bool) graphql.OperationHandler {
		return func(context.Context) graphql.ResponseHandler {
			return func(ctx context.Context) *graphql.Response {
				overlapped <- ent.OverlappedLoads(ctx)
				if hold {
					<-release
				}
				return &graphql.Response{}
			}
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { s.around(context.Background(), op(true))(context.Background()) })
	if !<-overlapped {
		t.Error("an operation alone may not overlap its loads")
	}
	s.around(context.Background(), op(false))(context.Background())
	if <-overlapped {
		t.Error("an operation beside another running one overlaps its loads")
	}
	close(release)
	wg.Wait()
	s.around(context.Background(), op(false))(context.Background())
	if !<-overlapped {
		t.Error("an operation alone again may not overlap its loads")
	}
}

// TestNoOverlapWhileOperationsWait: an operation that starts while others
// wait for a slot may not overlap its statements, however few run.
func TestNoOverlapWhileOperationsWait(t *testing.T) {
	s := newOperationSlots(1)
	s.overlapUpTo = 1
	type started struct {
		id         int
		overlapped bool
	}
	results := make(chan started, 3)
	release := []chan struct{}{make(chan struct{}), make(chan struct{}), make(chan struct{})}
	op := func(id int) graphql.OperationHandler {
		return func(context.Context) graphql.ResponseHandler {
			return func(ctx context.Context) *graphql.Response {
				results <- started{id, ent.OverlappedLoads(ctx)}
				<-release[id]
				return &graphql.Response{}
			}
		}
	}
	var wg sync.WaitGroup
	for id := range 3 {
		wg.Go(func() { s.around(context.Background(), op(id))(context.Background()) })
		if id == 0 {
			<-results
		} else {
			waitFor(t, "operation to wait", func() bool { return s.waiting.Load() == int64(id) })
		}
	}
	close(release[0])
	if r := <-results; r.id != 1 || r.overlapped {
		t.Errorf("next operation %+v, want 1, not overlapped (one more waits)", r)
	}
	close(release[1])
	if r := <-results; r.id != 2 || !r.overlapped {
		t.Errorf("last operation %+v, want 2, overlapped (alone, none waiting)", r)
	}
	close(release[2])
	wg.Wait()
}

func TestOverlapThreshold(t *testing.T) {
	for _, tc := range []struct{ cpus, slots, want int }{
		{2, 8, 1}, // 2 vCPUs, PostgreSQL's default pool: alone
		{2, 4, 1}, // SQLite's pool of 4
		{8, 4, 2}, // many CPUs, few slots: half the slots
		{16, 32, 8},
		{2, 1, 1}, // one slot: alone, none waiting
		{1, 8, 1},
	} {
		if got := overlapThreshold(tc.cpus, tc.slots); got != tc.want {
			t.Errorf("overlapThreshold(%d CPUs, %d slots) = %d, want %d", tc.cpus, tc.slots, got, tc.want)
		}
	}
}
