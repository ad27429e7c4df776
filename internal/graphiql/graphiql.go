// Package graphiql serves the GraphiQL IDE for the Essaim GraphQL API entirely
// from assets embedded in the binary: no CDN, so it works offline and behind a
// strict Content-Security-Policy.
//
// # Two mounts
//
// The IDE is made of one small HTML page and a handful of static files
// (GraphiQL's UMD bundle and stylesheet, React and ReactDOM UMD builds, and a
// short bootstrap script). They are served by two handlers that the server
// mounts separately:
//
//   - Handler(title, endpoint, assetPrefix) serves the page, only at its own
//     root path ("/" once mounted; any other path is a 404), for GET and HEAD.
//   - Assets(assetPrefix) serves the static files under assetPrefix.
//
// The page refers to the files by absolute URLs under assetPrefix, so it works
// wherever it is mounted, and both handlers must be given the same prefix:
//
//	mux := http.NewServeMux()
//	mux.Handle("GET /{$}", graphiql.Handler("Essaim GraphQL", "/graphql", "/graphiql/"))
//	mux.Handle("/graphiql/", graphiql.Assets("/graphiql/"))
//	mux.Handle("/graphql", graphqlServer)
//
// Asset URLs carry a content hash (?v=…): a request with the current hash is
// answered with a one-year immutable Cache-Control, any other with no-cache
// and an ETag, so a new release is picked up at once. Unknown names, including
// directories, are 404s (no listings). The licence texts of the vendored code
// are embedded and served too, under assetPrefix + "LICENSES/" (index:
// LICENSES/THIRD_PARTY.md).
//
// # Security
//
// The page is sent with a Content-Security-Policy that allows scripts, styles
// and fetches from the page's own origin only: no inline script, no eval, and
// no inline style except, by its hash, the one <style> element GraphiQL
// inserts when a dialog opens (see scrollLockStyleHash). Fonts and images may
// also be data: URIs, which GraphiQL's stylesheet uses. The GraphQL endpoint
// is therefore expected on the same origin; when it is an absolute http(s)
// URL, its origin is added to connect-src. Title and endpoint are escaped by
// html/template; the settings reach the bootstrap script (assets/init.js)
// through a non-executable JSON block.
//
// # Assets
//
// The vendored files in assets/ are rebuilt by assets/rebuild.sh from pinned
// npm packages (GraphiQL 3.9.0, React and ReactDOM 18.3.1), which also
// collects the licences in assets/LICENSES. assets/init.js and
// assets/page.css are ours. After an upgrade, open the page in a browser with
// its console open, run a query and open the settings dialog: any CSP
// violation logged means the policy (or scrollLockStyleHash) needs updating.
package graphiql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/essaim/essaim/internal/webassets"
)

// DefaultQuery is the text shown in the query editor on a first visit (later
// visits show what the user left there, kept in the browser's local storage).
const DefaultQuery = `# Essaim GraphQL API
#
# Essaim links actors (associations,
# cooperatives, public bodies…), the initiatives
# they take part in, and the French territories
# where they act: the country, régions,
# départements, EPCIs and communes.
#
# Ctrl-Enter (or ▶) runs the query below,
# Ctrl-Space completes a field name, and the
# Docs pane (book icon, top left) browses the
# schema. Lists are Relay connections: page
# with first/after, filter with where.
# area is URBAN or RURAL (INSEE density grid);
# ruralPopulationShare is the share of the
# population living in rural communes.
{
  territories(first: 5, where: {kind: REGION}) {
    totalCount
    edges {
      node {
        id
        name
        code
        area
        ruralPopulationShare
      }
    }
  }
}
`

// The assets the page loads, in order. All are in the embedded assets/.
var (
	stylesheets = []string{"graphiql.min.css", "page.css"}
	scripts     = []string{
		"react.production.min.js",
		"react-dom.production.min.js",
		"graphiql.min.js",
		"init.js", // needs the three above
	}
)

//go:embed assets/*.js assets/*.css assets/LICENSES
var embedded embed.FS

var (
	assetFS = mustSub(embedded, "assets")
	assets  = mustIndex(assetFS)
)

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

func mustIndex(fsys fs.FS) *webassets.Set {
	set, err := webassets.New(fsys)
	if err != nil {
		panic(err)
	}
	return set
}

// normalizePrefix checks an asset prefix and gives it a trailing slash.
func normalizePrefix(prefix string) string {
	if !strings.HasPrefix(prefix, "/") || strings.HasPrefix(prefix, "//") {
		panic("graphiql: asset prefix must be an absolute path such as \"/graphiql/\", got " + `"` + prefix + `"`)
	}
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return prefix
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<link rel="icon" href="data:,">
{{range .Stylesheets}}<link rel="stylesheet" href="{{.}}">
{{end -}}
</head>
<body>
<div id="graphiql"><p class="graphiql-loading">Loading GraphiQL…</p></div>
<noscript><p class="graphiql-loading">GraphiQL needs JavaScript.</p></noscript>
<script id="graphiql-config" type="application/json">{{.Config}}</script>
{{range .Scripts}}<script src="{{.}}"></script>
{{end -}}
</body>
</html>
`))

type pageData struct {
	Title       string
	Stylesheets []string
	Scripts     []string
	Config      pageConfig
}

// pageConfig is read by assets/init.js.
type pageConfig struct {
	Endpoint     string `json:"endpoint"`
	DefaultQuery string `json:"defaultQuery"`
}

// page is the HTML page, rendered once.
type page struct {
	body []byte
	etag string
	csp  string
}

// Handler returns the handler of the GraphiQL page, titled title, whose
// queries go to endpoint (a URL, normally a path on the same origin such as
// "/graphql") and whose static files are loaded from assetPrefix, where
// Assets(assetPrefix) must be mounted (see the package doc). It serves the
// page at its root path only ("/" or ""), for GET and HEAD.
//
// It panics when endpoint is empty or assetPrefix is not an absolute path,
// which are programming errors.
func Handler(title, endpoint, assetPrefix string) http.Handler {
	if endpoint == "" {
		panic("graphiql: empty GraphQL endpoint")
	}
	if title == "" {
		title = "GraphiQL"
	}
	prefix := normalizePrefix(assetPrefix)
	data := pageData{
		Title:  title,
		Config: pageConfig{Endpoint: endpoint, DefaultQuery: DefaultQuery},
	}
	for _, name := range stylesheets {
		data.Stylesheets = append(data.Stylesheets, assetURL(prefix, name))
	}
	for _, name := range scripts {
		data.Scripts = append(data.Scripts, assetURL(prefix, name))
	}
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, data); err != nil {
		panic("graphiql: rendering the page: " + err.Error())
	}
	sum := sha256.Sum256(buf.Bytes())
	return &page{
		body: buf.Bytes(),
		etag: `"` + hex.EncodeToString(sum[:16]) + `"`,
		csp:  contentSecurityPolicy(endpoint),
	}
}

// assetURL is the versioned URL of an embedded asset under prefix.
func assetURL(prefix, name string) string {
	url, ok := assets.URL(prefix, name)
	if !ok {
		panic("graphiql: asset " + name + " is not embedded")
	}
	return url
}

// originPattern is what an origin may look like to be put in a CSP header.
var originPattern = regexp.MustCompile(`^https?://[A-Za-z0-9.\-]+(:[0-9]+)?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// scrollLockStyleHash is the CSP hash of the one <style> element that
// GraphiQL inserts at run time: react-remove-scroll-bar's scroll lock, added
// when a dialog (settings, short keys) opens. Its text depends on the body's
// margins and scrollbar, which page.css fixes (margin 0, overflow hidden), so
// it is constant. Should it change (say, after a GraphiQL upgrade), the
// browser blocks it, which is harmless on this page since page.css already
// locks scrolling, and logs a CSP violation naming the new hash.
const scrollLockStyleHash = "'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc='"

// contentSecurityPolicy is the policy of the page: everything from the page's
// origin only, no inline script, no eval, no inline style but the scroll lock
// above. It was checked in headless Chromium with no violation reported while
// GraphiQL rendered, fetched the schema, ran a query and showed the result,
// opened the docs and history panes, the settings and short-keys dialogs, a
// tooltip, a new tab and the completion popup, prettified the query and
// switched to the dark theme. Fonts and images also come from data: URIs,
// which graphiql.min.css uses.
func contentSecurityPolicy(endpoint string) string {
	connect := "'self'"
	if u, err := url.Parse(endpoint); err == nil && u.IsAbs() && (u.Scheme == "http" || u.Scheme == "https") {
		if origin := u.Scheme + "://" + u.Host; originPattern.MatchString(origin) {
			connect += " " + origin
		}
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self' " + scrollLockStyleHash,
		"img-src 'self' data:",
		"font-src 'self' data:",
		"connect-src " + connect,
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'self'",
	}, "; ")
}

func (p *page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" && r.URL.Path != "" {
		http.NotFound(w, r)
		return
	}
	if !webassets.AllowMethod(w, r) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", p.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", p.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(p.body))
}

// Assets returns the handler of the page's static files, to be mounted at
// prefix, the same value as Handler's assetPrefix (an absolute path; a
// trailing slash is added if missing). It panics when prefix is not an
// absolute path.
func Assets(prefix string) http.Handler {
	return http.StripPrefix(normalizePrefix(prefix), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !assets.Has(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		if !webassets.AllowMethod(w, r) {
			return
		}
		assets.Serve(w, r, r.URL.Path)
	}))
}
