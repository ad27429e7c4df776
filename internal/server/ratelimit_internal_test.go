package server

import (
	"fmt"
	"testing"
	"time"
)

// TestLimiterMemoryBound: the buckets never outnumber MaxIdentities; full
// (idle) buckets go first, so active identities keep their state.
func TestLimiterMemoryBound(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(RateLimit{PerMinute: 60, MaxIdentities: 3, Now: func() time.Time { return now }}, nil)
	for i := range 10 {
		l.take(fmt.Sprint("ip:", i), 30)
		if len(l.buckets) > 3 {
			t.Fatalf("%d buckets after %d identities, bound 3", len(l.buckets), i+1)
		}
	}
	// Two idle identities refill completely; one active one keeps spending.
	now = now.Add(2 * time.Minute)
	l.buckets = map[string]*bucket{}
	l.take("idle-1", 1)
	l.take("idle-2", 1)
	now = now.Add(time.Minute) // idle-1 and idle-2 are full again
	l.take("active", 50)
	l.take("new", 1) // evicts the idle buckets, not the active one
	if _, ok := l.buckets["active"]; !ok || len(l.buckets) != 2 {
		t.Errorf("buckets after eviction: %v", l.buckets)
	}
	if d := l.take("active", 20); !d.limited || d.remaining != 10 {
		t.Errorf("active identity lost its state: %+v", d)
	}
}

// TestLimiterDecision: costs below 1 count 1, costs above the budget count
// the whole budget, and the headers' numbers follow the bucket.
func TestLimiterDecision(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(RateLimit{PerMinute: 120, Now: func() time.Time { return now }}, nil)
	tests := []struct {
		cost                    int
		limited                 bool
		remaining, reset, retry int
	}{
		{0, false, 119, 1, 0},      // free introspection still counts 1
		{100, false, 19, 51, 0},    // 2 points per second
		{50, true, 19, 51, 16},     // 31 missing: 15.5 s, rounded up
		{100000, true, 19, 51, 51}, // over the budget: charged as the whole budget
	}
	for _, tc := range tests {
		d := l.take("k", tc.cost)
		if d.limited != tc.limited || d.remaining != tc.remaining || d.reset != tc.reset || d.retryAfter != tc.retry || d.limit != 120 {
			t.Errorf("take(%d) = %+v, want %+v", tc.cost, d, tc)
		}
	}
}
