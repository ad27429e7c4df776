package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

// hMarker is written into refused requests: no response may echo it.
const hMarker = "ECHO-MARKER-7f3a"

const (
	hJSON     = "application/json"
	hGQL      = "application/graphql-response+json"
	hQuery    = `{ themes(first: 1) { totalCount } }`
	hMutation = `mutation { createTheme(input: {slug: "` + hMarker + `", label: "` + hMarker + `"}) { id } }`
)

// hBody is a decoded response.
type hBody struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	Extensions map[string]any `json:"extensions"`
}

func hHandler(t *testing.T, st *store.Store, edit func(*server.Config)) http.Handler {
	t.Helper()
	cfg := gqltest.Config() // anonymous EDITOR: these tests are about the protocol
	if edit != nil {
		edit(&cfg)
	}
	return server.Handler(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func hJSONBody(t testing.TB, query string) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hRequest describes one HTTP request to /graphql.
type hRequest struct {
	method      string
	query       string // URL query string (GET)
	contentType string
	accept      string
	body        string
	header      map[string]string
}

func (r hRequest) send(t testing.TB, h http.Handler) (*httptest.ResponseRecorder, hBody) {
	t.Helper()
	target := "/graphql"
	if r.query != "" {
		target += "?" + r.query
	}
	req := httptest.NewRequest(r.method, target, strings.NewReader(r.body))
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.accept != "" {
		req.Header.Set("Accept", r.accept)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var body hBody
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("response is not JSON: %v: %.300q", err, rec.Body.String())
		}
	}
	return rec, body
}

func hPost(query string) hRequest {
	b, _ := json.Marshal(map[string]any{"query": query})
	return hRequest{method: http.MethodPost, contentType: hJSON, body: string(b)}
}

func hGet(query string) hRequest {
	return hRequest{method: http.MethodGet, query: url.Values{"query": {query}}.Encode()}
}

func (r hRequest) with(edit func(*hRequest)) hRequest { edit(&r); return r }

func hAccept(a string) func(*hRequest) { return func(r *hRequest) { r.accept = a } }

// hCheck asserts status, media type, code (or success), no echo of hMarker.
func hCheck(t *testing.T, rec *httptest.ResponseRecorder, body hBody, status int, media, code string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status %d, want %d: %.300s", rec.Code, status, rec.Body.String())
	}
	if media != "" {
		got, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type"))
		if err != nil || got != media {
			t.Errorf("Content-Type %q, want %s", rec.Header().Get("Content-Type"), media)
		}
	}
	if strings.Contains(rec.Body.String(), hMarker) {
		t.Errorf("response echoes the request: %.300s", rec.Body.String())
	}
	switch {
	case code == "" && len(body.Errors) > 0:
		t.Errorf("errors %+v, want none", body.Errors)
	case code == "" && (len(body.Data) == 0 || string(body.Data) == "null"):
		t.Errorf("no data: %.300s", rec.Body.String())
	case code != "" && len(body.Errors) == 0:
		t.Errorf("no error, want %s: %.300s", code, rec.Body.String())
	case code != "":
		for _, e := range body.Errors {
			if e.Extensions["code"] != code {
				t.Errorf("error %q has code %v, want %s", e.Message, e.Extensions["code"], code)
			}
		}
	}
}

// hThemeCount counts themes straight from the database.
func hThemeCount(t testing.TB, st *store.Store) int {
	t.Helper()
	n, err := st.Client.Theme.Query().Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// hStillServes checks that a normal query still succeeds.
func hStillServes(t *testing.T, h http.Handler) {
	t.Helper()
	rec, body := hPost(hQuery).send(t, h)
	hCheck(t, rec, body, http.StatusOK, hJSON, "")
}

func TestHTTPProtocol(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	h := hHandler(t, st, nil)
	big := `{"query": "{ __typename }", "variables": {"pad": "` + strings.Repeat(hMarker, (1<<20)/len(hMarker)+1) + `"}}`
	for _, tc := range []struct {
		name    string
		req     hRequest
		status  int
		media   string
		code    string
		allow   string
		mutates bool
	}{
		// Accepted requests and media types.
		{"GET query", hGet(hQuery), 200, hJSON, "", "", false},
		{"GET query accepting graphql-response+json", hGet(hQuery).with(hAccept(hGQL)), 200, hGQL, "", "", false},
		{"POST query", hPost(hQuery), 200, hJSON, "", "", false},
		{"POST accepting application/json", hPost(hQuery).with(hAccept(hJSON)), 200, hJSON, "", "", false},
		{"POST accepting graphql-response+json", hPost(hQuery).with(hAccept(hGQL + ", application/json;q=0.9")), 200, hGQL, "", "", false},
		{"POST accepting anything", hPost(hQuery).with(hAccept("*/*")), 200, hJSON, "", "", false},
		{"POST refusing graphql-response+json", hPost(hQuery).with(hAccept(hGQL + ";q=0, application/json")), 200, hJSON, "", "", false},
		{"POST as GraphiQL sends it", hPost(hQuery).with(hAccept("application/json, multipart/mixed")), 200, hJSON, "", "", false},
		{"POST with charset", hPost(hQuery).with(func(r *hRequest) { r.contentType = "application/json; charset=utf-8" }), 200, hJSON, "", "", false},
		{"POST mutation", hPost(strings.ReplaceAll(hMutation, hMarker, "ok-theme")), 200, hJSON, "", "", true},

		// Methods.
		{"GET mutation", hGet(hMutation), 405, hJSON, "METHOD_NOT_ALLOWED", "POST", false},
		{"GET mutation accepting graphql-response+json", hGet(hMutation).with(hAccept(hGQL)), 405, hGQL, "METHOD_NOT_ALLOWED", "POST", false},
		{"PUT", hPost(hMutation).with(func(r *hRequest) { r.method = http.MethodPut }), 405, hJSON, "METHOD_NOT_ALLOWED", "GET, POST, OPTIONS", false},
		{"DELETE", hRequest{method: http.MethodDelete}, 405, hJSON, "METHOD_NOT_ALLOWED", "GET, POST, OPTIONS", false},

		// Media types that browsers send cross-origin without a preflight (CSRF).
		{"POST text/plain", hPost(hMutation).with(func(r *hRequest) { r.contentType = "text/plain" }), 415, hJSON, "UNSUPPORTED_MEDIA_TYPE", "", false},
		{"POST form", hRequest{method: http.MethodPost, contentType: "application/x-www-form-urlencoded",
			body: url.Values{"query": {hMutation}}.Encode()}, 415, hJSON, "UNSUPPORTED_MEDIA_TYPE", "", false},
		{"POST multipart", hRequest{method: http.MethodPost, contentType: "multipart/form-data; boundary=x",
			body: "--x\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\n" + hMutation + "\r\n--x--\r\n"}, 415, hJSON, "UNSUPPORTED_MEDIA_TYPE", "", false},
		{"POST application/graphql", hRequest{method: http.MethodPost, contentType: "application/graphql", body: hMutation}, 415, hJSON, "UNSUPPORTED_MEDIA_TYPE", "", false},
		{"POST without Content-Type", hPost(hMutation).with(func(r *hRequest) { r.contentType = "" }), 415, hJSON, "UNSUPPORTED_MEDIA_TYPE", "", false},
		{"POST latin-1 JSON", hPost(hMutation).with(func(r *hRequest) { r.contentType = "application/json; charset=iso-8859-1" }), 415, hJSON, "UNSUPPORTED_MEDIA_TYPE", "", false},
		{"POST text/plain accepting graphql-response+json", hPost(hMutation).with(func(r *hRequest) { r.contentType, r.accept = "text/plain", hGQL }), 415, hGQL, "UNSUPPORTED_MEDIA_TYPE", "", false},

		// Malformed bodies.
		{"batch", hRequest{method: http.MethodPost, contentType: hJSON, body: " [" + hJSONBody(t, hMutation) + "," + hJSONBody(t, hQuery) + "]"}, 400, hJSON, "BAD_REQUEST", "", false},
		{"malformed JSON", hRequest{method: http.MethodPost, contentType: hJSON, body: `{"query": "` + hMarker}, 400, hJSON, "BAD_REQUEST", "", false},
		{"malformed JSON character", hRequest{method: http.MethodPost, contentType: hJSON, body: `{"query": ` + hMarker + `}`}, 400, hJSON, "BAD_REQUEST", "", false},
		{"trailing data", hRequest{method: http.MethodPost, contentType: hJSON, body: hJSONBody(t, hMutation) + ` {"` + hMarker + `": 1}`}, 400, hJSON, "BAD_REQUEST", "", false},
		{"query not a string", hRequest{method: http.MethodPost, contentType: hJSON, body: `{"query": ["` + hMarker + `"]}`}, 400, hJSON, "BAD_REQUEST", "", false},
		{"variables not an object", hRequest{method: http.MethodPost, contentType: hJSON, body: `{"query": "{ __typename }", "variables": ["` + hMarker + `"]}`}, 400, hJSON, "BAD_REQUEST", "", false},
		{"no query", hRequest{method: http.MethodPost, contentType: hJSON, body: `{}`}, 400, hJSON, "BAD_REQUEST", "", false},
		{"empty body", hRequest{method: http.MethodPost, contentType: hJSON}, 400, hJSON, "BAD_REQUEST", "", false},
		{"GET without query", hRequest{method: http.MethodGet}, 400, hJSON, "BAD_REQUEST", "", false},
		{"GET variables not JSON", hRequest{method: http.MethodGet, query: url.Values{"query": {hQuery}, "variables": {"{" + hMarker}}.Encode()}, 400, hJSON, "BAD_REQUEST", "", false},
		{"body over the limit", hRequest{method: http.MethodPost, contentType: hJSON, body: big}, 413, hJSON, "REQUEST_TOO_LARGE", "", false},

		// GraphQL request errors: 200 with application/json, 400 with graphql-response+json.
		{"parse error", hPost(`{ themes(first: 1) { totalCount } ` + hMarker), 200, hJSON, "GRAPHQL_PARSE_FAILED", "", false},
		{"parse error accepting graphql-response+json", hPost(`mutation { ` + hMarker).with(hAccept(hGQL)), 400, hGQL, "GRAPHQL_PARSE_FAILED", "", false},
		{"validation error", hPost(`{ themez { totalCount } }`), 200, hJSON, "GRAPHQL_VALIDATION_FAILED", "", false},
		{"validation error accepting graphql-response+json", hPost(`{ themez { totalCount } }`).with(hAccept(hGQL)), 400, hGQL, "GRAPHQL_VALIDATION_FAILED", "", false},
		{"GET parse error accepting graphql-response+json", hGet(`{ ` + hMarker).with(hAccept(hGQL)), 400, hGQL, "GRAPHQL_PARSE_FAILED", "", false},
		{"unknown operation name", hRequest{method: http.MethodPost, contentType: hJSON, accept: hGQL,
			body: `{"query": "query A { __typename }", "operationName": "B"}`}, 400, hGQL, "GRAPHQL_VALIDATION_FAILED", "", false},
		{"missing variable", hPost(`query($n: Int!) { themes(first: $n) { totalCount } }`).with(hAccept(hGQL)), 400, hGQL, "GRAPHQL_VALIDATION_FAILED", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := hThemeCount(t, st)
			rec, body := tc.req.send(t, h)
			hCheck(t, rec, body, tc.status, tc.media, tc.code)
			if tc.code != "" && len(body.Data) != 0 {
				t.Errorf("a refused request has data: %s", body.Data)
			}
			if got := rec.Header().Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
			if after := hThemeCount(t, st); (after != before) != tc.mutates {
				t.Errorf("themes %d before, %d after; mutation expected: %v", before, after, tc.mutates)
			}
			hStillServes(t, h)
		})
	}
}

// TestHTTPOperationName: a document of several operations needs an
// operationName, and the refusal says so (gqlgen said "operation  not found").
func TestHTTPOperationName(t *testing.T) {
	t.Parallel()
	h := hHandler(t, dbtest.SQLite(t), nil)
	for _, tc := range []struct{ name, body, message string }{
		{"several operations, no name", `{"query": "query A { __typename } query B { __typename }"}`,
			"the document holds several operations: name the one to run in operationName"},
		{"unknown name", `{"query": "query A { __typename }", "operationName": "B"}`, "operation B not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, body := hRequest{method: http.MethodPost, contentType: hJSON, body: tc.body}.send(t, h)
			hCheck(t, rec, body, http.StatusOK, hJSON, "GRAPHQL_VALIDATION_FAILED")
			if len(body.Errors) != 1 || body.Errors[0].Message != tc.message {
				t.Errorf("errors %+v, want one saying %q", body.Errors, tc.message)
			}
		})
	}
}

func TestHTTPOptions(t *testing.T) {
	t.Parallel()
	h := hHandler(t, dbtest.SQLite(t), nil)
	rec, _ := hRequest{method: http.MethodOptions}.send(t, h)
	if rec.Code != http.StatusNoContent || rec.Header().Get("Allow") != "GET, POST, OPTIONS" {
		t.Errorf("OPTIONS: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("CORS header without CORS origins: %q", got)
	}
}

// TestHTTPPersistedQueries: a request with no query but a persisted-query
// hash is not refused as malformed; a hash that does not match its query,
// or an unknown version, is the request's fault (BAD_REQUEST, 400), never
// INTERNAL; a matching one runs.
func TestHTTPPersistedQueries(t *testing.T) {
	t.Parallel()
	h := hHandler(t, dbtest.SQLite(t), nil)
	const query = `{ __typename }`
	sum := sha256.Sum256([]byte(query))
	queryHash := hex.EncodeToString(sum[:])
	const other = "2a5f2a1b1d4f1b1e59ed4a6a0d3d6c8f0ed6c5e9fb5a3bd7fb7e6fcb6c3c4d0e" // not the query's
	body := func(query, hash string, version int) string {
		b, _ := json.Marshal(map[string]any{"query": query, "extensions": map[string]any{
			"persistedQuery": map[string]any{"version": version, "sha256Hash": hash}}})
		return string(b)
	}
	for _, tc := range []struct {
		name, body string
		status     int
		code       string
	}{
		{"unknown hash alone", body("", other, 1), http.StatusOK, "PERSISTED_QUERY_NOT_FOUND"},
		{"hash of another query", body(query, other, 1), http.StatusBadRequest, "BAD_REQUEST"},
		{"unknown version", body(query, queryHash, 2), http.StatusBadRequest, "BAD_REQUEST"},
		{"matching hash", body(query, queryHash, 1), http.StatusOK, ""},
		{"known hash alone, once sent", body("", queryHash, 1), http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, b := hRequest{method: http.MethodPost, contentType: hJSON, body: tc.body}.send(t, h)
			hCheck(t, rec, b, tc.status, hJSON, tc.code)
		})
	}
	hStillServes(t, h)
}

// TestHTTPIntrospectionOff: with introspection off, __schema and __type are
// refused before anything runs (FORBIDDEN, not INTERNAL), even inside a
// fragment; __typename still answers.
func TestHTTPIntrospectionOff(t *testing.T) {
	t.Parallel()
	h := hHandler(t, dbtest.SQLite(t), func(c *server.Config) { c.Introspection = false })
	for _, tc := range []struct {
		name, query, code string
	}{
		{"__schema", `{ __schema { types { name } } }`, "FORBIDDEN"},
		{"__type", `{ __type(name: "Actor") { name } }`, "FORBIDDEN"},
		{"__type in a fragment", `{ ...F } fragment F on Query { __type(name: "Actor") { name } }`, "FORBIDDEN"},
		{"__typename", `{ __typename }`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, b := hPost(tc.query).send(t, h)
			hCheck(t, rec, b, http.StatusOK, hJSON, tc.code)
		})
	}
}

func TestHTTPCORS(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	const app = "https://app.example.org"
	withCORS := hHandler(t, st, func(c *server.Config) { c.CORSOrigins = []string{app, "https://other.example.org"} })
	anyOrigin := hHandler(t, st, func(c *server.Config) { c.CORSOrigins = []string{"*"} })
	without := hHandler(t, st, nil)
	preflight := func(origin string) hRequest {
		return hRequest{method: http.MethodOptions, header: map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}}
	}
	post := func(origin string) hRequest {
		return hPost(hQuery).with(func(r *hRequest) { r.header = map[string]string{"Origin": origin} })
	}
	for _, tc := range []struct {
		name       string
		h          http.Handler
		req        hRequest
		status     int
		allowed    string // Access-Control-Allow-Origin
		preflights bool   // Access-Control-Allow-Methods set
	}{
		{"preflight from an allowed origin", withCORS, preflight(app), 204, app, true},
		{"preflight from another origin", withCORS, preflight("https://evil.example"), 204, "", false},
		{"POST from an allowed origin", withCORS, post(app), 200, app, false},
		{"POST from another origin", withCORS, post("https://evil.example"), 200, "", false},
		{"POST without origin", withCORS, hPost(hQuery), 200, "", false},
		{"any origin", anyOrigin, preflight("https://evil.example"), 204, "https://evil.example", true},
		{"no CORS configured: preflight", without, preflight(app), 204, "", false},
		{"no CORS configured: POST", without, post(app), 200, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, _ := tc.req.send(t, tc.h)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d", rec.Code, tc.status)
			}
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tc.allowed {
				t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tc.allowed)
			}
			if got := rec.Header().Get("Access-Control-Allow-Methods") != ""; got != tc.preflights {
				t.Errorf("Access-Control-Allow-Methods %q", rec.Header().Get("Access-Control-Allow-Methods"))
			}
			if tc.preflights && !strings.Contains(strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers")), "content-type") {
				t.Errorf("Access-Control-Allow-Headers %q lacks Content-Type", rec.Header().Get("Access-Control-Allow-Headers"))
			}
			if tc.h != without && !strings.Contains(rec.Header().Get("Vary"), "Origin") {
				t.Errorf("Vary %q lacks Origin", rec.Header().Get("Vary"))
			}
			hStillServes(t, tc.h)
		})
	}
}

func TestHTTPFieldSuggestions(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	for _, tc := range []struct {
		name    string
		on      bool
		query   string
		suggest bool
	}{
		{"field, on", true, `{ themez { totalCount } }`, true},
		{"field, off", false, `{ themez { totalCount } }`, false},
		{"argument, off", false, `{ themes(frist: 1) { totalCount } }`, false},
		{"enum value, off", false, `{ territories(first: 1, where: {kind: COMUNE}) { totalCount } }`, false},
		{"argument, on", true, `{ themes(frist: 1) { totalCount } }`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := hHandler(t, st, func(c *server.Config) { c.FieldSuggestions = tc.on })
			rec, body := hPost(tc.query).send(t, h)
			hCheck(t, rec, body, http.StatusOK, hJSON, "GRAPHQL_VALIDATION_FAILED")
			suggested := strings.Contains(rec.Body.String(), "Did you mean")
			if suggested != tc.suggest {
				t.Errorf("suggestion %v, want %v: %s", suggested, tc.suggest, rec.Body.String())
			}
		})
	}
}
