package server_test

import (
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestMutationInputErrorsNameTheField checks that values refused by a field
// rule or taken by another object come back as BAD_USER_INPUT naming the
// input field, in the rule's words, without ent's or the database's, on
// both stores.
func TestMutationInputErrorsNameTheField(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		c := gqltest.New(st)
		for _, setup := range []string{
			`mutation { createTheme(input: {slug: "food", label: "Food"}) { id } }`,
			`mutation { createActor(input: {name: "Coop", kind: COOPERATIVE, siren: "552100554"}) { id } }`,
			`mutation { createInitiative(input: {title: "Market", sourceKey: "market-1"}) { id } }`,
		} {
			if r := c.Post(t, setup, nil); len(r.Errors) > 0 {
				t.Fatalf("%s: %v", setup, r.Errors)
			}
		}
		tests := []struct {
			name, mutation, field, message string
		}{
			{"a SIREN that fails its check", `mutation { createActor(input: {name: "A", kind: COMPANY, siren: "123456789"}) { id } }`,
				"siren", "invalid value for siren: "},
			{"an empty slug", `mutation { createTheme(input: {slug: "", label: "Empty"}) { id } }`,
				"slug", "invalid value for slug: "},
			{"an empty source key", `mutation { createInitiative(input: {title: "T", sourceKey: ""}) { id } }`,
				"sourceKey", "invalid value for sourceKey: "},
			{"a slug taken", `mutation { createTheme(input: {slug: "food", label: "Food again"}) { id } }`,
				"slug", "slug: this value is already taken"},
			{"a SIREN taken", `mutation { createActor(input: {name: "Other", kind: COMPANY, siren: "552100554"}) { id } }`,
				"siren", "siren: this value is already taken"},
			{"a source key taken", `mutation { createInitiative(input: {title: "Other", sourceKey: "market-1"}) { id } }`,
				"sourceKey", "sourceKey: this value is already taken"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				errs := c.MustFail(t, tt.mutation, nil, "BAD_USER_INPUT")
				e := errs[0]
				if f, _ := e.Extensions["field"].(string); f != tt.field {
					t.Errorf("extensions.field = %q, want %q", f, tt.field)
				}
				if !strings.HasPrefix(e.Message, tt.message) {
					t.Errorf("message %q, want it to start with %q", e.Message, tt.message)
				}
				for _, leak := range []string{"ent:", "validator failed", "constraint", "Actor.", "Theme.", "Initiative.", "duplicate key"} {
					if strings.Contains(e.Message, leak) {
						t.Errorf("message %q shows %q", e.Message, leak)
					}
				}
			})
		}
	})
}

// TestMutationChildAlreadyAttached: taking as a child a theme that another
// parent holds, or an unknown one, is refused in words that cover both (ent
// cannot tell them apart), not as a taken unique value.
func TestMutationChildAlreadyAttached(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		c := gqltest.New(st)
		create := func(slug string, parent any) string {
			var out struct{ CreateTheme struct{ ID string } }
			c.MustData(t, `mutation($s: String!, $p: ID) { createTheme(input: {slug: $s, label: $s, parentID: $p}) { id } }`,
				map[string]any{"s": slug, "p": parent}, &out)
			return out.CreateTheme.ID
		}
		first := create("first", nil)
		child := create("child", first)
		other := create("other", nil)
		for _, tc := range []struct{ name, child string }{
			{"held by another parent", child},
			{"unknown", "17179999999"},
		} {
			errs := c.MustFail(t, `mutation($o: ID!, $c: ID!) { updateTheme(id: $o, input: {addChildIDs: [$c]}) { id } }`,
				map[string]any{"o": other, "c": tc.child}, "BAD_USER_INPUT")
			if want := "an object given cannot be attached here: it does not exist"; !strings.HasPrefix(errs[0].Message, want) {
				t.Errorf("%s: message %q, want it to start with %q", tc.name, errs[0].Message, want)
			}
		}
	})
}
