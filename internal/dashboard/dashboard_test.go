package dashboard_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/dashboard"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
)

// TestHandler checks what the binary serves without a browser: the page,
// its versioned assets and their caching, and the refusals.
func TestHandler(t *testing.T) {
	h := dashboard.Handler("/dashboard/", "/graphql")
	page := get(t, h, http.MethodGet, "/dashboard/")
	if page.Code != http.StatusOK {
		t.Fatalf("page: %d", page.Code)
	}
	body := page.Body.String()
	script := regexp.MustCompile(`src="(/dashboard/dashboard\.js\?v=[0-9a-f]{12})"`).FindStringSubmatch(body)
	style := regexp.MustCompile(`href="(/dashboard/dashboard\.css\?v=[0-9a-f]{12})"`).FindStringSubmatch(body)
	if script == nil || style == nil {
		t.Fatalf("the page does not load versioned assets:\n%s", body)
	}
	if !strings.Contains(body, `{"endpoint":"/graphql"}`) {
		t.Errorf("the page does not carry its endpoint:\n%s", body)
	}
	if csp := page.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") ||
		!strings.Contains(csp, "connect-src 'self';") {
		t.Errorf("page CSP = %q", csp)
	}

	tests := []struct {
		name, method, path string
		status             int
		contentType, cache string
	}{
		{"page, HEAD", http.MethodHead, "/dashboard/", 200, "text/html; charset=utf-8", "no-cache"},
		{"script, current version", http.MethodGet, script[1], 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"stylesheet, current version", http.MethodGet, style[1], 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{"script, old version", http.MethodGet, "/dashboard/dashboard.js?v=000000000000", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"licences", http.MethodGet, "/dashboard/LICENSES/THIRD_PARTY.md", 200, "text/markdown; charset=utf-8", "no-cache"},
		{"unknown asset", http.MethodGet, "/dashboard/nope.js", 404, "", ""},
		{"directory", http.MethodGet, "/dashboard/LICENSES/", 404, "", ""},
		{"page source is not an asset", http.MethodGet, "/dashboard/page.html", 404, "", ""},
		{"outside the prefix", http.MethodGet, "/elsewhere", 404, "", ""},
		{"POST", http.MethodPost, "/dashboard/", 405, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, tt.method, tt.path)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			if tt.contentType != "" && rec.Header().Get("Content-Type") != tt.contentType {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tt.contentType)
			}
			if tt.cache != "" && rec.Header().Get("Cache-Control") != tt.cache {
				t.Errorf("Cache-Control %q, want %q", rec.Header().Get("Cache-Control"), tt.cache)
			}
		})
	}
}

// TestServerRoutes checks the route of the real server: /dashboard
// redirects to the page, which the server serves.
func TestServerRoutes(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := server.Handler(server.DefaultConfig(), dbtest.SQLite(t), log)
	rec := get(t, h, http.MethodGet, "/dashboard")
	if rec.Code/100 != 3 || rec.Header().Get("Location") != "/dashboard/" {
		t.Errorf("/dashboard: %d to %q, want a redirect to /dashboard/", rec.Code, rec.Header().Get("Location"))
	}
	if rec := get(t, h, http.MethodGet, "/dashboard/"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Essaim dashboard") {
		t.Errorf("/dashboard/: %d", rec.Code)
	}
}

func get(t *testing.T, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}
