package bench

import (
	"context"
	"strconv"
	"testing"

	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/ent/theme"
	"github.com/essaim/essaim/internal/gqltest"
)

// BenchmarkSearch measures search (issue #7) on the reference dataset,
// through the real GraphQL handler: a first page of 20 results with their
// names, and totalCount. Target: well under 50 ms.
//
//	ESSAIM_BENCH_DB=/tmp/essaim-bench.db go test ./bench -run '^$' -bench Search -benchtime 50x
func BenchmarkSearch(b *testing.B) {
	st := OpenDataset(b)
	c := gqltest.New(st)
	ctx := context.Background()
	th, err := st.Client.Theme.Query().Where(theme.Slug("circuits-courts")).Only(ctx)
	if err != nil {
		b.Fatal(err)
	}
	dep, err := st.Client.Territory.Query().Where(territory.KindEQ(territory.KindDEPARTMENT), territory.Code("21")).Only(ctx)
	if err != nil {
		b.Fatal(err)
	}
	const q = `query($q: String!, $types: [SearchType!], $area: Area, $within: ID, $theme: ID) {
		search(query: $q, types: $types, area: $area, withinTerritory: $within, theme: $theme, first: 20) {
			totalCount edges { type score node {
				... on Initiative { id title } ... on Actor { id name }
				... on Theme { id label } ... on Territory { id name } } } } }`
	for _, tc := range []struct {
		name string
		vars map[string]any
	}{
		{"rare", map[string]any{"q": "chalon"}},
		{"typing", map[string]any{"q": "repair caf"}},
		{"twoWords", map[string]any{"q": "épicerie solidaire"}},
		{"common", map[string]any{"q": "numerique"}},
		{"veryCommon", map[string]any{"q": "solidaire"}},
		// Half of the actors are "Association …".
		{"halfOfActors", map[string]any{"q": "association"}},
		{"filtered", map[string]any{"q": "circuits courts", "area": "RURAL", "within": strconv.Itoa(dep.ID)}},
		{"theme", map[string]any{"q": "association", "theme": strconv.Itoa(th.ID), "types": []string{"INITIATIVE", "ACTOR"}}},
		// Every initiative's title holds "synthétique": the worst case.
		{"everything", map[string]any{"q": "synthetique"}},
		// And every match checked against a filter: the slowest search.
		{"everythingFiltered", map[string]any{"q": "synthetique", "area": "RURAL"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var out struct{ Search struct{ TotalCount int } }
			c.MustData(b, q, tc.vars, &out)
			b.Logf("%d results", out.Search.TotalCount)
			measure(b, c, q, func() map[string]any { return tc.vars })
		})
	}
}

// BenchmarkSearchNested measures a search page whose nodes ask for their
// edges (themes, territories, actors of initiatives; home territory of
// actors): loaded for the whole page at once, not per node.
func BenchmarkSearchNested(b *testing.B) {
	st := OpenDataset(b)
	c := gqltest.New(st)
	const q = `{ search(query: "solidaire", first: 50) { totalCount edges { node {
		... on Initiative { id title themes(first: 5) { edges { node { label } } }
			territories { edges { node { name } } } actors { edges { node { name } } } }
		... on Actor { id name homeTerritory { name } }
		... on Theme { id label } ... on Territory { id name } } } } }`
	measure(b, c, q, func() map[string]any { return nil })
}
