package server_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestWritesThatWouldBreakConsistency covers writes the API must refuse
// with BAD_USER_INPUT, leaving the data unchanged, on both stores: theme
// cycles built in one request, and a field both set and cleared.
func TestWritesThatWouldBreakConsistency(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c := gqltest.New(st)
		parent := st.Client.Theme.Create().SetSlug("parent").SetLabel("Parent").SaveX(ctx)
		child := st.Client.Theme.Create().SetSlug("child").SetLabel("Child").SetParent(parent).SaveX(ctx)
		ini := st.Client.Initiative.Create().SetTitle("Initiative").SaveX(ctx)
		id := func(n int) string { return strconv.Itoa(n) }
		cases := []struct {
			name, query string
			vars        map[string]any
			field       string
		}{
			{"create a theme between a child and its own parent",
				`mutation($p: ID!, $c: ID!) { createTheme(input: {slug: "loop", label: "Loop", parentID: $c, childIDs: [$p]}) { id } }`,
				map[string]any{"p": id(parent.ID), "c": id(child.ID)}, "childIDs"},
			{"update: parent and child swapped at once",
				`mutation($p: ID!, $c: ID!) { updateTheme(id: $p, input: {parentID: $c, addChildIDs: [$c]}) { id } }`,
				map[string]any{"p": id(parent.ID), "c": id(child.ID)}, "parentID"},
			{"update: a date both set and cleared",
				`mutation($i: ID!) { updateInitiative(id: $i, input: {clearStartDate: true, startDate: "2019-01-01"}) { id } }`,
				map[string]any{"i": id(ini.ID)}, "startDate"},
		}
		for _, tc := range cases {
			errs := c.MustFail(t, tc.query, tc.vars, "BAD_USER_INPUT")
			if f, _ := errs[0].Extensions["field"].(string); f != tc.field {
				t.Errorf("%s: field %q, want %q", tc.name, f, tc.field)
			}
		}
		if p := st.Client.Theme.GetX(ctx, parent.ID).QueryParent().ExistX(ctx); p {
			t.Error("the parent theme got a parent: a cycle was written")
		}
		if n := st.Client.Theme.Query().CountX(ctx); n != 2 {
			t.Errorf("%d themes, want 2", n)
		}
		if got := st.Client.Initiative.GetX(ctx, ini.ID); got.StartDate != nil {
			t.Errorf("start date %v, want none", got.StartDate)
		}
	})
}

// TestExecutedMutationKeepsData: a mutation that ran and failed answers with
// "data": null, which tells clients it ran (a request refused before running
// has no data entry).
func TestExecutedMutationKeepsData(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	c := gqltest.New(st)
	resp := c.Post(t, `mutation { deleteTheme(id: "999999") }`, nil)
	if len(resp.Errors) == 0 || string(resp.Data) != "null" {
		t.Errorf("data %q, errors %v: want data null and an error", resp.Data, resp.Errors)
	}
}
