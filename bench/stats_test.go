package bench

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/ent/theme"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/server"
)

// BenchmarkStats measures the dashboard figures on the reference dataset,
// through the real GraphQL handler. Target (issue #4): a two-dimension
// initiativeStats over 50,000 initiatives, p95 < 50 ms on PostgreSQL.
//
//	ESSAIM_BENCH_DB=/tmp/essaim-bench.db go test ./bench -run '^$' -bench Stats -benchtime 30x
func BenchmarkStats(b *testing.B) {
	st := OpenDataset(b)
	// "sql": every request runs the grouped statement (cache off);
	// "cached": the default server, whose stats cache serves a query again
	// until the next write.
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := gqltest.Config() // no rate limit: one client sends every request
	cfg.StatsCacheSize = 0
	clients := []struct {
		name string
		c    *gqltest.Client
	}{
		{"sql", &gqltest.Client{Handler: server.Handler(cfg, st, log), Store: st}},
		{"cached", gqltest.New(st)},
	}
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
		v := vars
		if !strings.Contains(bc.query, "$t") {
			v = nil
		}
		for _, c := range clients {
			if c.name == "cached" && strings.HasPrefix(bc.name, "coverageGaps") {
				continue // not cached
			}
			b.Run(bc.name+"/"+c.name, func(b *testing.B) {
				c.c.Post(b, bc.query, v) // unmeasured: fills the cache
				measure(b, c.c, bc.query, func() map[string]any { return v })
			})
		}
	}
}
