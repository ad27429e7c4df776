package server_test

import (
	"context"
	"slices"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// TestQueryTextFilters checks that the generated text filters answer the
// same on both stores: the …Fold ones fold accented capitals too, the
// others are case-sensitive (SQLite's own lower() and LIKE fold ASCII only
// and ASCII always, PostgreSQL's ILIKE and LIKE do not).
func TestQueryTextFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for _, title := range []string{
			"Économie circulaire", "économie sociale", "ÉCOLE numérique", "Île-de-France solidaire",
			"Saint-Denis café", "saint-pierre", "SYNTH 1", "100% local",
		} {
			if err := st.Client.Initiative.Create().SetTitle(title).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		c := gqltest.New(st)
		tests := []struct {
			name  string
			where map[string]any
			want  []string
		}{
			{"containsFold, accented capital", map[string]any{"titleContainsFold": "ÉCONOMIE"},
				[]string{"Économie circulaire", "économie sociale"}},
			{"containsFold, accented small", map[string]any{"titleContainsFold": "île-de"},
				[]string{"Île-de-France solidaire"}},
			{"equalFold", map[string]any{"titleEqualFold": "école NUMÉRIQUE"}, []string{"ÉCOLE numérique"}},
			{"containsFold, ASCII", map[string]any{"titleContainsFold": "SAINT"}, []string{"Saint-Denis café", "saint-pierre"}},
			{"contains is case-sensitive", map[string]any{"titleContains": "saint"}, []string{"saint-pierre"}},
			{"contains, accented capital", map[string]any{"titleContains": "É"},
				[]string{"ÉCOLE numérique", "Économie circulaire"}},
			{"hasPrefix is case-sensitive", map[string]any{"titleHasPrefix": "Saint"}, []string{"Saint-Denis café"}},
			{"hasPrefix, small", map[string]any{"titleHasPrefix": "synth"}, nil},
			{"hasSuffix is case-sensitive", map[string]any{"titleHasSuffix": "SOLIDAIRE"}, nil},
			{"contains, LIKE wildcard taken literally", map[string]any{"titleContains": "100%"}, []string{"100% local"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var out struct {
					Initiatives struct {
						TotalCount int
						Edges      []struct{ Node struct{ Title string } }
					}
				}
				c.MustData(t, `query($w: InitiativeWhereInput) {
					initiatives(first: 20, where: $w) { totalCount edges { node { title } } }
				}`, map[string]any{"w": tt.where}, &out)
				var got []string
				for _, e := range out.Initiatives.Edges {
					got = append(got, e.Node.Title)
				}
				slices.Sort(got)
				want := slices.Sorted(slices.Values(tt.want))
				if !slices.Equal(got, want) || out.Initiatives.TotalCount != len(want) {
					t.Fatalf("where %v: %d %q, want %q", tt.where, out.Initiatives.TotalCount, got, want)
				}
			})
		}
	})
}
