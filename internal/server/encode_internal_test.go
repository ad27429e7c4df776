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

// encodeResponse writes the entries GraphQL over HTTP asks for, in its
// order, the data as gqlgen produced it.
func TestEncodeResponse(t *testing.T) {
	t.Parallel()
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
		{"nothing", graphql.Response{}, `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := encodeResponse(&tc.resp)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if !json.Valid(got) {
				t.Errorf("not JSON: %s", got)
			}
		})
	}
}

// writeResponse declares the length of what it writes, so that a large
// answer is not sent in chunks.
func TestWriteResponseLength(t *testing.T) {
	t.Parallel()
	resp := &graphql.Response{Data: json.RawMessage(`{"a":"` + strings.Repeat("x", 10000) + `"}`),
		Extensions: map[string]any{"cost": 2}}
	rec := httptest.NewRecorder()
	writeResponse(rec, mediaJSON, http.StatusOK, resp)
	want, err := encodeResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Body.String() != string(want) {
		t.Errorf("body %.80s…, want %.80s…", rec.Body.String(), want)
	}
	if got := rec.Header().Get("Content-Length"); got != strconv.Itoa(len(want)) {
		t.Errorf("Content-Length %q, want %d", got, len(want))
	}
}
