package graphiql

import (
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

const testPrefix = "/graphiql/"

// newServer mounts the two handlers the way the package doc says.
func newServer(title, endpoint, prefix string) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/{$}", Handler(title, endpoint, prefix))
	mux.Handle(normalizePrefix(prefix), Assets(prefix))
	return mux
}

func do(t *testing.T, h http.Handler, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	scriptSrc = regexp.MustCompile(`<script src="([^"]+)"></script>`)
	styleHref = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`)
	configRE  = regexp.MustCompile(`(?s)<script id="graphiql-config" type="application/json">(.*?)</script>`)
)

// pageConfigOf decodes the JSON block the page hands to init.js.
func pageConfigOf(t *testing.T, page string) pageConfig {
	t.Helper()
	m := configRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no config block in page:\n%s", page)
	}
	var cfg pageConfig
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("config block %q: %v", m[1], err)
	}
	return cfg
}

func TestPage(t *testing.T) {
	mux := newServer("Essaim GraphQL", "/graphql", testPrefix)
	resp := do(t, mux, http.MethodGet, "/", nil)
	page := body(t, resp)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for name, want := range map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "no-cache",
		"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' " + scrollLockStyleHash + "; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if resp.Header.Get("ETag") == "" {
		t.Error("no ETag")
	}
	cfg := pageConfigOf(t, page)
	if cfg.Endpoint != "/graphql" || cfg.DefaultQuery != DefaultQuery {
		t.Errorf("config = %+v", cfg)
	}
	for _, want := range []string{
		"<title>Essaim GraphQL</title>",
		`<div id="graphiql">`,
		`<script src="` + testPrefix + `react.production.min.js?v=`,
		`<script src="` + testPrefix + `react-dom.production.min.js?v=`,
		`<script src="` + testPrefix + `graphiql.min.js?v=`,
		`<script src="` + testPrefix + `init.js?v=`,
		`<link rel="stylesheet" href="` + testPrefix + `graphiql.min.css?v=`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	// No inline script: the CSP forbids it. Only the JSON block has a body.
	if n := strings.Count(page, "<script"); n != len(scripts)+1 {
		t.Errorf("%d <script> tags, want %d", n, len(scripts)+1)
	}
	if !strings.Contains(DefaultQuery, "territories(first: 5, where: {kind: REGION})") {
		t.Error("DefaultQuery lost its sample query")
	}
}

func TestPageRequests(t *testing.T) {
	mux := newServer("", "/graphql", testPrefix)
	tests := []struct {
		method, target string
		status         int
	}{
		{http.MethodGet, "/", http.StatusOK},
		{http.MethodHead, "/", http.StatusOK},
		{http.MethodGet, "/?tab=2", http.StatusOK},
		{http.MethodPost, "/", http.StatusMethodNotAllowed},
		{http.MethodGet, "/favicon.ico", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			resp := do(t, mux, tt.method, tt.target, nil)
			b := body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.method == http.MethodHead && b != "" {
				t.Error("HEAD has a body")
			}
			if tt.status == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow = %q", resp.Header.Get("Allow"))
			}
		})
	}
	// Without a mux in front, only the handler's root is the page.
	h := Handler("", "/graphql", testPrefix)
	if resp := do(t, h, http.MethodGet, "/other", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/other: status %d", resp.StatusCode)
	}
	if page := body(t, do(t, h, http.MethodGet, "/", nil)); !strings.Contains(page, "<title>GraphiQL</title>") {
		t.Error("empty title does not default to GraphiQL")
	}
	etag := do(t, h, http.MethodGet, "/", nil).Header.Get("ETag")
	if resp := do(t, h, http.MethodGet, "/", http.Header{"If-None-Match": {etag}}); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d", resp.StatusCode)
	}
}

func TestReferencedAssets(t *testing.T) {
	mux := newServer("Essaim GraphQL", "/graphql", testPrefix)
	page := body(t, do(t, mux, http.MethodGet, "/", nil))

	var urls []string
	for _, m := range scriptSrc.FindAllStringSubmatch(page, -1) {
		urls = append(urls, html.UnescapeString(m[1]))
	}
	for _, m := range styleHref.FindAllStringSubmatch(page, -1) {
		urls = append(urls, html.UnescapeString(m[1]))
	}
	if len(urls) != len(scripts)+len(stylesheets) {
		t.Fatalf("page references %d assets, want %d: %v", len(urls), len(scripts)+len(stylesheets), urls)
	}
	for _, u := range urls {
		t.Run(u, func(t *testing.T) {
			resp := do(t, mux, http.MethodGet, u, nil)
			b := body(t, resp)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			name := strings.TrimPrefix(u[:strings.Index(u, "?")], testPrefix)
			want := map[bool]string{true: "text/javascript; charset=utf-8", false: "text/css; charset=utf-8"}[strings.HasSuffix(name, ".js")]
			if ct := resp.Header.Get("Content-Type"); ct != want {
				t.Errorf("Content-Type = %q, want %q", ct, want)
			}
			embedded, err := fs.ReadFile(assetFS, name)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) == 0 || b != string(embedded) {
				t.Errorf("body: %d bytes, want the %d embedded bytes", len(b), len(embedded))
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", cc)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			// An unversioned or stale URL must be revalidated, not cached for a year.
			stale := do(t, mux, http.MethodGet, testPrefix+name+"?v=old", nil)
			if stale.StatusCode != http.StatusOK || stale.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("stale URL: status %d, Cache-Control %q", stale.StatusCode, stale.Header.Get("Cache-Control"))
			}
			etag := resp.Header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			if r := do(t, mux, http.MethodGet, testPrefix+name, http.Header{"If-None-Match": {etag}}); r.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: status %d", r.StatusCode)
			}
		})
	}
}

func TestAssetRequests(t *testing.T) {
	h := Assets(testPrefix)
	tests := []struct {
		name, method, target string
		status               int
		contentType          string
	}{
		{"unknown", http.MethodGet, testPrefix + "nope.js", http.StatusNotFound, ""},
		{"prefix root, no listing", http.MethodGet, testPrefix, http.StatusNotFound, ""},
		{"directory, no listing", http.MethodGet, testPrefix + "LICENSES/", http.StatusNotFound, ""},
		{"not embedded", http.MethodGet, testPrefix + "rebuild.sh", http.StatusNotFound, ""},
		{"traversal", http.MethodGet, testPrefix + "../graphiql.go", http.StatusNotFound, ""},
		{"outside prefix", http.MethodGet, "/other/init.js", http.StatusNotFound, ""},
		{"wrong method", http.MethodPost, testPrefix + "init.js", http.StatusMethodNotAllowed, ""},
		{"head", http.MethodHead, testPrefix + "init.js", http.StatusOK, "text/javascript; charset=utf-8"},
		{"licence index", http.MethodGet, testPrefix + "LICENSES/THIRD_PARTY.md", http.StatusOK, "text/markdown; charset=utf-8"},
		{"licence", http.MethodGet, testPrefix + "LICENSES/graphiql/LICENSE", http.StatusOK, "text/plain; charset=utf-8"},
		{"scoped licence", http.MethodGet, testPrefix + "LICENSES/@graphiql/react/LICENSE", http.StatusOK, "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := do(t, h, tt.method, tt.target, nil)
			b := body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.contentType != "" && resp.Header.Get("Content-Type") != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", resp.Header.Get("Content-Type"), tt.contentType)
			}
			if tt.status == http.StatusOK && tt.method == http.MethodGet && len(b) == 0 {
				t.Error("empty body")
			}
			if tt.status == http.StatusNotFound && resp.Header.Get("Cache-Control") != "" {
				t.Errorf("404 with Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
		})
	}
}

func TestEscaping(t *testing.T) {
	tests := []struct{ name, title, endpoint string }{
		{"script end", "GraphiQL", `/graphql?x="y"</script><script>alert(1)</script>`},
		{"quotes", `<b>"Essaim" & 'co'</b>`, `/graphql?q='a'&b="c"`},
		{"comment and backslash", "<!-- x -->", `/g\"raph</SCRIPT ql<!--`},
		{"unicode separators", "t\u2028", "/graphql\u2028\u2029"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := body(t, do(t, Handler(tt.title, tt.endpoint, testPrefix), http.MethodGet, "/", nil))
			// The JSON block must end where the template ends it, and give
			// back the endpoint exactly.
			if got := pageConfigOf(t, page).Endpoint; got != tt.endpoint {
				t.Errorf("endpoint round trip: %q, want %q", got, tt.endpoint)
			}
			if n := strings.Count(strings.ToLower(page), "</script"); n != len(scripts)+1 {
				t.Errorf("%d </script> in page, want %d:\n%s", n, len(scripts)+1, page)
			}
			if strings.Contains(page, "<script>") || strings.Contains(page, "<b>") || strings.Contains(page, "<!--") {
				t.Errorf("unescaped markup in page:\n%s", page)
			}
			m := regexp.MustCompile(`<title>(.*)</title>`).FindStringSubmatch(page)
			if m == nil || html.UnescapeString(m[1]) != tt.title {
				t.Errorf("title = %q, want %q escaped", m, tt.title)
			}
		})
	}
}

func TestContentSecurityPolicyConnect(t *testing.T) {
	tests := []struct{ endpoint, connect string }{
		{"/graphql", "connect-src 'self';"},
		{"graphql", "connect-src 'self';"},
		{"https://api.essaim.example/graphql", "connect-src 'self' https://api.essaim.example;"},
		{"http://127.0.0.1:8080/graphql", "connect-src 'self' http://127.0.0.1:8080;"},
		{"http://[::1]:8080/graphql", "connect-src 'self' http://[::1]:8080;"},
		{"https://evil.example; script-src *", "connect-src 'self';"},
		{"https://evil.example%3B script-src */", "connect-src 'self';"},
		{"javascript:alert(1)", "connect-src 'self';"},
	}
	for _, tt := range tests {
		t.Run(tt.endpoint, func(t *testing.T) {
			resp := do(t, Handler("", tt.endpoint, testPrefix), http.MethodGet, "/", nil)
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, tt.connect) {
				t.Errorf("CSP %q lacks %q", csp, tt.connect)
			}
			if strings.Count(csp, ";") != 8 || strings.Contains(csp, "*") {
				t.Errorf("CSP %q was tampered with", csp)
			}
		})
	}
}

func TestPrefixNormalization(t *testing.T) {
	mux := newServer("", "/graphql", "/ide/static") // no trailing slash
	page := body(t, do(t, mux, http.MethodGet, "/", nil))
	m := scriptSrc.FindStringSubmatch(page)
	if m == nil || !strings.HasPrefix(m[1], "/ide/static/") {
		t.Fatalf("script URL %v not under /ide/static/", m)
	}
	if resp := do(t, mux, http.MethodGet, html.UnescapeString(m[1]), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("%s: status %d", m[1], resp.StatusCode)
	}
}

func TestPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"empty endpoint", func() { Handler("t", "", testPrefix) }},
		{"relative prefix", func() { Handler("t", "/graphql", "graphiql/") }},
		{"empty prefix", func() { Assets("") }},
		{"protocol-relative prefix", func() { Assets("//cdn.example/") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tt.f()
		})
	}
}

func TestEmbeddedAssets(t *testing.T) {
	for _, name := range append(append([]string{}, scripts...), stylesheets...) {
		if !assets.Has(name) {
			t.Errorf("%s is not embedded", name)
		}
	}
	for _, name := range []string{"LICENSES/THIRD_PARTY.md", "LICENSES/react/LICENSE", "LICENSES/react-dom/LICENSE", "LICENSES/graphql/LICENSE"} {
		if !assets.Has(name) {
			t.Errorf("%s is not embedded", name)
		}
	}
	init, err := fs.ReadFile(assetFS, "init.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"graphiql-config", "GraphiQL.createFetcher({ url: config.endpoint })", "defaultQuery: config.defaultQuery", "ReactDOM.createRoot"} {
		if !strings.Contains(string(init), want) {
			t.Errorf("init.js lacks %q", want)
		}
	}
}

func ExampleHandler() {
	mux := http.NewServeMux()
	// The page at "/", its files under "/graphiql/": the same prefix twice.
	mux.Handle("GET /{$}", Handler("Essaim GraphQL", "/graphql", "/graphiql/"))
	mux.Handle("/graphiql/", Assets("/graphiql/"))
	// mux.Handle("/graphql", graphqlServer)
}
