package server_test

import (
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestMutationTextIsTrimmedAndNULRefused: texts are stored without their
// surrounding spaces, as imports read them, so that an export imported
// again finds the same objects; a NUL character is refused on both stores.
func TestMutationTextIsTrimmedAndNULRefused(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		c := gqltest.New(st)
		var made struct {
			CreateActor struct {
				ID, Name    string
				Description *string
			}
		}
		c.MustData(t, `mutation { createActor(input: {name: "  Coop Nevers\t", kind: COOPERATIVE, description: "\n Épicerie \n"}) {
			id name description } }`, nil, &made)
		if made.CreateActor.Name != "Coop Nevers" || made.CreateActor.Description == nil || *made.CreateActor.Description != "Épicerie" {
			t.Errorf("created %q / %v, want the texts trimmed", made.CreateActor.Name, made.CreateActor.Description)
		}
		var updated struct{ UpdateActor struct{ Name string } }
		c.MustData(t, `mutation($id: ID!) { updateActor(id: $id, input: {name: " Coop de Nevers "}) { name } }`,
			map[string]any{"id": made.CreateActor.ID}, &updated)
		if updated.UpdateActor.Name != "Coop de Nevers" {
			t.Errorf("updated name %q, want it trimmed", updated.UpdateActor.Name)
		}
		refused := []struct{ name, mutation, field string }{
			{"a NUL in a name", `mutation { createActor(input: {name: "Nul\u0000Name", kind: OTHER}) { id } }`, "name"},
			{"a NUL in a description", `mutation { createTheme(input: {slug: "s", label: "S", description: "a\u0000b"}) { id } }`, "description"},
			{"a name of spaces only", `mutation { createActor(input: {name: "   ", kind: OTHER}) { id } }`, "name"},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				errs := c.MustFail(t, tt.mutation, nil, "BAD_USER_INPUT")
				if f, _ := errs[0].Extensions["field"].(string); f != tt.field {
					t.Errorf("extensions.field = %q, want %q (%s)", f, tt.field, errs[0].Message)
				}
			})
		}
		if n := st.Client.Actor.Query().CountX(t.Context()); n != 1 {
			t.Errorf("%d actors, want the one created", n)
		}
	})
}
