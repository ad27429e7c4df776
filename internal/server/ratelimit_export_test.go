package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/sqlcount"
	"github.com/essaim/essaim/internal/store"
)

// bigQuery costs more than the test's whole budget.
const bigQuery = `{ actors(first: 100) { edges { node { id initiatives(first: 50) { edges { node { id } } } } } } }`

// An export spends 2,000 points from the same budget as its identity's
// GraphQL operations: refused with 429, Retry-After and RATE_LIMITED when
// the budget is spent, whichever endpoint spent it.
func TestRateLimitExport(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		const budget = 3000 // one export and a bit
		clock := &rlClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		metrics := server.NewMetrics()
		h := aHandler(st, func(c *server.Config) {
			c.RateLimit = server.RateLimit{PerMinute: budget, MaxIdentities: 100, Now: clock.now}
			c.Metrics = metrics
		})
		_, token := aKey(t, st, auth.Reader)
		var statements, authOnly int64 // of the last export; of one refused before any query
		exportURL := func(method, url, authz string) *httptest.ResponseRecorder {
			ctx, counter := sqlcount.With(context.Background())
			req := httptest.NewRequest(method, url, nil).WithContext(ctx)
			if authz != "" {
				req.Header.Set("Authorization", authz)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			statements = counter.Count()
			return rec
		}
		export := func(method, authz string) *httptest.ResponseRecorder {
			return exportURL(method, "/export?type=actors&format=json", authz)
		}
		code := func(rec *httptest.ResponseRecorder) string {
			var body struct {
				Errors []struct{ Extensions map[string]any } `json:"errors"`
			}
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if len(body.Errors) == 0 {
				return ""
			}
			c, _ := body.Errors[0].Extensions["code"].(string)
			return c
		}
		steps := []struct {
			name      string
			run       func() (status int, code string, header http.Header)
			status    int
			code      string
			remaining string
		}{
			{"first export", func() (int, string, http.Header) {
				r := export(http.MethodGet, "Bearer "+token)
				if statements == 0 {
					t.Error("GET sent no statement: nothing exported")
				}
				return r.Code, code(r), r.Header()
			}, http.StatusOK, "", "1000"},
			{"a bad request costs nothing", func() (int, string, http.Header) {
				r := exportURL(http.MethodGet, "/export?type=actor", "Bearer "+token)
				authOnly = statements // refused before any query of its own: the key's lookup
				return r.Code, code(r), r.Header()
			}, http.StatusBadRequest, "BAD_USER_INPUT", "1000"},
			{"HEAD reads no row and costs nothing", func() (int, string, http.Header) {
				r := export(http.MethodHead, "Bearer "+token)
				if statements != authOnly {
					t.Errorf("HEAD sent %d statements, a request refused at once %d", statements, authOnly)
				}
				return r.Code, code(r), r.Header()
			}, http.StatusOK, "", "1000"},
			{"second export: refused", func() (int, string, http.Header) {
				r := export(http.MethodGet, "Bearer "+token)
				return r.Code, code(r), r.Header()
			}, http.StatusTooManyRequests, "RATE_LIMITED", "1000"},
			{"another identity has its own budget", func() (int, string, http.Header) {
				r := export(http.MethodGet, "")
				return r.Code, code(r), r.Header()
			}, http.StatusOK, "", "1000"},
			{"a query costing more than the export left: refused", func() (int, string, http.Header) {
				// Charged as the whole budget (its cost is above it): it would
				// run on a full bucket, not on what the export left.
				r := aPost(t, h, bearer(token), bigQuery, nil)
				return r.status, r.code(), r.header
			}, http.StatusTooManyRequests, "RATE_LIMITED", "1000"},
		}
		for _, s := range steps {
			status, c, header := s.run()
			if status != s.status || c != s.code {
				t.Errorf("%s: %d %q, want %d %q", s.name, status, c, s.status, s.code)
			}
			if s.remaining != "" && header.Get("RateLimit-Remaining") != s.remaining {
				t.Errorf("%s: RateLimit-Remaining %q, want %s", s.name, header.Get("RateLimit-Remaining"), s.remaining)
			}
			if status == http.StatusTooManyRequests && header.Get("Retry-After") == "" {
				t.Errorf("%s: 429 without Retry-After", s.name)
			}
		}
		// A minute later the budget is whole again: the same query runs,
		// and leaves nothing for an export.
		clock.advance(time.Minute)
		if r := aPost(t, h, bearer(token), bigQuery, nil); r.status != http.StatusOK {
			t.Fatalf("after a minute: %d %q", r.status, r.code())
		}
		if r := export(http.MethodGet, "Bearer "+token); r.Code != http.StatusTooManyRequests || code(r) != "RATE_LIMITED" {
			t.Errorf("export after a query that spent the budget: %d %s", r.Code, r.Body)
		}
		// The refusals above, counted by endpoint: two exports, one query.
		for name, want := range map[string]float64{
			`essaim_rate_limited_total{endpoint="export",identity="key"}`:  2,
			`essaim_rate_limited_total{endpoint="graphql",identity="key"}`: 1,
		} {
			if got := metric(t, h, name); got != want {
				t.Errorf("/metrics %s = %v, want %v", name, got, want)
			}
		}
	})
}
