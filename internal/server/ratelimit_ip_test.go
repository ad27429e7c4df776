package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
)

// TestRateLimitIPv6Prefix: an IPv6 host has a whole /64 to itself (SLAAC,
// privacy addresses), so a per-address bucket lets it take a new budget per
// request; anonymous clients share one bucket per /64, and an IPv4 client
// is the same whether written as IPv4 or IPv4-mapped IPv6.
func TestRateLimitIPv6Prefix(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	clock := &rlClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	handler := func(trustXFF bool) http.Handler {
		return aHandler(st, func(c *server.Config) {
			c.RateLimit = server.RateLimit{PerMinute: 60, MaxIdentities: 100, TrustForwardedFor: trustXFF, Now: clock.now}
		})
	}
	for _, tc := range []struct {
		name             string
		trustXFF         bool
		spent, same, own aReq
	}{
		{"IPv6 connection", false, aReq{remote: "[2001:db8:1:2::1]:1000"},
			aReq{remote: "[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:2000"}, aReq{remote: "[2001:db8:1:3::1]:1000"}},
		{"IPv6 forwarded", true, aReq{remote: "10.0.0.1:1000", xff: "2001:db8:5:6::1"},
			aReq{remote: "10.0.0.1:1000", xff: "2001:db8:5:6::2"}, aReq{remote: "10.0.0.1:1000", xff: "2001:db8:5:7::1"}},
		{"IPv4-mapped", true, aReq{remote: "10.0.0.1:1000", xff: "198.51.100.20"},
			aReq{remote: "10.0.0.1:1000", xff: "::ffff:198.51.100.20"}, aReq{remote: "10.0.0.1:1000", xff: "198.51.100.21"}},
	} {
		h := handler(tc.trustXFF)
		limited := false
		for range 60 {
			if r := aPost(t, h, tc.spent, rlQuery, nil); r.status == http.StatusTooManyRequests {
				limited = true
				break
			}
		}
		if !limited {
			t.Fatalf("%s: %+v never limited", tc.name, tc.spent)
		}
		if r := aPost(t, h, tc.same, rlQuery, nil); r.status != http.StatusTooManyRequests {
			t.Errorf("%s: %+v escaped the limit of %+v: %d", tc.name, tc.same, tc.spent, r.status)
		}
		if r := aPost(t, h, tc.own, rlQuery, nil); r.status != http.StatusOK {
			t.Errorf("%s: %+v limited with %+v: %d", tc.name, tc.own, tc.spent, r.status)
		}
	}
}
