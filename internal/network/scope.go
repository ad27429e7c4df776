package network

import (
	"slices"

	"github.com/essaim/essaim/internal/area"
)

// CoParticipation names the derived link kind; the others are relation kinds.
const CoParticipation = "CO_PARTICIPATION"

// LinkFilter restricts which evidence counts as a link. A shared initiative
// counts when it matches the theme (or a sub-theme), lies within the
// territory and has a territory of the area; an explicit relation counts when
// both actors match them. Kinds, when set, lists the relation kinds and/or
// CO_PARTICIPATION to use.
type LinkFilter struct {
	Kinds  []string
	Theme  *int
	Within *int
	Area   *area.Area
}

// scope is a LinkFilter resolved against a snapshot.
type scope struct {
	s         *Snapshot
	kinds     map[string]bool
	themes    map[int]bool // the theme and its descendants
	within    *int
	area      *area.Area
	unlimited bool
}

func (s *Snapshot) scope(f LinkFilter) *scope {
	sc := &scope{s: s, within: f.Within, area: f.Area}
	if len(f.Kinds) > 0 {
		sc.kinds = map[string]bool{}
		for _, k := range f.Kinds {
			sc.kinds[k] = true
		}
	}
	if f.Theme != nil {
		sc.themes = s.themeSubtree(*f.Theme)
	}
	sc.unlimited = sc.kinds == nil && sc.themes == nil && sc.within == nil && sc.area == nil
	return sc
}

func (s *Snapshot) themeSubtree(root int) map[int]bool {
	out := map[int]bool{root: true}
	// Themes are few: repeat until no new descendant appears.
	for changed := true; changed; {
		changed = false
		for child, parent := range s.themeParent {
			if out[parent] && !out[child] {
				out[child] = true
				changed = true
			}
		}
	}
	return out
}

func (sc *scope) placesOK(territories []int) bool {
	if sc.within == nil && sc.area == nil {
		return true
	}
	okWithin, okArea := sc.within == nil, sc.area == nil
	for _, t := range territories {
		if !okWithin && slices.Contains(sc.s.ancestors[t], *sc.within) {
			okWithin = true
		}
		if !okArea && sc.s.areas[t] == *sc.area {
			okArea = true
		}
	}
	return okWithin && okArea
}

func (sc *scope) themesOK(themes []int) bool {
	if sc.themes == nil {
		return true
	}
	for _, t := range themes {
		if sc.themes[t] {
			return true
		}
	}
	return false
}

func (sc *scope) initiativeOK(id int) bool {
	territories, themes, ok := sc.s.initiative(id)
	if !ok {
		return sc.themes == nil && sc.within == nil && sc.area == nil
	}
	return sc.themesOK(themes) && sc.placesOK(territories)
}

// actorOK tells whether an actor matches the theme and place of the scope.
func (sc *scope) actorOK(id int) bool {
	a := sc.s.actors[id]
	return a != nil && sc.themesOK(a.themes) && sc.placesOK(a.territories)
}

// evidence returns the relations and shared initiatives of p in scope.
func (sc *scope) evidence(p *Pair) ([]Relation, []int) {
	relations := sc.s.relationsOf(p)
	if sc.unlimited {
		return relations, sc.s.initiativesOf(p)
	}
	var rels []Relation
	if len(relations) > 0 && sc.actorOK(p.A) && sc.actorOK(p.B) {
		for _, r := range relations {
			if sc.kinds == nil || sc.kinds[r.Kind] {
				rels = append(rels, r)
			}
		}
	}
	var inits []int
	if sc.kinds == nil || sc.kinds[CoParticipation] {
		for _, i := range sc.s.initiativesOf(p) {
			if sc.initiativeOK(i) {
				inits = append(inits, i)
			}
		}
	}
	return rels, inits
}

// weight is the number of shared initiatives plus explicit relations in
// scope; 0 means no link.
func (sc *scope) weight(p *Pair) int {
	if sc.unlimited {
		return len(sc.s.relationsOf(p)) + int(p.n)
	}
	rels, inits := sc.evidence(p)
	return len(rels) + len(inits)
}

// neighbours lists the actors linked to id in scope.
func (sc *scope) neighbours(id int) []int {
	out := make([]int, 0, sc.s.degreeOf(id))
	for other, p := range sc.s.linksOf(id) {
		if sc.weight(p) > 0 {
			out = append(out, other)
		}
	}
	sortInts(out)
	return out
}

func sortInts(xs []int) { slices.Sort(xs) }
