package search

import (
	entsql "entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/internal/catalog"
	places "github.com/essaim/essaim/internal/territory"
)

// A boost is a score for the rows whose column matches the whole query.
type boost struct {
	score float64
	// column is the FTS5 column on SQLite; weight the weight of that column
	// in the stored document on PostgreSQL (see essaim_search_document).
	column string
	weight string
}

// Scores: a match in the name or title, in the summary, elsewhere (the
// description, or words spread over several columns).
const (
	nameScore    = 3
	summaryScore = 2
	otherScore   = 1
)

// subject is how one type is searched.
type subject struct {
	typ   Type
	table string
	// base is the score of a match; boosts raise it when a single column
	// matches the whole query (the name or title, then the summary).
	base   float64
	boosts []boost
	// filterReadsRow tells that the filter reads columns of the table other
	// than the id (the home territory of actors).
	filterReadsRow bool
	// filter gives the predicate of f, or false when the type cannot match f.
	filter func(f Filter) (func(*entsql.Selector), bool)
}

var subjects = []subject{
	{
		typ: Initiative, table: "initiatives",
		base: otherScore,
		boosts: []boost{
			{nameScore, "title", "A"},
			{summaryScore, "summary", "B"},
		},
		filter: func(f Filter) (func(*entsql.Selector), bool) {
			return linked(f, func(set places.Set) func(*entsql.Selector) { return places.Initiatives(set) },
				"initiative_themes", "initiative_id"), true
		},
	},
	{
		typ: Actor, table: "actors",
		base:           otherScore,
		boosts:         []boost{{nameScore, "name", "A"}},
		filterReadsRow: true,
		filter: func(f Filter) (func(*entsql.Selector), bool) {
			return linked(f, func(set places.Set) func(*entsql.Selector) { return places.Actors(set) },
				"actor_themes", "actor_id"), true
		},
	},
	{
		typ: Theme, table: "themes",
		base:   otherScore,
		boosts: []boost{{nameScore, "label", "A"}},
		filter: func(f Filter) (func(*entsql.Selector), bool) {
			if f.Area != nil || f.Within != nil {
				return nil, false
			}
			if f.Theme == nil {
				return nil, true
			}
			return idIn(func(b *entsql.Builder) { themeSubtree(b, *f.Theme) }), true
		},
	},
	{
		typ: Territory, table: "territories",
		base: nameScore, // the name is all there is
		filter: func(f Filter) (func(*entsql.Selector), bool) {
			if f.Theme != nil {
				return nil, false
			}
			var ps []func(*entsql.Selector)
			if f.Area != nil {
				ps = append(ps, places.Territories(places.InArea(*f.Area)))
			}
			if f.Within != nil {
				ps = append(ps, places.Territories(places.Within(*f.Within)))
			}
			return all(ps), true
		},
	},
}

// linked is the filter of a type tied to territories (through the places
// predicate of a set) and to themes (through the join table themes/column).
func linked(f Filter, inSet func(places.Set) func(*entsql.Selector), themes, column string) func(*entsql.Selector) {
	var ps []func(*entsql.Selector)
	if f.Area != nil {
		ps = append(ps, inSet(places.InArea(*f.Area)))
	}
	if f.Within != nil {
		ps = append(ps, inSet(places.Within(*f.Within)))
	}
	if f.Theme != nil {
		theme := *f.Theme
		ps = append(ps, idIn(func(b *entsql.Builder) {
			b.WriteString("SELECT x." + column + " FROM " + themes + " x WHERE x.theme_id IN (")
			themeSubtree(b, theme)
			b.WriteString(")")
		}))
	}
	return all(ps)
}

// themeSubtree writes a subquery selecting the theme and its sub-themes at
// any depth.
func themeSubtree(b *entsql.Builder, id int) {
	b.WriteString("WITH RECURSIVE ")
	catalog.ThemeTreeSQL(b, id)
	b.WriteString(" SELECT id FROM th")
}

// idIn keeps the rows whose id the subquery selects.
func idIn(sub func(*entsql.Builder)) func(*entsql.Selector) {
	return func(s *entsql.Selector) {
		s.Where(entsql.P(func(b *entsql.Builder) {
			b.WriteString(s.C("id") + " IN (")
			sub(b)
			b.WriteString(")")
		}))
	}
}

// all combines predicates; nil when there is none.
func all(ps []func(*entsql.Selector)) func(*entsql.Selector) {
	if len(ps) == 0 {
		return nil
	}
	return func(s *entsql.Selector) {
		for _, p := range ps {
			p(s)
		}
	}
}
