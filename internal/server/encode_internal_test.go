package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// writeResponse writes the entries GraphQL over HTTP asks for, in its
// order, the data as gqlgen produced it, and declares their length so that a
// large answer is not sent in chunks.
func TestWriteResponse(t *testing.T) {
	t.Parallel()
	large := `{"a":"` + strings.Repeat("x", 10000) + `"}`
	tests := []struct {
		name string
		resp graphql.Response
		want string
	}{
		{"data", graphql.Response{Data: json.RawMessage(`{"node":{"id":"1","title":"a <b> & c"}}`)},
			`{"data":{"node":{"id":"1","title":"a <b> & c"}}}`},
		{"data null", graphql.Response{Data: json.RawMessage(`null`)}, `{"data":null}`},
		{"request error: no data entry", graphql.Response{Errors: gqlerror.List{{Message: "bad"}}},
			`{"errors":[{"message":"bad"}]}`},
		{"everything", graphql.Response{
			Errors:     gqlerror.List{{Message: "partial", Extensions: map[string]any{"code": "NOT_FOUND"}}},
			Data:       json.RawMessage(`{"a":null}`),
			Extensions: map[string]any{"cost": 3},
		}, `{"errors":[{"message":"partial","extensions":{"code":"NOT_FOUND"}}],"data":{"a":null},"extensions":{"cost":3}}`},
		{"data and extensions", graphql.Response{Data: json.RawMessage(`{}`), Extensions: map[string]any{"cost": 1}},
			`{"data":{},"extensions":{"cost":1}}`},
		{"large data", graphql.Response{Data: json.RawMessage(large), Extensions: map[string]any{"cost": 2}},
			`{"data":` + large + `,"extensions":{"cost":2}}`},
		{"nothing", graphql.Response{}, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			writeResponse(rec, mediaJSON, http.StatusOK, &tc.resp)
			got := rec.Body.String()
			if got != tc.want {
				t.Errorf("got  %.200s\nwant %.200s", got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("not JSON: %.200s", got)
			}
			if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(tc.want)) {
				t.Errorf("Content-Length %q, want %d", cl, len(tc.want))
			}
		})
	}
}
