package server_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestQueryPagingAcrossZeroValues pages one territory at a time by
// population, where several have none: entgql's cursors leave a zero value
// out, and the page after a territory of population 0 skipped the rest
// (ascending) or started over (descending) until the pagers gave it back
// (ent/template/cursorzero.tmpl). Forwards and backwards, at the root and
// on a nested connection.
func TestQueryPagingAcrossZeroValues(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		dep, err := st.Client.Territory.Create().SetKind(territory.KindDEPARTMENT).SetCode("58").SetName("Nièvre").
			SetPopulation(100).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var communes []*ent.Territory
		for i, pop := range []int{0, 5, 0, 3, 0, 9, 0} {
			c, err := st.Client.Territory.Create().SetKind(territory.KindCOMMUNE).SetCode(fmt.Sprintf("580%02d", i+1)).
				SetName(fmt.Sprint("C", i)).SetPopulation(pop).AddContainedIn(dep).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			communes = append(communes, c)
		}
		order := func(desc bool) []string {
			s := slices.Clone(communes)
			slices.SortFunc(s, func(a, b *ent.Territory) int {
				c := cmp.Or(cmp.Compare(a.Population, b.Population), cmp.Compare(a.ID, b.ID))
				if desc {
					return -c
				}
				return c
			})
			var names []string
			for _, c := range s {
				names = append(names, c.Name)
			}
			return names
		}
		client := gqltest.New(st)
		const root = `query($after: Cursor, $before: Cursor, $first: Int, $last: Int, $dir: OrderDirection!) {
			territories(first: $first, after: $after, last: $last, before: $before, where: {kind: COMMUNE},
				orderBy: {field: POPULATION, direction: $dir}) { ...Page } }`
		const nested = `query($after: Cursor, $before: Cursor, $first: Int, $last: Int, $dir: OrderDirection!) {
			territories(first: 1, where: {kind: DEPARTMENT}) { edges { node {
				contains(first: $first, after: $after, last: $last, before: $before,
					orderBy: {field: POPULATION, direction: $dir}) { ...Page } } } } }`
		const page = ` fragment Page on TerritoryConnection {
			pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { name } } }`
		tests := []struct {
			name     string
			query    string
			desc     bool
			backward bool
		}{
			{"root, ascending, forwards", root, false, false},
			{"root, descending, forwards", root, true, false},
			{"root, ascending, backwards", root, false, true},
			{"root, descending, backwards", root, true, true},
			{"nested, ascending, forwards", nested, false, false},
			{"nested, descending, forwards", nested, true, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				dir := map[bool]string{false: "ASC", true: "DESC"}[tt.desc]
				var got []string
				var cursor any
				for range 2 * len(communes) {
					vars := map[string]any{"dir": dir, "first": 1, "after": cursor}
					if tt.backward {
						vars = map[string]any{"dir": dir, "last": 1, "before": cursor}
					}
					conn := zeroPage(t, client, tt.query+page, vars)
					for _, e := range conn.Edges {
						got = append(got, e.Node.Name)
					}
					more := conn.PageInfo.HasNextPage
					cursor = conn.PageInfo.EndCursor
					if tt.backward {
						more, cursor = conn.PageInfo.HasPreviousPage, conn.PageInfo.StartCursor
					}
					if !more {
						break
					}
				}
				want := order(tt.desc)
				if tt.backward {
					slices.Reverse(want)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("paged %q, want %q", got, want)
				}
			})
		}
	})
}

// zeroConn is a page of territories, each perhaps with a page of those it
// contains.
type zeroConn struct {
	PageInfo struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []struct {
		Node struct {
			Name     string
			Contains *zeroConn
		}
	}
}

// zeroPage returns the one connection paged: the root one, or the one
// nested in the root's only territory.
func zeroPage(t *testing.T, c *gqltest.Client, query string, vars map[string]any) zeroConn {
	t.Helper()
	var out struct{ Territories zeroConn }
	c.MustData(t, query, vars, &out)
	if edges := out.Territories.Edges; len(edges) == 1 && edges[0].Node.Contains != nil {
		return *edges[0].Node.Contains
	}
	return out.Territories
}
