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

// A Set designates territories: a subtree or an ancestor chain.
type Set func(b *sql.Builder)

// Within is the territory id and everything inside it.
func Within(id int) Set { return func(b *sql.Builder) { subtreeSQL(b, id) } }

// Covering is the territory id and everything that contains it.
func Covering(id int) Set { return func(b *sql.Builder) { ancestorsSQL(b, id) } }

// InArea is every territory of an area.
func InArea(a area.Area) Set {
	return func(b *sql.Builder) {
		b.WriteString(`SELECT t.id FROM territories t WHERE t.area = `)
		b.Arg(string(a))
	}
}

// Territories keeps territories in the set.
func Territories(set Set) predicate.Territory {
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString(s.C("id") + " IN (")
			set(b)
			b.WriteString(")")
		}))
	}
}

// Initiatives keeps initiatives with at least one territory in the set.
func Initiatives(set Set) predicate.Initiative {
	return func(s *sql.Selector) {
		s.Where(sql.P(func(b *sql.Builder) {
			b.WriteString(s.C("id") + ` IN (SELECT it.initiative_id FROM initiative_territories it WHERE it.territory_id IN (`)
			set(b)
			b.WriteString("))")
		}))
	}
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
			b.WriteString("(" + s.C("id") + ` IN (SELECT at.actor_id FROM actor_territories at WHERE at.territory_id IN (`)
			set(b)
			b.WriteString(")) OR (" + home + " IS NOT NULL AND " + home + " IN (")
			set(b)
			b.WriteString(")))")
		}))
	}
}
