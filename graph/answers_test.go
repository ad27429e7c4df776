package graph

import (
	"io"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// writes is an answer that writes its text as it is.
type writes string

func (w writes) MarshalGQL(out io.Writer) { _, _ = io.WriteString(out, string(w)) }

// TestMarshalAnswer: each answer comes back whole and as its own bytes (the
// scratch buffer goes on to the next answer, the response cache keeps the
// first), an empty one as nil (gqlgen's empty buffer), over the server's
// Resolver and over any other root.
func TestMarshalAnswer(t *testing.T) {
	large := `{"a":"` + strings.Repeat("x", largestKeptAnswer) + `"}`
	tests := []struct {
		name string
		root ResolverRoot
	}{
		{"server's resolver", &Resolver{}},
		{"other root", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			answers := []string{`{"dashboard":[1,2,3]}`, `{"node":null}`, large, `{"x":1}`, ""}
			var got [][]byte
			for _, a := range answers {
				got = append(got, marshalAnswer(tc.root, writes(a)))
			}
			for i, a := range answers {
				if string(got[i]) != a {
					t.Errorf("answer %d: got %.40q…, want %.40q…", i, got[i], a)
				}
			}
			if got[len(got)-1] != nil {
				t.Errorf("empty answer: got %q, want nil", got[len(got)-1])
			}
			var _ graphql.Marshaler = writes("")
		})
	}
}
