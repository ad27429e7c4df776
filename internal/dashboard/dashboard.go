// Package dashboard serves the /dashboard page: figures, coverage gaps,
// initiatives and the actor network of a selection (territory, theme, area),
// built entirely on the public GraphQL API, as a third-party client would.
//
// The page's script and stylesheet are built from web/dashboard (npm
// packages pinned in its package-lock.json, bundled by web/dashboard/build.sh
// with esbuild) into assets/, which is committed and embedded: the binary
// serves the dashboard offline and the Go build never needs Node. page.html
// is the page itself, rendered once at start-up with versioned asset URLs.
package dashboard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/essaim/essaim/internal/webassets"
)

//go:embed page.html assets
var embedded embed.FS

func loadFiles() (*webassets.Set, error) {
	sub, err := fs.Sub(embedded, "assets")
	if err != nil {
		return nil, err
	}
	return webassets.New(sub)
}

// contentSecurityPolicy allows scripts, styles and requests from the page's
// own origin only: no inline script, no inline style but, by its hash, the
// one <style> element Cytoscape inserts (".__________cytoscape_container
// { position: relative; }", see cytoscapeStyleHash). Charts are SVG
// attributes; Cytoscape draws on a canvas and styles through the DOM.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' " + cytoscapeStyleHash +
	"; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// cytoscapeStyleHash is the CSP hash of Cytoscape's <style> element. Should
// an upgrade change its text, the browser test reports the CSP violation.
const cytoscapeStyleHash = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"

type handler struct {
	prefix string
	files  *webassets.Set
	page   []byte
	etag   string
}

// Handler serves the dashboard mounted at prefix (an absolute path ending in
// "/", such as "/dashboard/"): the page at prefix itself and its assets below
// it. The page sends its queries to endpoint, a path on the same origin. It
// panics on a malformed prefix or endpoint, which are programming errors.
func Handler(prefix, endpoint string) http.Handler {
	if !strings.HasPrefix(prefix, "/") || !strings.HasSuffix(prefix, "/") {
		panic(`dashboard: prefix must be an absolute path ending in "/", got "` + prefix + `"`)
	}
	if !strings.HasPrefix(endpoint, "/") || strings.HasPrefix(endpoint, "//") {
		panic(`dashboard: endpoint must be a path on the same origin, got "` + endpoint + `"`)
	}
	f, err := loadFiles()
	if err != nil {
		panic("dashboard: embedded assets: " + err.Error())
	}
	h := &handler{prefix: prefix, files: f}
	h.page = h.render(endpoint)
	sum := sha256.Sum256(h.page)
	h.etag = `"` + hex.EncodeToString(sum[:16]) + `"`
	return h
}

var pageTemplate = template.Must(template.ParseFS(embedded, "page.html"))

type pageConfig struct {
	Endpoint string `json:"endpoint"`
}

func (h *handler) render(endpoint string) []byte {
	var buf bytes.Buffer
	err := pageTemplate.Execute(&buf, map[string]any{
		"Stylesheet": h.assetURL("dashboard.css"),
		"Script":     h.assetURL("dashboard.js"),
		"Licenses":   h.assetURL("LICENSES/THIRD_PARTY.md"),
		"GraphiQL":   "/",
		"Endpoint":   endpoint,
		"Config":     pageConfig{Endpoint: endpoint},
	})
	if err != nil {
		panic("dashboard: rendering the page: " + err.Error())
	}
	return buf.Bytes()
}

func (h *handler) assetURL(name string) string {
	url, ok := h.files.URL(h.prefix, name)
	if !ok {
		panic("dashboard: asset " + name + " is not embedded (run web/dashboard/build.sh)")
	}
	return url
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !webassets.AllowMethod(w, r) {
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, h.prefix)
	switch {
	case !ok:
		http.NotFound(w, r)
	case name == "":
		h.servePage(w, r)
	default:
		h.files.Serve(w, r, name) // one-year cache for the current ?v=, 404 for unknown names
	}
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("ETag", h.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(h.page))
}
