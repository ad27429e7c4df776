package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/exchange"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

const importMutation = `mutation ($file: Upload!, $dry: Boolean!) {
  importInitiatives(file: $file, dryRun: $dry) {
    ok dryRun rows created updated errors { line column code message }
  }
}`

// xReport is the importInitiatives field of a response.
type xReport struct {
	ImportInitiatives struct {
		OK      bool `json:"ok"`
		DryRun  bool `json:"dryRun"`
		Rows    int  `json:"rows"`
		Created int  `json:"created"`
		Updated int  `json:"updated"`
		Errors  []struct {
			Line    int    `json:"line"`
			Column  string `json:"column"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	} `json:"importInitiatives"`
}

// xUpload builds a GraphQL multipart request uploading content as $file.
func xUpload(t *testing.T, name, content string, dry bool, header ...string) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	ops, _ := json.Marshal(map[string]any{"query": importMutation, "variables": map[string]any{"file": nil, "dry": dry}})
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0": ["variables.file"]}`)
	fw, _ := mw.CreateFormFile("0", name)
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/graphql", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

func xSend(t *testing.T, h http.Handler, req *http.Request) (*httptest.ResponseRecorder, hBody) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var body hBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("status %d, body %q: %v", rec.Code, rec.Body.String(), err)
	}
	return rec, body
}

// xFixture: MiniFrance, a theme, an actor with a SIREN and an initiative
// with a start date.
func xFixture(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	m := dbtest.NewMiniFrance(t, st)
	c := st.Client
	th := c.Theme.Create().SetSlug("mobilite").SetLabel("Mobilité").SaveX(ctx)
	c.Actor.Create().SetName("La Poste").SetKind(actor.KindCOMPANY).SetSiren("356000000").AddTerritories(m.Nevers).SaveX(ctx)
	start, _ := time.Parse(time.DateOnly, "2024-01-01")
	c.Initiative.Create().SetTitle("Vélos").SetSourceKey("k-1").SetStartDate(start).AddTerritories(m.Achun).AddThemes(th).SaveX(ctx)
}

func xCount(t *testing.T, st *store.Store) int {
	t.Helper()
	return st.Client.Initiative.Query().CountX(context.Background())
}

// TestImportUpload imports a file through the GraphQL multipart request:
// the report, the dry run, the CSRF guard, the size cap and a row refused
// while writing (rolled back).
func TestImportUpload(t *testing.T) {
	const good = "key,title,territories,themes,actors\nk-2,Covoiturage,commune:58194,mobilite,356000000:LEAD\nk-1,Vélos partagés,,,\n"
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		xFixture(t, st)
		h := hHandler(t, st, func(c *server.Config) { c.MaxUploadBytes = 4096 })
		preflight := []string{"GraphQL-Require-Preflight", "1"}
		_, editor, err := auth.Create(context.Background(), st.Client, "importer", auth.Editor)
		if err != nil {
			t.Fatal(err)
		}
		_, reader, err := auth.Create(context.Background(), st.Client, "reader", auth.Reader)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("dry run", func(t *testing.T) {
			rec, body := xSend(t, h, xUpload(t, "f.csv", good, true, preflight...))
			var rep xReport
			if rec.Code != http.StatusOK || len(body.Errors) > 0 || json.Unmarshal(body.Data, &rep) != nil {
				t.Fatalf("status %d, body %+v", rec.Code, body)
			}
			if r := rep.ImportInitiatives; !r.OK || !r.DryRun || r.Rows != 2 || r.Created != 1 || r.Updated != 1 {
				t.Errorf("report %+v", r)
			}
			if n := xCount(t, st); n != 1 {
				t.Errorf("dry run wrote: %d initiatives", n)
			}
		})
		t.Run("a READER key may not import", func(t *testing.T) {
			_, body := xSend(t, h, xUpload(t, "f.csv", good, false, "Authorization", "Bearer "+reader))
			if len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != "FORBIDDEN" || xCount(t, st) != 1 {
				t.Errorf("body %+v, %d initiatives; want FORBIDDEN and nothing written", body, xCount(t, st))
			}
		})
		t.Run("report of a broken file", func(t *testing.T) {
			bad := "key,title,end_date,start_date,territories\nk-3,X,2020-01-01,2021-01-01,commune:12345\n"
			_, body := xSend(t, h, xUpload(t, "f.csv", bad, false, "Authorization", "Bearer "+editor))
			var rep xReport
			if len(body.Errors) > 0 || json.Unmarshal(body.Data, &rep) != nil {
				t.Fatalf("body %+v", body)
			}
			r := rep.ImportInitiatives
			if r.OK || len(r.Errors) != 2 || r.Errors[0].Line != 2 || r.Errors[0].Column != "end_date" ||
				r.Errors[1].Code != "UNKNOWN_REFERENCE" || r.Errors[1].Column != "territories" {
				t.Errorf("report %+v", r)
			}
			if n := xCount(t, st); n != 1 {
				t.Errorf("%d initiatives after a refused file", n)
			}
		})
		t.Run("refused while writing rolls back", func(t *testing.T) {
			// Row 2 is written, then row 3 moves k-1's end before its stored start.
			file := "key,title,end_date\nk-4,Nouveau,\nk-1,Vélos,2023-01-01\n"
			_, body := xSend(t, h, xUpload(t, "f.csv", file, false, preflight...))
			if len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != "BAD_USER_INPUT" ||
				!strings.Contains(body.Errors[0].Message, "line 3") {
				t.Fatalf("body %+v", body)
			}
			if n := xCount(t, st); n != 1 {
				t.Errorf("%d initiatives: the written row was not rolled back", n)
			}
		})
		t.Run("import", func(t *testing.T) {
			_, body := xSend(t, h, xUpload(t, "f.csv", good, false, "Apollo-Require-Preflight", "1"))
			var rep xReport
			if len(body.Errors) > 0 || json.Unmarshal(body.Data, &rep) != nil || !rep.ImportInitiatives.OK {
				t.Fatalf("body %+v", body)
			}
			if n := xCount(t, st); n != 2 {
				t.Errorf("%d initiatives, want 2", n)
			}
		})
		t.Run("no preflight header", func(t *testing.T) {
			rec, body := xSend(t, h, xUpload(t, "f.csv", good, false))
			hCheck(t, rec, body, http.StatusUnsupportedMediaType, hJSON, "UNSUPPORTED_MEDIA_TYPE")
		})
		t.Run("over the size cap", func(t *testing.T) {
			huge := "key,title\n" + strings.Repeat("k-9,"+strings.Repeat("x", 100)+"\n", 100)
			rec, body := xSend(t, h, xUpload(t, "f.csv", huge, false, preflight...))
			hCheck(t, rec, body, http.StatusRequestEntityTooLarge, hJSON, "REQUEST_TOO_LARGE")
			if n := xCount(t, st); n != 2 {
				t.Errorf("%d initiatives after a refused upload", n)
			}
		})
		t.Run("map naming a missing part", func(t *testing.T) {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			_ = mw.WriteField("operations", `{"query": "mutation ($file: Upload!) { importActors(file: $file) { ok } }", "variables": {"file": null}}`)
			_ = mw.WriteField("map", `{"0": ["variables.file"]}`)
			_ = mw.Close()
			req := httptest.NewRequest(http.MethodPost, "/graphql", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("GraphQL-Require-Preflight", "1")
			rec, body := xSend(t, h, req)
			hCheck(t, rec, body, http.StatusBadRequest, hJSON, "BAD_REQUEST")
		})
	})
}

// TestExportEndpoint checks GET /export: formats, filters, and coded 400s.
func TestExportEndpoint(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		xFixture(t, st)
		h := hHandler(t, st, nil)
		get := func(query string) *httptest.ResponseRecorder {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export?"+query, nil))
			return rec
		}
		for _, tc := range []struct {
			query, media string
			want         []string
		}{
			{"type=initiatives", "text/csv; charset=utf-8", []string{"k-1,Vélos,,,,2024-01-01,,,commune:58001,mobilite,\n"}},
			{"type=initiatives&within=department:58&status=", "text/csv; charset=utf-8", []string{"k-1"}},
			{"type=actors&format=json&area=URBAN", "application/json", []string{`"siren": "356000000"`, `"territories": ["commune:58194"]`}},
			{"type=actors&format=jsonld&theme=mobilite", "application/ld+json", []string{`"@graph": [` + "\n]"}},
			{"type=initiatives&format=jsonld", "application/ld+json", []string{`"@type":"Project"`, `"https://schema.org/"`}},
		} {
			rec := get(tc.query)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != tc.media {
				t.Errorf("%s: status %d, type %q", tc.query, rec.Code, rec.Header().Get("Content-Type"))
			}
			for _, w := range tc.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("%s: body %q lacks %q", tc.query, rec.Body.String(), w)
				}
			}
			if strings.Contains(tc.media, "json") && !json.Valid(rec.Body.Bytes()) {
				t.Errorf("%s: invalid JSON %s", tc.query, rec.Body.String())
			}
		}
		if rec := get("type=initiatives&within=department:21"); strings.Count(rec.Body.String(), "\n") != 1 {
			t.Errorf("filtered export: %q", rec.Body.String())
		}
		for _, tc := range []struct{ query, field string }{
			{"type=people", "type"},
			{"type=actors&format=xml", "format"},
			{"type=actors&area=SUBURBAN", "area"},
			{"type=actors&within=commune:00000", "within"},
			{"type=initiatives&theme=nope", "theme"},
			{"type=actors&where={}", "where"},
			{"type=actors&type=initiatives", "type"},
			{"type=actors&kind=COMPANY&kind=ASSOCIATION", "kind"},
		} {
			rec := get(tc.query)
			var body hBody
			if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &body) != nil || len(body.Errors) != 1 ||
				body.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || body.Errors[0].Extensions["field"] != tc.field {
				t.Errorf("%s: status %d, body %s", tc.query, rec.Code, rec.Body.String())
			}
		}
	})
}

// TestImportWithoutUpload: a file sent as a JSON value, in the document or
// in a variable, is a coded input error that names no Go type.
func TestImportWithoutUpload(t *testing.T) {
	st := dbtest.SQLite(t)
	h := hHandler(t, st, nil)
	const mutation = `mutation($f: Upload!) { importActors(file: $f, dryRun: true) { ok } }`
	for _, tc := range []struct {
		name string
		req  hRequest
	}{
		{"text in the document", hPost(`mutation { importActors(file: "name,kind") { ok } }`)},
		{"object in a variable", aVars(mutation, map[string]any{"f": map[string]any{"a": 1}})},
		{"text in a variable", aVars(mutation, map[string]any{"f": "name,kind"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, body := tc.req.send(t, h)
			hCheck(t, rec, body, http.StatusOK, hJSON, "BAD_USER_INPUT")
			for _, leak := range []string{"map[", "interface {}", "is not an Upload"} {
				if strings.Contains(rec.Body.String(), leak) {
					t.Errorf("answer names a Go type (%q): %s", leak, rec.Body.String())
				}
			}
		})
	}
}

// TestLargeUploadRefreshesStatistics: after an import of
// exchange.AnalyzeAfterRows rows or more through GraphQL, SQLite's planner
// has statistics (sqlite_stat1) for the tables written; a dry run of the
// same file leaves them alone.
func TestLargeUploadRefreshesStatistics(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("key,title\n")
	for i := range exchange.AnalyzeAfterRows {
		fmt.Fprintf(&b, "k-%d,Initiative %d\n", i, i)
	}
	stats := func(st *store.Store) int {
		var n int
		if err := st.DB.QueryRow(`SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'initiatives'`).Scan(&n); err != nil {
			return 0 // no sqlite_stat1 table: no statistics at all
		}
		return n
	}
	for _, dry := range []bool{true, false} {
		st := dbtest.SQLite(t)
		h := hHandler(t, st, func(c *server.Config) { c.MaxUploadBytes = 1 << 20 })
		rec, body := xSend(t, h, xUpload(t, "f.csv", b.String(), dry, "GraphQL-Require-Preflight", "1"))
		var rep xReport
		if rec.Code != http.StatusOK || len(body.Errors) > 0 || json.Unmarshal(body.Data, &rep) != nil || rep.ImportInitiatives.Created != exchange.AnalyzeAfterRows {
			t.Fatalf("dry run %v: status %d, body %+v", dry, rec.Code, body)
		}
		if n := stats(st); (n > 0) == dry {
			t.Errorf("dry run %v: %d statistics rows for initiatives", dry, n)
		}
	}
}

// TestUploadOperationsTooLarge: a multipart request whose operations part is
// over -max-body-bytes is refused as a body over it is: 413.
func TestUploadOperationsTooLarge(t *testing.T) {
	t.Parallel()
	h := hHandler(t, dbtest.SQLite(t), func(c *server.Config) { c.MaxBodyBytes = 100 })
	req := xUpload(t, "a.csv", "name,kind\n", true, "GraphQL-Require-Preflight", "1") // its operations part is ~150 bytes
	rec, body := xSend(t, h, req)
	hCheck(t, rec, body, http.StatusRequestEntityTooLarge, hJSON, "REQUEST_TOO_LARGE")
}
