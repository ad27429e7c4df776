// Package territory provides the territorial side of Essaim: the hierarchy
// filters (within / covering a territory, urban or rural area), the import of
// the French reference, and the derived area and rural share.
//
// Containment is a graph, not a tree: an EPCI lies in every département it
// spans. So that a commune of Yonne never counts as inside Nièvre through a
// straddling EPCI, walks never pass *through* an EPCI: an EPCI is only ever
// the start or the end of a walk. Communes are always reached through their
// own département.
package territory

import (
	"entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent/predicate"
	"github.com/essaim/essaim/internal/area"
)

// subtreeSQL writes a subquery selecting root and every territory inside it:
// the territories that have root among their ancestors (see ancestors.go).
func subtreeSQL(b *sql.Builder, root int) {
	b.WriteString(`SELECT ta.territory_id FROM ` + AncestorsTable + ` ta WHERE ta.ancestor_id = `)
	b.Arg(root)
}

// ancestorsSQL writes a subquery selecting leaf and every territory containing it.
func ancestorsSQL(b *sql.Builder, leaf int) {
	b.WriteString(`SELECT ta.ancestor_id FROM ` + AncestorsTable + ` ta WHERE ta.territory_id = `)
	b.Arg(leaf)
}

// A Set designates territories: a subtree, an ancestor chain or an area.
type Set struct {
	ids func(b *sql.Builder) // writes a subquery selecting the set's territories
	// area is set for InArea. An area holds a third to two thirds of all
	// territories: collecting every initiative or actor tied to one costs
	// more than looking up the territories of each candidate row, which
	// stops early for a page (SQLite, reference dataset: a RURAL page 35 ms
	// to 0.1 ms, RURAL and a theme counted 76 ms to 14 ms).
	area area.Area
}

// SQL writes a subquery selecting the set's territories.
func (s Set) SQL(b *sql.Builder) { s.ids(b) }

// Within is the territory id and everything inside it.
func Within(id int) Set { return Set{ids: func(b *sql.Builder) { subtreeSQL(b, id) }} }

// Covering is the territory id and everything that contains it.
func Covering(id int) Set { return Set{ids: func(b *sql.Builder) { ancestorsSQL(b, id) }} }

// InArea is every territory of an area.
func InArea(a area.Area) Set {
	return Set{area: a, ids: func(b *sql.Builder) {
		b.WriteString(`SELECT t.id FROM territories t WHERE t.area = `)
		b.Arg(string(a))
	}}
}

// Territories keeps territories in the set.
func Territories(set Set) predicate.Territory {
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString(s.C("id") + " IN (")
			set.ids(b)
			b.WriteString(")")
		}))
	}
}

// Initiatives keeps initiatives with at least one territory in the set.
func Initiatives(set Set) predicate.Initiative {
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			if set.area != "" {
				existsInArea(b, "initiative_territories", "initiative_id", s.C("id"), set.area)
				return
			}
			b.WriteString(s.C("id") + ` IN (SELECT it.initiative_id FROM initiative_territories it WHERE it.territory_id IN (`)
			set.ids(b)
			b.WriteString("))")
		}))
	}
}

// existsInArea writes a condition checking, for the row whose id is the
// column id, that its links in the join table (owner column, territory_id)
// reach a territory of area a. CROSS JOIN fixes SQLite's join order: from
// the row's links to their territory, never from every territory of the area.
func existsInArea(b *sql.Builder, join, owner, id string, a area.Area) {
	b.WriteString("EXISTS (SELECT 1 FROM " + join + " l CROSS JOIN territories ta WHERE l." + owner + " = " + id +
		" AND ta.id = l.territory_id AND ta.area = ").Arg(string(a)).WriteString(")")
}

// Actors keeps actors whose home territory or one of whose territories of
// action is in the set.
//
// The home territory is nullable: "home IN (…)" alone is unknown, not false,
// for an actor without one, and NOT (false OR unknown) would drop that actor
// from a negated filter. The IS NOT NULL guard keeps the predicate two-valued.
func Actors(set Set) predicate.Actor {
	return func(s *sql.Selector) {
		home := s.C("actor_home_territory")
		s.Where(sql.P(func(b *sql.Builder) {
			if set.area != "" {
				b.WriteString("(")
				existsInArea(b, "actor_territories", "actor_id", s.C("id"), set.area)
				b.WriteString(" OR EXISTS (SELECT 1 FROM territories th WHERE th.id = " + home + " AND th.area = ").
					Arg(string(set.area)).WriteString("))")
				return
			}
			b.WriteString("(" + s.C("id") + ` IN (SELECT at.actor_id FROM actor_territories at WHERE at.territory_id IN (`)
			set.ids(b)
			b.WriteString(")) OR (" + home + " IS NOT NULL AND " + home + " IN (")
			set.ids(b)
			b.WriteString(")))")
		}))
	}
}
