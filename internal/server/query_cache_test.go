package server_test

import (
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
)

// TestPersistedQueriesKeepSmallDocuments: automatic persisted queries keep
// documents of real size only. Registering one costs nothing (it is stored
// before validation, and refused requests spend no rate limit), so with 64
// KiB documents 1,000 registrations would pin 64 MB; a large document still
// runs when sent in full, it is only not kept.
func TestPersistedQueriesKeepSmallDocuments(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	h := hHandler(t, st, nil)
	small := `{ __typename }`
	large := "{ __typename }\n#" + strings.Repeat("x", 20<<10)
	for _, tc := range []struct {
		name, query string
		kept        bool
	}{
		{"small document", small, true},
		{"large document", large, false},
		{"large invalid document", "{ nope }\n#" + strings.Repeat("y", 20<<10), false},
	} {
		hash := server.DocumentHash(tc.query)
		persisted(tc.query, hash).send(t, h) // registers it
		_, body := persisted("", hash).send(t, h)
		code := ""
		if len(body.Errors) > 0 {
			code, _ = body.Errors[0].Extensions["code"].(string)
		}
		if kept := code != "PERSISTED_QUERY_NOT_FOUND"; kept != tc.kept {
			t.Errorf("%s: by hash alone, code %q; want kept=%v", tc.name, code, tc.kept)
		}
	}
	// A large document runs when sent in full.
	if _, body := hPost(large).send(t, h); len(body.Errors) > 0 || !strings.Contains(string(body.Data), "Query") {
		t.Errorf("large document: %+v", body)
	}
}
