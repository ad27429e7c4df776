package server_test

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

// rlClock is a clock the test moves by hand: no sleeps.
type rlClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *rlClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *rlClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const rlQuery = `{ themes(first: 10) { edges { node { id slug } } } }`

func rlHeader(t *testing.T, r aResp, name string) int {
	t.Helper()
	n, err := strconv.Atoi(r.header.Get(name))
	if err != nil {
		t.Fatalf("header %s = %q: %v", name, r.header.Get(name), err)
	}
	return n
}

// TestRateLimit: each key, and each client IP without a key, spends a cost
// budget per minute; responses carry RateLimit headers; when the budget is
// spent, 429 with Retry-After and RATE_LIMITED, nothing executed; the
// budget refills with time.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		const budget = 60 // one point per second
		clock := &rlClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		limited := func(trustXFF bool) http.Handler {
			return aHandler(st, func(c *server.Config) {
				c.RateLimit = server.RateLimit{PerMinute: budget, MaxIdentities: 100, TrustForwardedFor: trustXFF, Now: clock.now}
			})
		}
		h := limited(false)
		_, token := aKey(t, st, auth.Editor)
		_, other := aKey(t, st, auth.Reader)

		// The first request reports its cost and what remains.
		r := aPost(t, h, bearer(token), rlQuery, nil)
		cost := rlResponseCost(t, r)
		if r.status != http.StatusOK || cost < 5 {
			t.Fatalf("first request: status %d, cost %d", r.status, cost)
		}
		if rlHeader(t, r, "RateLimit-Limit") != budget || rlHeader(t, r, "RateLimit-Remaining") != budget-cost ||
			rlHeader(t, r, "RateLimit-Reset") != cost || r.header.Get("RateLimit-Policy") != "60;w=60" {
			t.Errorf("headers after one request of cost %d: %v", cost, r.header)
		}

		// Spend the rest.
		spent := cost
		for spent+cost <= budget {
			if r := aPost(t, h, bearer(token), rlQuery, nil); r.status != http.StatusOK {
				t.Fatalf("request within budget: %d %q", r.status, r.code())
			}
			spent += cost
		}
		r = aPost(t, h, bearer(token), rlQuery, nil)
		wait := cost - (budget - spent)
		if r.status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" || string(r.body.Data) != "" ||
			rlHeader(t, r, "Retry-After") != wait || rlHeader(t, r, "RateLimit-Remaining") != budget-spent {
			t.Fatalf("over budget: status %d, code %q, data %s, headers %v (want Retry-After %d)", r.status, r.code(), r.body.Data, r.header, wait)
		}

		// A mutation over budget runs nothing.
		before := aSnapshot(t, st)
		if r := aPost(t, h, bearer(token), aCreate, nil); r.status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" {
			t.Errorf("mutation over budget: %d %q", r.status, r.code())
		}
		if after := aSnapshot(t, st); after != before {
			t.Errorf("refused mutation changed state %+v → %+v", before, after)
		}

		// Other identities have their own buckets.
		if r := aPost(t, h, bearer(other), rlQuery, nil); r.status != http.StatusOK {
			t.Errorf("another key: %d %q", r.status, r.code())
		}
		if r := aPost(t, h, aReq{remote: "192.0.2.1:1234"}, rlQuery, nil); r.status != http.StatusOK {
			t.Errorf("an anonymous client: %d %q", r.status, r.code())
		}

		// Recovery once the missing points have refilled.
		clock.advance(time.Duration(wait-1) * time.Second)
		if r := aPost(t, h, bearer(token), rlQuery, nil); r.status != http.StatusTooManyRequests {
			t.Errorf("one second early: %d", r.status)
		}
		clock.advance(time.Second)
		if r := aPost(t, h, bearer(token), rlQuery, nil); r.status != http.StatusOK || r.code() != "" {
			t.Errorf("after Retry-After: %d %q", r.status, r.code())
		}
		clock.advance(time.Minute)
		if r := aPost(t, h, bearer(token), rlQuery, nil); rlHeader(t, r, "RateLimit-Remaining") != budget-cost {
			t.Errorf("after a minute idle: %v", r.header)
		}

		// Anonymous clients are limited per IP; X-Forwarded-For counts only
		// when trusted.
		exhaust := func(h http.Handler, rq aReq) {
			for range budget {
				if r := aPost(t, h, rq, rlQuery, nil); r.status == http.StatusTooManyRequests {
					return
				}
			}
			t.Fatalf("%+v never limited", rq)
		}
		exhaust(h, aReq{remote: "198.51.100.7:1000"})
		if r := aPost(t, h, aReq{remote: "198.51.100.7:2000", xff: "203.0.113.9"}, rlQuery, nil); r.status != http.StatusTooManyRequests {
			t.Errorf("untrusted X-Forwarded-For escaped the limit: %d", r.status)
		}
		trusting := limited(true)
		exhaust(trusting, aReq{remote: "10.0.0.1:1000", xff: "203.0.113.10"})
		if r := aPost(t, trusting, aReq{remote: "10.0.0.1:1000", xff: "203.0.113.11"}, rlQuery, nil); r.status != http.StatusOK {
			t.Errorf("trusted X-Forwarded-For: another client limited: %d", r.status)
		}
		if r := aPost(t, trusting, aReq{remote: "10.0.0.1:1000", xff: "203.0.113.10"}, rlQuery, nil); r.status != http.StatusTooManyRequests {
			t.Errorf("trusted X-Forwarded-For: spent client not limited: %d", r.status)
		}
		// A port, or a value that is no address, buys no budget of its own.
		for _, xff := range []string{"203.0.113.10:1", "203.0.113.10:2"} {
			if r := aPost(t, trusting, aReq{remote: "10.0.0.1:1000", xff: xff}, rlQuery, nil); r.status != http.StatusTooManyRequests {
				t.Errorf("trusted X-Forwarded-For %q: a port escaped the spent client's limit: %d", xff, r.status)
			}
		}
		exhaust(trusting, aReq{remote: "10.0.0.2:1000", xff: "junk-1"})
		if r := aPost(t, trusting, aReq{remote: "10.0.0.2:1000", xff: "junk-2"}, rlQuery, nil); r.status != http.StatusTooManyRequests {
			t.Errorf("trusted X-Forwarded-For: a junk value escaped the proxy's limit: %d", r.status)
		}
	})
}

func rlResponseCost(t *testing.T, r aResp) int {
	t.Helper()
	c := r.body.Extensions.Cost.RequestedQueryCost
	if c == 0 {
		t.Fatalf("no extensions.cost in response")
	}
	return c
}
