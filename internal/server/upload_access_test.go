package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
)

// countingReader counts the bytes the server read from a request body.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestUploadNeedsEditor: uploads only feed mutations, so a multipart request
// from a client that may not mutate (anonymous, READER) is refused with
// FORBIDDEN before its files are read: otherwise anyone could make the
// server hold -max-upload-bytes in memory per request, free of rate limit
// (refused requests spend nothing).
func TestUploadNeedsEditor(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	h := aHandler(st, func(c *server.Config) { c.MaxUploadBytes = 8 << 20 })
	_, reader := aKey(t, st, auth.Reader)
	_, editor := aKey(t, st, auth.Editor)
	file := "key,title\n" + strings.Repeat("k-1,"+strings.Repeat("x", 100)+"\n", 40000) // ~4 MiB
	for _, tc := range []struct {
		name   string
		header []string
		code   string
		read   func(n int) bool
	}{
		{"anonymous", []string{"GraphQL-Require-Preflight", "1"}, "FORBIDDEN", func(n int) bool { return n < 64<<10 }},
		{"READER key", []string{"Authorization", "Bearer " + reader}, "FORBIDDEN", func(n int) bool { return n < 64<<10 }},
		{"EDITOR key", []string{"Authorization", "Bearer " + editor}, "", func(n int) bool { return n >= len(file) }},
	} {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		ops, _ := json.Marshal(map[string]any{"query": importMutation, "variables": map[string]any{"file": nil, "dry": true}})
		_ = mw.WriteField("operations", string(ops))
		_ = mw.WriteField("map", `{"0": ["variables.file"]}`)
		fw, _ := mw.CreateFormFile("0", "f.csv")
		_, _ = fw.Write([]byte(file))
		_ = mw.Close()
		body := &countingReader{r: &b}
		req := httptest.NewRequest(http.MethodPost, "/graphql", body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set(tc.header[0], tc.header[1])
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var got hBody
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("%s: status %d, body %.200q", tc.name, rec.Code, rec.Body.String())
		}
		code := ""
		if len(got.Errors) > 0 {
			code, _ = got.Errors[0].Extensions["code"].(string)
		}
		if code != tc.code || !tc.read(body.n) {
			t.Errorf("%s: status %d, code %q, %d body bytes read; want code %q", tc.name, rec.Code, code, body.n, tc.code)
		}
	}
}
