package graph

import (
	"os"
	"regexp"
	"testing"
)

// TestReplacedTemplatesFollowTheirVersions: ent/template/edgeloads.tmpl and
// paginate.tmpl replace one upstream template each (ent's named-edges
// loading, entgql's Paginate body) with a copy that overlaps statements. A
// new version of ent or entgql may change what they replace, so the copies
// must be compared with its templates again before the version moves here.
func TestReplacedTemplatesFollowTheirVersions(t *testing.T) {
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for module, copiedFrom := range map[string]string{"entgo.io/ent": "v0.14.5", "entgo.io/contrib": "v0.7.0"} {
		m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(module) + ` (\S+)`).FindSubmatch(gomod)
		switch {
		case m == nil:
			t.Errorf("%s not required by go.mod", module)
		case string(m[1]) != copiedFrom:
			t.Errorf("go.mod requires %s %s, the templates of ent/template were copied from %s: compare them with its templates, then update this test",
				module, m[1], copiedFrom)
		}
	}
}
