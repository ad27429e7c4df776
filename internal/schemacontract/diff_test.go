package schemacontract

import (
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

const baseSDL = `
type Query { actor(id: ID!): Actor }
type Actor {
  name: String!
  website: String
  old: String @deprecated(reason: "use name")
  friends(first: Int = 10): [Actor!]
}
enum Kind { ASSOCIATION COOPERATIVE }
input ActorFilter { name: String, kind: Kind }
union Result = Actor
`

func TestDiff(t *testing.T) {
	tests := []struct {
		name    string
		from    string // replaced in baseSDL…
		to      string // …by this
		want    []string
		changes string // changelog's upcoming section
		refused bool
	}{
		{name: "identical"},
		{name: "description only", from: "type Actor {", to: "\"An actor.\" type Actor {"},
		{name: "field added", from: "name: String!", to: "name: String!\n  siren: String",
			want: []string{"addition: Actor.siren field added"}},
		{name: "type added", from: "enum Kind", to: "type Theme { slug: String! }\nenum Kind",
			want: []string{"addition: Theme type added"}},
		{name: "optional argument added", from: "actor(id: ID!)", to: "actor(id: ID!, lang: String)",
			want: []string{"addition: Query.actor(lang) optional argument added"}},
		{name: "required argument added", from: "actor(id: ID!)", to: "actor(id: ID!, lang: String!)",
			want: []string{"breaking: Query.actor(lang) required argument added"}, refused: true},
		{name: "required argument added, recorded", from: "actor(id: ID!)", to: "actor(id: ID!, lang: String!)",
			changes: "### Breaking\n- `Query.actor(lang)` is now required.\n",
			want:    []string{"breaking: Query.actor(lang) required argument added"}},
		{name: "argument made required", from: "first: Int = 10", to: "first: Int!",
			want: []string{"breaking: Actor.friends(first) type changed from Int to Int!"}, refused: true},
		{name: "default value removed", from: "first: Int = 10", to: "first: Int",
			want: []string{"dangerous: Actor.friends(first) default value changed from 10 to none"}, refused: true},
		{name: "field removed", from: "website: String\n", to: "",
			changes: "### Breaking\n- `Actor.website`\n",
			want:    []string{"breaking: Actor.website field removed (it was not @deprecated: deprecate first)"}, refused: true},
		{name: "deprecated field removed without changelog", from: "old: String @deprecated(reason: \"use name\")\n", to: "",
			want: []string{"breaking: Actor.old field removed"}, refused: true},
		{name: "deprecated field removed with changelog", from: "old: String @deprecated(reason: \"use name\")\n", to: "",
			changes: "### Breaking\n- `Actor.old`: removed, deprecated since 0.1.0.\n",
			want:    []string{"breaking: Actor.old field removed"}},
		{name: "deprecated field removed, named outside Breaking", from: "old: String @deprecated(reason: \"use name\")\n", to: "",
			changes: "### Added\n- `Actor.old`\n### Breaking\n- `Actor.older`\n",
			want:    []string{"breaking: Actor.old field removed"}, refused: true},
		{name: "field type changed", from: "website: String", to: "website: Int",
			want: []string{"breaking: Actor.website type changed from String to Int"}, refused: true},
		{name: "output made non-null", from: "website: String", to: "website: String!",
			want: nil},
		{name: "output made nullable", from: "name: String!", to: "name: String",
			want: []string{"breaking: Actor.name type changed from String! to String"}, refused: true},
		{name: "field deprecated", from: "website: String", to: "website: String @deprecated",
			want: []string{"addition: Actor.website deprecated"}},
		{name: "enum value added", from: "COOPERATIVE }", to: "COOPERATIVE NETWORK }",
			want: []string{"dangerous: Kind.NETWORK enum value added"}, refused: true},
		{name: "enum value added, recorded", from: "COOPERATIVE }", to: "COOPERATIVE NETWORK }",
			changes: "### Dangerous\n- `Kind.NETWORK`\n",
			want:    []string{"dangerous: Kind.NETWORK enum value added"}},
		{name: "enum value removed", from: "ASSOCIATION COOPERATIVE", to: "ASSOCIATION",
			want: []string{"breaking: Kind.COOPERATIVE enum value removed (it was not @deprecated: deprecate first)"}, refused: true},
		{name: "input field removed", from: "name: String, kind: Kind", to: "name: String",
			want: []string{"breaking: ActorFilter.kind input field removed (it was not @deprecated: deprecate first)"}, refused: true},
		{name: "required input field added", from: "kind: Kind }", to: "kind: Kind, area: String! }",
			want: []string{"breaking: ActorFilter.area required input field added"}, refused: true},
		{name: "optional input field added", from: "kind: Kind }", to: "kind: Kind, area: String }",
			want: []string{"addition: ActorFilter.area optional input field added"}},
		{name: "input made nullable", from: "actor(id: ID!)", to: "actor(id: ID)", want: nil},
		{name: "union member added", from: "= Actor", to: "= Actor | Query",
			want: []string{"dangerous: Result.Query union member added"}, refused: true},
		{name: "type removed", from: "input ActorFilter { name: String, kind: Kind }", to: "",
			changes: "### Breaking\n- `ActorFilter`\n",
			want:    []string{"breaking: ActorFilter type removed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.from != "" && !strings.Contains(baseSDL, tt.from) {
				t.Fatalf("%q not in the base SDL", tt.from)
			}
			old := mustLoad(t, baseSDL)
			new := mustLoad(t, strings.Replace(baseSDL, tt.from, tt.to, 1))
			var got []string
			for _, c := range Diff(old, new) {
				got = append(got, c.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Diff:\n got  %q\n want %q", got, tt.want)
			}
			v := Violations(Diff(old, new), ParseChangelog("## Unreleased\n"+tt.changes))
			if refused := len(v) > 0; refused != tt.refused {
				t.Errorf("refused = %v, want %v; violations: %q", refused, tt.refused, v)
			}
		})
	}
}

func TestPrintRoundTrips(t *testing.T) {
	schema := mustLoad(t, baseSDL)
	sdl := Print(schema)
	if again := Print(mustLoad(t, sdl)); again != sdl {
		t.Fatalf("printing the printed schema changed it:\n%s\n---\n%s", sdl, again)
	}
	if changes := Diff(schema, mustLoad(t, sdl)); len(changes) != 0 {
		t.Fatalf("the printed schema differs from its source: %v", changes)
	}
}

func TestParseChangelog(t *testing.T) {
	md := "# Changelog\n\n## Policy\n\n### Breaking\n- `Policy.text`\n\n" +
		"## Unreleased\n\n### Added\n- `A.b`\n\n### Breaking changes\n- `C.d`\n\n### Deprecated\n- `E.f`\n\n" +
		"## 0.1.0 — initial public schema\n\n### Breaking\n- `Old.one`\n"
	c := ParseChangelog(md)
	if c.Version != "Unreleased" {
		t.Errorf("Version = %q", c.Version)
	}
	for el, want := range map[string]bool{"C.d": true, "A.b": false, "E.f": false, "Policy.text": false, "Old.one": false} {
		if got := mentions(c.Breaking, el); got != want {
			t.Errorf("Breaking mentions %s = %v, want %v", el, got, want)
		}
	}
	if !mentions(c.All, "A.b") || mentions(c.All, "Old.one") {
		t.Errorf("All = %q", c.All)
	}
	if c := ParseChangelog("# Changelog\n\n## Policy\n"); c.Version != "" {
		t.Errorf("Version = %q without version section", c.Version)
	}
	// The changelog keeps a version template in a comment, above the versions.
	withTemplate := "## Policy\n\n<!--\nTemplate:\n\n## Unreleased\n\n### Breaking\n- `Type.field`\n-->\n\n" +
		"## Unreleased\n\n### Dangerous\n- `Q.f(a)`\n\n<!-- a note -->\n## 0.1.0\n"
	c = ParseChangelog(withTemplate)
	if c.Version != "Unreleased" || !mentions(c.All, "Q.f(a)") || mentions(c.All, "Type.field") || mentions(c.Breaking, "Type.field") {
		t.Errorf("with a commented template: Version %q, All %q, Breaking %q", c.Version, c.All, c.Breaking)
	}
}

func mustLoad(t *testing.T, sdl string) *ast.Schema {
	t.Helper()
	s, err := LoadSDL("test.graphql", sdl)
	if err != nil {
		t.Fatalf("%v\n%s", err, sdl)
	}
	return s
}
