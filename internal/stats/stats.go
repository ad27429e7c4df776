// Package stats computes the figures of dashboards: counts of initiatives and
// actors grouped by dimensions (themes, territories, area, status…) and the
// territories an initiative theme does not reach (coverage gaps).
//
// Every figure is computed in SQL, in one statement, on both stores: the
// caller's filter becomes the subquery of the matching ids (with the
// single-valued keys of the row: status, start year, actor kind), each other
// dimension a derived table of distinct (id, key) pairs left-joined to it,
// and the counts are COUNT(*) grouped by the keys. Nothing is loaded row by
// row. Territory levels come from the precomputed territory_ancestors table
// (package territory); on PostgreSQL the initiatives' keys come from the
// initiative_facets table instead of the links (facets.go); and a Cache can
// keep results until the next write.
//
// Counting rules:
//
//   - a bucket counts the distinct initiatives (actors) that have every one
//     of its key values, so an initiative in two départements counts once in
//     each, and the buckets of a dimension may add up to more than the total;
//   - a null key means "none": an initiative without a theme, status or start
//     date, or with no territory of the level or of a known area, falls in the
//     bucket whose key is null, so every matching initiative is in at least
//     one bucket of each dimension;
//   - dimensions are independent (a bucket with a département and an area
//     counts the initiatives that would match {withinTerritory, area}), except
//     within a family read from one link: THEME with THEME_ROOT (the same
//     theme and its root) and, for initiatives, ACTOR_KIND with ROLE (the
//     kind of the actor taking that role);
//   - TERRITORY_<LEVEL> keys are the territories of that level that a
//     territory of the initiative (actor: home or of action) is or lies in,
//     walking up the containment graph without passing through an EPCI, as
//     withinTerritory does.
package stats

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/predicate"
	"github.com/essaim/essaim/internal/apierr"
)

// Dimension is what counts are grouped by.
type Dimension string

const (
	Theme                Dimension = "THEME"
	ThemeRoot            Dimension = "THEME_ROOT"
	TerritoryRegion      Dimension = "TERRITORY_REGION"
	TerritoryDepartement Dimension = "TERRITORY_DEPARTMENT"
	TerritoryEPCI        Dimension = "TERRITORY_EPCI"
	TerritoryCommune     Dimension = "TERRITORY_COMMUNE"
	Area                 Dimension = "AREA"
	DensityLevel         Dimension = "DENSITY_LEVEL"
	Status               Dimension = "STATUS"
	ActorKind            Dimension = "ACTOR_KIND"
	Role                 Dimension = "ROLE"
	StartYear            Dimension = "START_YEAR"
)

// MaxDimensions is the most dimensions one call may group by.
const MaxDimensions = 3

// Level is the territory kind of a TERRITORY_* dimension, or "".
func (d Dimension) Level() string {
	switch d {
	case TerritoryRegion:
		return "REGION"
	case TerritoryDepartement:
		return "DEPARTMENT"
	case TerritoryEPCI:
		return "EPCI"
	case TerritoryCommune:
		return "COMMUNE"
	}
	return ""
}

// IsTheme says whether the keys are theme IDs.
func (d Dimension) IsTheme() bool { return d == Theme || d == ThemeRoot }

// IsTerritory says whether the keys are territory IDs.
func (d Dimension) IsTerritory() bool { return d.Level() != "" }

// IsInt says whether the keys are integers (IDs, density levels, years).
func (d Dimension) IsInt() bool {
	return d.IsTheme() || d.IsTerritory() || d == DensityLevel || d == StartYear
}

// Key is one key value of a bucket: Valid is false for the "none" bucket;
// Int holds IDs, density levels and years, Str enum values.
type Key struct {
	Valid bool
	Int   int
	Str   string
}

// Bucket is a combination of key values (one per dimension, in the order of
// the call) and the number of distinct subjects having them.
type Bucket struct {
	Keys  []Key
	Count int
}

// Result holds the buckets, largest first, and the number of distinct
// subjects matching the filter.
type Result struct {
	Dimensions []Dimension
	Total      int
	Buckets    []Bucket
}

// subject describes what is counted.
type subject struct {
	name, table string
	// themeLinks and territoryLinks select (owner, theme) and (owner, territory).
	themeLinks, territoryLinks string
	dims                       []Dimension
	// facets: the keys read from links are in initiative_facets (PostgreSQL).
	facets bool
}

var initiatives = subject{
	name: "initiatives", table: "initiatives", facets: true,
	themeLinks:     "SELECT initiative_id AS owner, theme_id AS theme FROM initiative_themes",
	territoryLinks: "SELECT initiative_id AS owner, territory_id AS territory FROM initiative_territories",
	dims: []Dimension{Theme, ThemeRoot, TerritoryRegion, TerritoryDepartement, TerritoryEPCI, TerritoryCommune,
		Area, DensityLevel, Status, ActorKind, Role, StartYear},
}

var actors = subject{
	name: "actors", table: "actors",
	themeLinks: "SELECT actor_id AS owner, theme_id AS theme FROM actor_themes",
	// Home and territories of action, as the area and withinTerritory filters.
	territoryLinks: "SELECT id AS owner, actor_home_territory AS territory FROM actors WHERE actor_home_territory IS NOT NULL" +
		" UNION SELECT actor_id, territory_id FROM actor_territories",
	dims: []Dimension{Theme, ThemeRoot, TerritoryRegion, TerritoryDepartement, TerritoryEPCI, TerritoryCommune,
		Area, DensityLevel, ActorKind, Role},
}

// DefaultMaxBuckets is the bucket cap when Options.MaxBuckets is 0.
const DefaultMaxBuckets = 10000

// Options are the server's settings for the figures.
type Options struct {
	// MaxBuckets is the most buckets one call may return (0:
	// DefaultMaxBuckets); a grouping giving more is refused with
	// BAD_USER_INPUT rather than truncated, so no dashboard shows partial
	// figures as if they were whole.
	MaxBuckets int
	// Cache, when set, serves a query again without SQL until the graph
	// version moves. Results it returns are shared: callers only read them.
	Cache *Cache
}

// BucketCap is the most buckets one call may return: MaxBuckets, or
// DefaultMaxBuckets when it is 0.
func (o Options) BucketCap() int {
	if o.MaxBuckets > 0 {
		return o.MaxBuckets
	}
	return DefaultMaxBuckets
}

// Initiatives counts the initiatives matching where (nil: all) grouped by dims.
func Initiatives(ctx context.Context, client *ent.Client, dialectName string, opts Options, where predicate.Initiative, dims []Dimension) (*Result, error) {
	var p func(*entsql.Selector)
	if where != nil {
		p = where
	}
	return run(ctx, client, dialectName, opts, initiatives, p, dims)
}

// Actors counts the actors matching where (nil: all) grouped by dims.
func Actors(ctx context.Context, client *ent.Client, dialectName string, opts Options, where predicate.Actor, dims []Dimension) (*Result, error) {
	var p func(*entsql.Selector)
	if where != nil {
		p = where
	}
	return run(ctx, client, dialectName, opts, actors, p, dims)
}

// validate checks a groupBy list for the subject: 1 to MaxDimensions
// dimensions that apply to it, none twice.
func validate(s subject, dims []Dimension) error {
	if len(dims) == 0 || len(dims) > MaxDimensions {
		return apierr.BadInput("groupBy", "groupBy must list between 1 and %d dimensions, got %d", MaxDimensions, len(dims))
	}
	for i, d := range dims {
		if !slices.Contains(s.dims, d) {
			return apierr.BadInput("groupBy", "groupBy: %s does not apply to %s", d, s.name)
		}
		if slices.Contains(dims[:i], d) {
			return apierr.BadInput("groupBy", "groupBy: %s is listed twice", d)
		}
	}
	return nil
}

// restrict wraps a links query in format (a filter on its owners), if any.
func restrict(format, links string) string {
	if format == "" {
		return links
	}
	return fmt.Sprintf(format, links)
}

// column returns the expression of a single-valued key read from the
// subject's own row (NULL for none), or "" for a dimension read from links.
// col qualifies a column of the subject's table.
func column(dialectName string, s subject, d Dimension, col func(string) string) string {
	switch {
	case d == Status:
		return col("status")
	case d == StartYear && dialectName == dialect.Postgres:
		return "CAST(EXTRACT(YEAR FROM " + col("start_date") + " AT TIME ZONE 'UTC') AS INTEGER)"
	case d == StartYear:
		return "CAST(strftime('%Y', " + col("start_date") + ") AS INTEGER)"
	case d == ActorKind && s.table == "actors":
		return col("kind")
	}
	return ""
}

// group is a derived table of (owner, key columns) joined to the matching ids.
type group struct {
	sql  string
	cols []int // indexes in dims of the keys it provides
	// inner: every subject has a row (facets), so no outer join is needed.
	inner bool
}

func run(ctx context.Context, client *ent.Client, dialectName string, opts Options, s subject, where func(*entsql.Selector), dims []Dimension) (*Result, error) {
	if err := validate(s, dims); err != nil {
		return nil, err
	}
	q, args := statement(dialectName, s, where, dims)
	return opts.Cache.cached(ctx, client, q, args, func() (*Result, error) {
		return query(ctx, client, opts, s, dims, q, args)
	})
}

// query runs the grouping statement and reads its buckets.
func query(ctx context.Context, client *ent.Client, opts Options, s subject, dims []Dimension, q string, args []any) (*Result, error) {
	rows, err := client.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("stats %s: %w", s.name, err)
	}
	defer rows.Close()
	res := &Result{Dimensions: dims, Buckets: []Bucket{}}
	for rows.Next() {
		var isTotal, count int64
		ints := make([]sql.NullInt64, len(dims))
		strs := make([]sql.NullString, len(dims))
		dest := []any{&isTotal}
		for i, d := range dims {
			if d.IsInt() {
				dest = append(dest, &ints[i])
			} else {
				dest = append(dest, &strs[i])
			}
		}
		dest = append(dest, &count)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("stats %s: read: %w", s.name, err)
		}
		if isTotal == 1 {
			res.Total = int(count)
			continue
		}
		b := Bucket{Count: int(count), Keys: make([]Key, len(dims))}
		for i, d := range dims {
			if d.IsInt() {
				b.Keys[i] = Key{Valid: ints[i].Valid, Int: int(ints[i].Int64)}
			} else {
				b.Keys[i] = Key{Valid: strs[i].Valid, Str: strs[i].String}
			}
		}
		if len(res.Buckets) == opts.BucketCap() {
			return nil, apierr.BadInput("groupBy", "this grouping gives more than %d buckets;"+
				" group by fewer or coarser dimensions, or narrow where", opts.BucketCap())
		}
		res.Buckets = append(res.Buckets, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("stats %s: read: %w", s.name, err)
	}
	// Presentation order only: largest first, then keys ascending, "none" last.
	slices.SortStableFunc(res.Buckets, func(a, b Bucket) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		for i := range a.Keys {
			if c := compareKey(a.Keys[i], b.Keys[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	return res, nil
}

func compareKey(a, b Key) int {
	switch {
	case a.Valid != b.Valid:
		if a.Valid {
			return -1
		}
		return 1
	case a.Int != b.Int:
		return a.Int - b.Int
	}
	return strings.Compare(a.Str, b.Str)
}

// statement writes the one grouping statement of a call.
func statement(dialectName string, s subject, where func(*entsql.Selector), dims []Dimension) (string, []any) {
	b := &entsql.Builder{}
	b.SetDialect(dialectName)
	// Links are read only for the dimensions the facet table does not give.
	has := func(f func(Dimension) bool) bool {
		for i, d := range dims {
			if _, faceted := facetGroup(dialectName, s, dims, i); f(d) && !faceted {
				return true
			}
		}
		return false
	}
	territoryDims := has(func(d Dimension) bool { return d.IsTerritory() || d == Area || d == DensityLevel })

	// The matching ids: the same predicates as the lists, generated and
	// hand-written, with the single-valued keys read from the same row.
	t := entsql.Table(s.table)
	sel := entsql.Dialect(dialectName).Select(t.C("id")).From(t)
	cte := []string{"id"}
	keyCols := make([]string, len(dims))
	for i, d := range dims {
		if _, faceted := facetGroup(dialectName, s, dims, i); faceted {
			continue
		}
		if expr := column(dialectName, s, d, t.C); expr != "" {
			k := fmt.Sprintf("k%d", i)
			sel.AppendSelectExprAs(entsql.Expr(expr), k)
			cte = append(cte, k)
			keyCols[i] = "base." + k
		}
	}
	if where != nil {
		where(sel)
	}
	// NOT MATERIALIZED (both stores): the CTEs are named for reading only;
	// inlined, the planner knows ids are unique and estimates the joins
	// (materialized, PostgreSQL guessed billions of rows and sorted).
	b.WriteString("WITH RECURSIVE base(" + strings.Join(cte, ", ") + ") AS NOT MATERIALIZED (").Join(sel).WriteString(")")
	// With a filter, the links are read for the matching subjects only.
	only := ""
	if where != nil {
		only = "SELECT * FROM (%s) x WHERE x.owner IN (SELECT id FROM base)"
	}
	if territoryDims {
		b.WriteString(", tl(owner, territory) AS NOT MATERIALIZED (" + restrict(only, s.territoryLinks) + ")")
	}
	if has(Dimension.IsTheme) {
		b.WriteString(", thl(owner, theme) AS NOT MATERIALIZED (" + restrict(only, s.themeLinks) + ")")
	}
	if has(func(d Dimension) bool { return d == ThemeRoot }) {
		b.WriteString(", theme_roots(id, root) AS (SELECT id, id FROM themes WHERE theme_children IS NULL" +
			" UNION SELECT t.id, r.root FROM themes t JOIN theme_roots r ON t.theme_children = r.id)")
	}

	groups := groups(dialectName, s, dims)
	for gi, g := range groups {
		for _, i := range g.cols {
			keyCols[i] = fmt.Sprintf("g%d.k%d", gi, i)
		}
	}
	// Each derived table has distinct (owner, keys) rows and base distinct
	// ids, so a joined row is one subject in one bucket: COUNT(*) counts
	// distinct subjects, and lets PostgreSQL aggregate by hashing.
	b.WriteString(" SELECT 0, " + strings.Join(keyCols, ", ") + ", COUNT(*) FROM ")
	// Every subject has a row in an inner group (facets): with nothing to
	// read from base, the first such group stands for it.
	from, owner := "base", "base.id"
	if where == nil && len(cte) == 1 && len(groups) > 0 && groups[0].inner {
		from, owner = "", "g0.owner"
	}
	b.WriteString(from)
	for gi, g := range groups {
		join := " LEFT JOIN"
		if g.inner {
			join = " JOIN"
		}
		if gi == 0 && from == "" {
			b.WriteString(fmt.Sprintf("(%s) g0", g.sql))
			continue
		}
		b.WriteString(fmt.Sprintf("%s (%s) g%d ON g%d.owner = %s", join, g.sql, gi, gi, owner))
	}
	b.WriteString(" GROUP BY " + strings.Join(keyCols, ", "))
	b.WriteString(" UNION ALL SELECT 1")
	for range dims {
		b.WriteString(", NULL")
	}
	b.WriteString(", COUNT(*) FROM base")
	return b.Query()
}

// groups returns the derived tables of dims; dimensions of one family read
// from one link share a table, so their keys stay correlated.
func groups(dialectName string, s subject, dims []Dimension) []group {
	var out []group
	idx := func(d Dimension) int { return slices.Index(dims, d) }
	k := func(d Dimension) string { return fmt.Sprintf("k%d", idx(d)) }
	faceted := make([]bool, len(dims))
	for i := range dims {
		if g, ok := facetGroup(dialectName, s, dims, i); ok {
			out = append(out, g)
			faceted[i] = true
		}
	}
	fromFacets := func(d Dimension) bool { i := idx(d); return i >= 0 && faceted[i] }

	if i, j := idx(Theme), idx(ThemeRoot); (i >= 0 || j >= 0) && !fromFacets(Theme) && !fromFacets(ThemeRoot) {
		g := group{}
		cols := []string{"thl.owner"}
		from := " FROM thl"
		if i >= 0 {
			cols = append(cols, "thl.theme AS "+k(Theme))
			g.cols = append(g.cols, i)
		}
		if j >= 0 {
			cols = append(cols, "r.root AS "+k(ThemeRoot))
			from += " JOIN theme_roots r ON r.id = thl.theme"
			g.cols = append(g.cols, j)
		}
		distinct := "DISTINCT "
		if j < 0 {
			distinct = "" // (owner, theme) is the key of the link table
		}
		g.sql = "SELECT " + distinct + strings.Join(cols, ", ") + from
		out = append(out, g)
	}
	for i, d := range dims {
		if lvl := d.Level(); lvl != "" && !faceted[i] {
			// The level is a constant of this package, never client text.
			// territory_ancestors holds each territory with everything
			// containing it, never stepping up from an EPCI other than itself.
			out = append(out, group{cols: []int{i}, sql: "SELECT DISTINCT tl.owner, ta.ancestor_id AS " + k(d) +
				" FROM tl JOIN territory_ancestors ta ON ta.territory_id = tl.territory WHERE ta.ancestor_kind = '" + lvl + "'"})
		}
	}
	if i := idx(Area); i >= 0 && !faceted[i] {
		out = append(out, group{cols: []int{i}, sql: "SELECT DISTINCT tl.owner, t.area AS " + k(Area) +
			" FROM tl JOIN territories t ON t.id = tl.territory WHERE t.area IS NOT NULL"})
	}
	if i := idx(DensityLevel); i >= 0 && !faceted[i] {
		out = append(out, group{cols: []int{i}, sql: "SELECT DISTINCT tl.owner, t.density_level AS " + k(DensityLevel) +
			" FROM tl JOIN territories t ON t.id = tl.territory WHERE t.density_level IS NOT NULL"})
	}
	ik, ir := idx(ActorKind), idx(Role)
	switch {
	case s.table == "actors":
		if ir >= 0 {
			out = append(out, group{cols: []int{ir}, sql: "SELECT DISTINCT actor_id AS owner, role AS " + k(Role) + " FROM participations"})
		}
	case ik >= 0 || ir >= 0:
		g := group{}
		cols := []string{"p.initiative_id AS owner"}
		from := " FROM participations p"
		if ik >= 0 {
			cols = append(cols, "a.kind AS "+k(ActorKind))
			from += " JOIN actors a ON a.id = p.actor_id"
			g.cols = append(g.cols, ik)
		}
		if ir >= 0 {
			cols = append(cols, "p.role AS "+k(Role))
			g.cols = append(g.cols, ir)
		}
		g.sql = "SELECT DISTINCT " + strings.Join(cols, ", ") + from
		out = append(out, g)
	}
	return out
}
