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
	"path"
	"strings"
	"time"
)

//go:embed page.html assets
var embedded embed.FS

// asset is one embedded file under assets/.
type asset struct {
	contentType string
	version     string // short content hash: the ?v= of its URL
	etag        string
}

type files struct {
	fs    fs.FS
	index map[string]asset
}

func loadFiles() (files, error) {
	sub, err := fs.Sub(embedded, "assets")
	if err != nil {
		return files{}, err
	}
	f := files{fs: sub, index: map[string]asset{}}
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])
		f.index[name] = asset{contentType: contentType(name), version: h[:12], etag: `"` + h[:32] + `"`}
		return nil
	})
	return f, err
}

// contentType is explicit: the system MIME table varies between machines.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".md":
		return "text/markdown; charset=utf-8"
	default:
		return "text/plain; charset=utf-8"
	}
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
	files  files
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
	a, ok := h.files.index[name]
	if !ok {
		panic("dashboard: asset " + name + " is not embedded (run web/dashboard/build.sh)")
	}
	return h.prefix + name + "?v=" + a.version
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, h.prefix)
	switch {
	case !ok:
		http.NotFound(w, r)
	case name == "":
		h.servePage(w, r)
	default:
		h.serveAsset(w, r, name)
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

// serveAsset answers a request with the current ?v= hash with a one-year
// immutable Cache-Control, any other with no-cache, so a new build is picked
// up at once. Unknown names and directories are 404s.
func (h *handler) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := h.files.index[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	data, err := fs.ReadFile(h.files.fs, name)
	if err != nil {
		http.Error(w, "asset unreadable", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.contentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("ETag", a.etag)
	if r.URL.Query().Get("v") == a.version {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}
