package bench

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/ent/theme"
	"github.com/essaim/essaim/internal/gqltest"
)

// BenchmarkStats measures the dashboard figures on the reference dataset,
// through the real GraphQL handler. Target (issue #4): a two-dimension
// initiativeStats over 50,000 initiatives, p95 < 50 ms on PostgreSQL.
//
//	ESSAIM_BENCH_DB=/tmp/essaim-bench.db go test ./bench -run '^$' -bench Stats -benchtime 30x
func BenchmarkStats(b *testing.B) {
	st := OpenDataset(b)
	c := gqltest.New(st)
	ctx := context.Background()
	nievre, err := st.Client.Territory.Query().
		Where(territory.KindEQ(territory.KindDEPARTMENT), territory.Code("58")).OnlyID(ctx)
	if err != nil {
		b.Fatal(err)
	}
	th, err := st.Client.Theme.Query().Where(theme.Slug("circuits-courts")).OnlyID(ctx)
	if err != nil {
		b.Fatal(err)
	}
	vars := map[string]any{"t": strconv.Itoa(nievre), "th": strconv.Itoa(th)}
	const keys = `total buckets { count keys { value } }`
	for _, bc := range []struct{ name, query string }{
		// The workload's operation (bench/workload/initiative_stats.graphql).
		{"initiatives/THEME_ROOT,TERRITORY_REGION", `{ initiativeStats(groupBy: [THEME_ROOT, TERRITORY_REGION]) {
			total buckets { count keys { dimension value theme { id label } territory { id code name } } } } }`},
		{"initiatives/TERRITORY_DEPARTMENT,AREA", `{ initiativeStats(groupBy: [TERRITORY_DEPARTMENT, AREA]) { ` + keys + ` } }`},
		{"initiatives/THEME,START_YEAR", `{ initiativeStats(groupBy: [THEME, START_YEAR]) { ` + keys + ` } }`},
		{"initiatives/within58/TERRITORY_EPCI,AREA", `query($t: ID) { initiativeStats(where: {withinTerritory: $t},
			groupBy: [TERRITORY_EPCI, AREA]) { ` + keys + ` } }`},
		{"actors/TERRITORY_DEPARTMENT,ACTOR_KIND", `{ actorStats(groupBy: [TERRITORY_DEPARTMENT, ACTOR_KIND]) { ` + keys + ` } }`},
		{"coverageGaps/COMMUNE,within58,theme", `query($t: ID, $th: ID) { coverageGaps(level: COMMUNE, within: $t, theme: $th,
			first: 100) { population territory { code } } }`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			v := vars
			if !strings.Contains(bc.query, "$t") {
				v = nil
			}
			measure(b, c, bc.query, func() map[string]any { return v })
		})
	}
}
