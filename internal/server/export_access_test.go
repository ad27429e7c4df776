package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

// TestExportAccess: /export serves the same data as the queries, so it
// obeys the same keys: no anonymous export when anonymous reads are off, and
// a malformed, unknown or revoked key is refused (401), never downgraded.
func TestExportAccess(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		xFixture(t, st)
		closed := aHandler(st, func(c *server.Config) { c.Access.AnonymousRole = "" })
		open := aHandler(st, nil)
		_, reader := aKey(t, st, auth.Reader)
		revoked, revokedToken := aKey(t, st, auth.Reader)
		if err := auth.Revoke(context.Background(), st.Client, revoked.ID); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name   string
			h      http.Handler
			authz  string
			status int
		}{
			{"anonymous, anonymous reads off", closed, "", http.StatusUnauthorized},
			{"revoked key, anonymous reads off", closed, "Bearer " + revokedToken, http.StatusUnauthorized},
			{"READER key, anonymous reads off", closed, "Bearer " + reader, http.StatusOK},
			{"anonymous, anonymous reads on", open, "", http.StatusOK},
			{"revoked key, anonymous reads on", open, "Bearer " + revokedToken, http.StatusUnauthorized},
			{"forged key, anonymous reads on", open, "Bearer essaim_0123456789ab_" + strings.Repeat("B", 43), http.StatusUnauthorized},
		} {
			req := httptest.NewRequest(http.MethodGet, "/export?type=actors", nil)
			if tc.authz != "" {
				req.Header.Set("Authorization", tc.authz)
			}
			rec := httptest.NewRecorder()
			tc.h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("%s: status %d, want %d: %.200s", tc.name, rec.Code, tc.status, rec.Body.String())
				continue
			}
			leaked := strings.Contains(rec.Body.String(), "356000000")
			if tc.status == http.StatusOK && !leaked {
				t.Errorf("%s: export lacks the fixture's actor: %.200s", tc.name, rec.Body.String())
			}
			if tc.status != http.StatusOK && (leaked || !strings.Contains(rec.Body.String(), "UNAUTHENTICATED")) {
				t.Errorf("%s: body %.200s; want an UNAUTHENTICATED error and no rows", tc.name, rec.Body.String())
			}
		}
	})
}

// TestExportPreflightAndMethods: a browser may send a key to /export from an
// allowed origin (the OPTIONS preflight is answered), and anything but GET
// or HEAD is refused with 405 and Allow.
func TestExportPreflightAndMethods(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	h := aHandler(st, func(c *server.Config) { c.CORSOrigins = []string{"https://map.example"} })
	pre := httptest.NewRequest(http.MethodOptions, "/export?type=actors", nil)
	pre.Header.Set("Origin", "https://map.example")
	pre.Header.Set("Access-Control-Request-Method", "GET")
	pre.Header.Set("Access-Control-Request-Headers", "authorization")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, pre)
	if rec.Code != http.StatusNoContent || !strings.Contains(rec.Header().Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: status %d, headers %v; want 204 allowing Authorization", rec.Code, rec.Header())
	}
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, "/export?type=actors", nil))
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" ||
			!strings.Contains(rec.Body.String(), "METHOD_NOT_ALLOWED") {
			t.Errorf("%s: status %d, Allow %q, body %s", method, rec.Code, rec.Header().Get("Allow"), rec.Body)
		}
	}
}
