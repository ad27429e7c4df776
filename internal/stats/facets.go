package stats

import (
	"fmt"
	"slices"

	"entgo.io/ent/dialect"
)

// The initiative_facets table (hand-written PostgreSQL migration
// 20261127130000_initiative_facets) holds, per initiative and per dimension
// read from links, its distinct keys, or one null key for "none". Triggers keep
// it in step with every write, so a dimension's (initiative, key) pairs are an
// index-only scan of one range of its index, already in initiative order:
// the statement joins them by merging instead of building and hashing
// distinct pairs from the links at every call. SQLite has no such table and
// keeps the derived tables. Without a filter nor a key read from the row, the
// statement starts from the first facet group instead of the initiatives.

// FacetsTable is the name of the facet table (PostgreSQL only).
const FacetsTable = "initiative_facets"

// facetCodes are the dimension column values of the facet table.
var facetCodes = map[Dimension]int{
	Theme: 1, ThemeRoot: 2,
	TerritoryRegion: 3, TerritoryDepartement: 4, TerritoryEPCI: 5, TerritoryCommune: 6,
	Area: 7, DensityLevel: 8, Status: 9, StartYear: 10,
}

// facetGroup returns the facet-table group of dimension i, if the call can
// read it there: initiatives on PostgreSQL, and not THEME with THEME_ROOT,
// whose keys must come from one theme link (the table has them apart).
func facetGroup(dialectName string, s subject, dims []Dimension, i int) (group, bool) {
	code, ok := facetCodes[dims[i]]
	if !ok || dialectName != dialect.Postgres || !s.facets ||
		(dims[i].IsTheme() && slices.Contains(dims, Theme) && slices.Contains(dims, ThemeRoot)) {
		return group{}, false
	}
	col := "key"
	if !dims[i].IsInt() {
		col = "word" // enum values
	}
	// Every initiative has at least one row per dimension: an inner join.
	return group{cols: []int{i}, inner: true, sql: fmt.Sprintf(
		"SELECT initiative_id AS owner, %s AS k%d FROM %s WHERE dimension = %d::smallint", col, i, FacetsTable, code)}, true
}
