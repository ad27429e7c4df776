package graph

import (
	"os"
	"regexp"
	"testing"
)

// The rewrites of graph/gqlgen.go, read in the generated file: a leaf read
// from a struct field calls its marshaller directly; what needs its own field
// context (a union, a list, a field with arguments or a resolver, a
// marshaller reporting errors through the context) still goes through
// graphql.ResolveField; every object is written by objectFields, and only
// Query dispatches its field set.
func TestGeneratedExecutionRewrites(t *testing.T) {
	src, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	direct := func(fn string) bool {
		re := regexp.MustCompile(`func \(ec \*executionContext\) ` + fn + `\([^\n]*\{\n\treturn (\S+)`)
		m := re.FindSubmatch(src)
		if m == nil {
			t.Fatalf("%s not found in generated.go", fn)
		}
		return string(m[1]) != "graphql.ResolveField("
	}
	cases := []struct {
		field  string
		direct bool
		why    string
	}{
		{"_Theme_label", true, "String! struct field"},
		{"_Initiative_status", true, "optional enum"},
		{"_Initiative_startDate", true, "optional time"},
		{"_Actor_id", true, "ID"},
		{"_SearchEdge_node", false, "a union: its members' errors need the field's path"},
		{"_InitiativeEdge_node", false, "an object"},
		{"_Initiative_actors", false, "arguments and a resolver"},
		{"_NetworkNode_betweenness", false, "a Float reports NaN through the context"},
		{"_NetworkEdge_kinds", false, "a list"},
	}
	for _, tc := range cases {
		if got := direct(tc.field); got != tc.direct {
			t.Errorf("%s (%s): marshalled directly = %v, want %v", tc.field, tc.why, got, tc.direct)
		}
	}
	if n := len(regexp.MustCompile(`\n\treturn out\n\}`).FindAll(src, -1)); n != 0 {
		t.Errorf("%d object marshallers still return their graphql.FieldSet", n)
	}
	// Only Query's root fields run when the field set is dispatched.
	if n := len(regexp.MustCompile(`\tout\.Dispatch\(ctx\)\n`).FindAll(src, -1)); n != 1 {
		t.Errorf("%d object marshallers dispatch their field set, want 1 (Query)", n)
	}
}
