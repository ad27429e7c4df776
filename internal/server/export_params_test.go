package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

// TestExportBadBytes: parameters with a NUL, bytes that are not UTF-8 or
// an oversized text are the client's mistake (400 BAD_USER_INPUT), on both
// stores; PostgreSQL refuses such strings, which must not become a 500.
func TestExportBadBytes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		xFixture(t, st)
		h := hHandler(t, st, nil)
		for _, tc := range []struct{ query, field string }{
			{"type=actors&theme=mobilite%00", "theme"},
			{"type=initiatives&theme=%FF%FE", "theme"},
			{"type=actors&within=commune:58%00", "within"},
			{"type=actors&covering=commune:%C3", "covering"},
			{"type=initiatives&theme=" + strings.Repeat("x", 20000), "theme"},
		} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export?"+tc.query, nil))
			var body hBody
			if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &body) != nil || len(body.Errors) != 1 ||
				body.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || body.Errors[0].Extensions["field"] != tc.field {
				t.Errorf("%.60s: status %d, body %.200s", tc.query, rec.Code, rec.Body.String())
			}
		}
	})
}
