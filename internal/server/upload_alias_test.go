package server_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

// TestUploadReadTwice: one file variable used by two fields of a mutation
// (a dry run, then the import) gives both the whole file, not the second
// an empty one because the first read it to its end.
func TestUploadReadTwice(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		xFixture(t, st)
		h := hHandler(t, st, nil)
		const file = "key,title\nk-7,Sept\nk-8,Huit\n"
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		ops, _ := json.Marshal(map[string]any{"query": `mutation ($f: Upload!) {
			check: importInitiatives(file: $f, dryRun: true) { ok rows }
			write: importInitiatives(file: $f) { ok rows created } }`, "variables": map[string]any{"f": nil}})
		_ = mw.WriteField("operations", string(ops))
		_ = mw.WriteField("map", `{"0": ["variables.f"]}`)
		fw, _ := mw.CreateFormFile("0", "f.csv")
		_, _ = fw.Write([]byte(file))
		_ = mw.Close()
		req := httptest.NewRequest(http.MethodPost, "/graphql", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("GraphQL-Require-Preflight", "1")
		_, body := xSend(t, h, req)
		var out struct {
			Check struct {
				OK   bool
				Rows int
			}
			Write struct {
				OK            bool
				Rows, Created int
			}
		}
		if len(body.Errors) > 0 || json.Unmarshal(body.Data, &out) != nil {
			t.Fatalf("body %+v", body)
		}
		if !out.Check.OK || out.Check.Rows != 2 || !out.Write.OK || out.Write.Rows != 2 || out.Write.Created != 2 {
			t.Errorf("check %+v, write %+v; want both to read the 2 rows", out.Check, out.Write)
		}
	})
}
