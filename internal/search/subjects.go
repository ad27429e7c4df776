package search

import (
	entsql "entgo.io/ent/dialect/sql"

	places "github.com/essaim/essaim/internal/territory"
)

// subject is how one type is searched.
type subject struct {
	typ   Type
	table string
	// columns are the text columns, name or title first; weights their
	// bm25 weights on SQLite.
	columns []string
	weights string
	// document is the argument list of essaim_search_document on
	// PostgreSQL: exactly as in the index expressions of the migration.
	document []string
	// filter gives the predicate of f, or false when the type cannot match f.
	filter func(f Filter) (func(*entsql.Selector), bool)
}

var subjects = []subject{
	{
		typ: Initiative, table: "initiatives",
		columns: []string{"title", "summary", "description"}, weights: "10.0, 3.0, 1.0",
		document: []string{"title", "summary", "description"},
		filter: func(f Filter) (func(*entsql.Selector), bool) {
			return linked(f, func(set places.Set) func(*entsql.Selector) { return places.Initiatives(set) },
				"initiative_themes", "initiative_id"), true
		},
	},
	{
		typ: Actor, table: "actors",
		columns: []string{"name", "description"}, weights: "10.0, 1.0",
		document: []string{"name", "NULL", "description"},
		filter: func(f Filter) (func(*entsql.Selector), bool) {
			return linked(f, func(set places.Set) func(*entsql.Selector) { return places.Actors(set) },
				"actor_themes", "actor_id"), true
		},
	},
	{
		typ: Theme, table: "themes",
		columns: []string{"label", "description"}, weights: "10.0, 1.0",
		document: []string{"label", "NULL", "description"},
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
		columns: []string{"name"}, weights: "1.0",
		document: []string{"name", "NULL", "NULL"},
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
	b.WriteString("WITH RECURSIVE th(id) AS (SELECT id FROM themes WHERE id = ").Arg(id).
		WriteString(" UNION SELECT t.id FROM themes t JOIN th ON t.theme_children = th.id) SELECT id FROM th")
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
