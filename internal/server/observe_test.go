package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/server"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// records decodes the JSON log lines.
func (s *syncBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(s.b.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, line)
		}
		out = append(out, rec)
	}
	return out
}

// requestLines returns the "graphql request" records.
func requestLines(t *testing.T, s *syncBuffer) []map[string]any {
	var out []map[string]any
	for _, r := range s.records(t) {
		if r["msg"] == "graphql request" {
			out = append(out, r)
		}
	}
	return out
}

// oHandler is the production handler logging JSON into a buffer.
func oHandler(t *testing.T, edit func(*server.Config)) (http.Handler, *syncBuffer, *server.Config) {
	t.Helper()
	st := dbtest.SQLite(t)
	cfg := gqltest.Config() // anonymous EDITOR: the mutation cases log "ok"
	cfg.Metrics = server.NewMetrics()
	if edit != nil {
		edit(&cfg)
	}
	logs := &syncBuffer{}
	return server.Handler(cfg, st, slog.New(slog.NewJSONHandler(logs, nil))), logs, &cfg
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	h, logs, _ := oHandler(t, nil)
	named := `query Themes { themes(first: 1) { totalCount } }`
	for _, tc := range []struct {
		name      string
		req       hRequest
		requestID string // sent in X-Request-Id
		keepsID   bool   // the response echoes it
		operation string
		opType    string
		outcome   string
		status    int
		minSQL    int
	}{
		{"named query", hPost(named), "abc-123.X_y:z", true, "Themes", "query", "ok", 200, 1},
		{"anonymous query, generated id", hPost(hQuery), "", false, "", "query", "ok", 200, 1},
		{"id with spaces is replaced", hPost(named), "abc def", false, "Themes", "query", "ok", 200, 1},
		{"id with a newline is replaced", hPost(named), "abc\u2028def", false, "Themes", "query", "ok", 200, 1},
		{"overlong id is replaced", hPost(named), strings.Repeat("a", 129), false, "Themes", "query", "ok", 200, 1},
		{"mutation", hPost(`mutation M { createTheme(input: {slug: "s", label: "l"}) { id } }`), "m-1", true, "M", "mutation", "ok", 200, 1},
		{"validation error", hPost(`query Bad { themez { totalCount } }`), "", false, "", "", "GRAPHQL_VALIDATION_FAILED", 200, 0},
		{"protocol error", hPost(named).with(func(r *hRequest) { r.contentType = "text/plain" }), "", false, "", "", "UNSUPPORTED_MEDIA_TYPE", 415, 0},
		{"mutation over GET", hGet(`mutation G { createTheme(input: {slug: "g", label: "g"}) { id } }`), "", false, "G", "mutation", "METHOD_NOT_ALLOWED", 405, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			if tc.requestID != "" {
				req = req.with(func(r *hRequest) { r.header = map[string]string{"X-Request-Id": tc.requestID} })
			}
			before := len(requestLines(t, logs))
			rec, _ := req.send(t, h)
			id := rec.Header().Get("X-Request-Id")
			switch {
			case tc.keepsID && id != tc.requestID:
				t.Errorf("X-Request-Id %q, want %q", id, tc.requestID)
			case !tc.keepsID && (len(id) != 24 || id == tc.requestID):
				t.Errorf("X-Request-Id %q, want a generated id", id)
			}
			lines := requestLines(t, logs)
			if len(lines) != before+1 {
				t.Fatalf("%d request lines, want %d", len(lines), before+1)
			}
			l := lines[len(lines)-1]
			want := map[string]any{"request_id": id, "operation": tc.operation, "type": tc.opType,
				"outcome": tc.outcome, "status": float64(tc.status)}
			for k, v := range want {
				if l[k] != v {
					t.Errorf("log %s = %v, want %v (line %v)", k, l[k], v, l)
				}
			}
			if sql, _ := l["sql"].(float64); int(sql) < tc.minSQL {
				t.Errorf("log sql = %v, want at least %d", l["sql"], tc.minSQL)
			}
			if _, ok := l["duration"].(float64); !ok {
				t.Errorf("log has no duration: %v", l)
			}
		})
	}
}

// metricsText scrapes /metrics.
func metricsText(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	h, _, cfg := oHandler(t, nil)
	hPost(`query Themes { themes(first: 1) { totalCount } }`).send(t, h)
	hPost(`query Themes { themes(first: 1) { totalCount } }`).send(t, h)
	hPost(`{ themez }`).send(t, h)
	hPost(`query Themes { themes(first: 1) { totalCount } }`).with(func(r *hRequest) { r.contentType = "text/plain" }).send(t, h)
	cfg.Metrics.RateLimited("key", "graphql")
	cfg.Metrics.RateLimited("ip", "graphql")
	cfg.Metrics.RateLimited("ip", "export")
	// Clients choose operation names: past the cap they fold into "other".
	for i := range 150 {
		hPost(fmt.Sprintf(`query Op%d { __typename }`, i)).send(t, h)
	}
	text := metricsText(t, h)
	for _, want := range []string{
		`essaim_graphql_requests_total{operation="Themes",outcome="ok",type="query"} 2`,
		`essaim_graphql_requests_total{operation="none",outcome="GRAPHQL_VALIDATION_FAILED",type="none"} 1`,
		`essaim_graphql_requests_total{operation="none",outcome="UNSUPPORTED_MEDIA_TYPE",type="none"} 1`,
		`essaim_graphql_request_duration_seconds_count{operation="Themes"} 2`,
		`essaim_graphql_sql_statements_count{operation="Themes"} 2`,
		`essaim_graphql_sql_statements_bucket{operation="Themes",le="0"} 0`,
		`essaim_rate_limited_total{endpoint="graphql",identity="key"} 1`,
		`essaim_rate_limited_total{endpoint="graphql",identity="ip"} 1`,
		`essaim_rate_limited_total{endpoint="export",identity="ip"} 1`,
		`essaim_graphql_requests_total{operation="other",outcome="ok",type="query"} 51`,
		`go_goroutines `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	labels := map[string]bool{}
	for line := range strings.SplitSeq(text, "\n") {
		if rest, ok := strings.CutPrefix(line, `essaim_graphql_requests_total{operation="`); ok {
			labels[rest[:strings.IndexByte(rest, '"')]] = true
		}
	}
	if len(labels) > 100+2 {
		t.Errorf("%d operation labels, want at most 100 names plus none and other", len(labels))
	}
	var nilMetrics *server.Metrics
	nilMetrics.RateLimited("key", "graphql") // a server without metrics may call it
}

// oManifest is a manifest of one query and one mutation.
func oManifest(t *testing.T, docs ...string) string {
	t.Helper()
	m := map[string]string{}
	for _, d := range docs {
		m[server.DocumentHash(d)] = d
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "trusted.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func persisted(query, hash string) hRequest {
	body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}}
	if query != "" {
		body["query"] = query
	}
	b, _ := json.Marshal(body)
	return hRequest{method: http.MethodPost, contentType: hJSON, body: string(b)}
}

func TestTrustedDocuments(t *testing.T) {
	t.Parallel()
	const (
		listed   = "query Listed {\n  themes(first: 1) { totalCount }\n}\n"
		mutation = `mutation Create { createTheme(input: {slug: "trusted", label: "Trusted"}) { id } }`
		other    = `mutation { createTheme(input: {slug: "` + hMarker + `", label: "x"}) { id } }`
	)
	td, err := server.LoadTrustedDocuments(oManifest(t, listed, mutation))
	if err != nil {
		t.Fatal(err)
	}
	st := dbtest.SQLite(t)
	h := hHandler(t, st, func(c *server.Config) { c.TrustedDocuments = td })
	const notAllowed = "PERSISTED_QUERY_NOT_ALLOWED"
	for _, tc := range []struct {
		name    string
		req     hRequest
		code    string
		status  int
		mutates bool
	}{
		{"listed, full text", hPost(listed), "", 200, false},
		{"listed, by hash", persisted("", server.DocumentHash(listed)), "", 200, false},
		{"listed, by upper-case hash", persisted("", strings.ToUpper(server.DocumentHash(listed))), "", 200, false},
		{"listed, hash and text", persisted(listed, server.DocumentHash(listed)), "", 200, false},
		{"listed, over GET", hGet(listed), "", 200, false},
		{"listed mutation", hPost(mutation), "", 200, true},
		{"same query, other spacing", hPost(strings.ReplaceAll(listed, "\n", " ")), notAllowed, 200, false},
		{"other mutation", hPost(other), notAllowed, 200, false},
		{"other mutation, graphql-response+json", hPost(other).with(hAccept(hGQL)), notAllowed, 400, false},
		{"unknown hash", persisted("", server.DocumentHash(other)), notAllowed, 200, false},
		{"hash of another document", persisted(other, server.DocumentHash(listed)), "BAD_REQUEST", 400, false},
		{"introspection", hPost(`{ __schema { types { name } } }`), notAllowed, 200, false},
		{"repeated-field flood", hPost(`{` + strings.Repeat(" __typename", 5000) + ` }`), notAllowed, 200, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := hThemeCount(t, st)
			rec, body := tc.req.send(t, h)
			media := hJSON
			if tc.status == 400 && tc.code != "BAD_REQUEST" { // a malformed request is 400 whatever was accepted
				media = hGQL
			}
			hCheck(t, rec, body, tc.status, media, tc.code)
			if after := hThemeCount(t, st); (after != before) != tc.mutates {
				t.Errorf("themes %d before, %d after", before, after)
			}
		})
	}
	hStillServes(t, hHandler(t, st, nil))
}

func TestTrustedDocumentsManifest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, manifest string
	}{
		{"wrong hash", `{"` + strings.Repeat("0", 64) + `": "{ __typename }"}`},
		{"unparsable document", `{"` + server.DocumentHash("{ x") + `": "{ x"}`},
		{"not an object", `["{ __typename }"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.json")
			if err := os.WriteFile(path, []byte(tc.manifest), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := server.LoadTrustedDocuments(path); err == nil {
				t.Error("manifest accepted")
			}
		})
	}
	t.Run("shipped workload manifest is up to date", func(t *testing.T) {
		built, err := server.BuildManifest("../../bench/workload")
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile("../../bench/workload/trusted-documents.json")
		if err != nil {
			t.Fatal(err)
		}
		var shipped map[string]string
		if err := json.Unmarshal(b, &shipped); err != nil {
			t.Fatal(err)
		}
		if len(shipped) != len(built) {
			t.Fatalf("shipped %d documents, built %d: run essaim trusted-documents build -o bench/workload/trusted-documents.json bench/workload", len(shipped), len(built))
		}
		for h, d := range built {
			if shipped[h] != d {
				t.Errorf("document %s missing or different: rebuild the manifest", h)
			}
		}
	})
}

// Each /export request leaves one "export request" line with its request
// id, what it asked and how it ended.
func TestExportRequestLog(t *testing.T) {
	t.Parallel()
	h, logs, _ := oHandler(t, nil)
	for _, tc := range []struct {
		name, url, typ, format, outcome string
		status                          int
		minSQL                          int
	}{
		{"export", "/export?type=actors&format=json", "actors", "json", "ok", 200, 1},
		{"bad parameter", "/export?type=actor", "actor", "", "BAD_USER_INPUT", 400, 0},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.url, nil))
		var lines []map[string]any
		for _, r := range logs.records(t) {
			if r["msg"] == "export request" && r["request_id"] == rec.Header().Get("X-Request-Id") {
				lines = append(lines, r)
			}
		}
		if len(lines) != 1 {
			t.Fatalf("%s: %d export lines with the request's id %q, want 1", tc.name, len(lines), rec.Header().Get("X-Request-Id"))
		}
		l := lines[0]
		want := map[string]any{"type": tc.typ, "format": tc.format, "outcome": tc.outcome, "status": float64(tc.status), "method": "GET"}
		for k, v := range want {
			if l[k] != v {
				t.Errorf("%s: log %s = %v, want %v (line %v)", tc.name, k, l[k], v, l)
			}
		}
		if sql, _ := l["sql"].(float64); int(sql) < tc.minSQL {
			t.Errorf("%s: log sql = %v, want at least %d", tc.name, l["sql"], tc.minSQL)
		}
	}
}

// TestObserveIntrospectionOff: a request refused because introspection is
// off is still logged with its operation's name and type (the recorder runs
// before the refusal).
func TestObserveIntrospectionOff(t *testing.T) {
	t.Parallel()
	h, logs, _ := oHandler(t, func(c *server.Config) { c.Introspection = false })
	rec, _ := hPost(`query Q { __schema { types { name } } }`).send(t, h)
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	lines := requestLines(t, logs)
	if len(lines) == 0 {
		t.Fatal("no request line")
	}
	if l := lines[len(lines)-1]; l["operation"] != "Q" || l["type"] != "query" {
		t.Errorf("request line %v, want operation Q of type query", l)
	}
}
