package graph

import (
	"os"
	"regexp"
	"testing"
)

// The rewrites of graph/gqlgen.go, read in the generated file: a leaf read
// from a struct field calls its marshaller directly; any other field read
// from a struct field as a pointer or a slice (an edge's node, a
// connection's edges, a list) builds its own field context and calls its
// marshaller, after writing a nil as null at once when its marshaller would
// (a nullable type: no error, so no field context needed); what needs more (a union, a field with arguments or a
// resolver, a marshaller reporting errors through the context) still goes
// through graphql.ResolveField; every object is written by objectFields, and
// only Query dispatches its field set.
func TestGeneratedExecutionRewrites(t *testing.T) {
	src, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	const (
		direct    = "marshalled directly"
		inContext = "marshalled in its own field context"
		nilOrCtx  = "null if nil, else marshalled in its own field context"
		resolved  = "resolved by graphql.ResolveField"
	)
	how := func(fn string) string {
		re := regexp.MustCompile(`func \(ec \*executionContext\) ` + fn + `\([^\n]*\{\n\t(\S+ \S+)`)
		m := re.FindSubmatch(src)
		if m == nil {
			t.Fatalf("%s not found in generated.go", fn)
		}
		nilFirst := regexp.MustCompile(`func \(ec \*executionContext\) ` + fn + `\([^\n]*\{\n\tif obj\.\w+ == nil \{\n\t\treturn graphql\.Null\n\t\}\n\tmade, err`)
		switch first := string(m[1]); {
		case nilFirst.Match(src):
			return nilOrCtx
		case first == "return graphql.ResolveField(":
			return resolved
		case first == "made, err":
			return inContext
		case regexp.MustCompile(`^return ec\.marshal`).MatchString(first):
			return direct
		default:
			t.Fatalf("%s starts with %q", fn, first)
			return ""
		}
	}
	cases := []struct {
		field, want, why string
	}{
		{"_Theme_label", direct, "String! struct field"},
		{"_Initiative_status", direct, "optional enum"},
		{"_Initiative_startDate", direct, "optional time"},
		{"_Actor_id", direct, "ID"},
		{"_SearchEdge_node", resolved, "a union, an interface: ResolveField's nil checks apply to it"},
		{"_InitiativeEdge_node", nilOrCtx, "an optional object"},
		{"_InitiativeConnection_edges", nilOrCtx, "an optional list of objects"},
		{"_InitiativeStatsKey_theme", nilOrCtx, "an optional object, often nil"},
		{"_InitiativeConnection_pageInfo", resolved, "a struct value, neither pointer nor slice"},
		{"_NetworkEdge_kinds", inContext, "a list of enums"},
		{"_Initiative_actors", resolved, "arguments and a resolver"},
		{"_NetworkNode_betweenness", resolved, "a Float reports NaN through the context"},
	}
	for _, tc := range cases {
		if got := how(tc.field); got != tc.want {
			t.Errorf("%s (%s): %s, want %s", tc.field, tc.why, got, tc.want)
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
