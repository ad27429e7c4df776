package network

import "sort"

// Link is an actor linked to another, with the evidence in scope.
type Link struct {
	Actor       int
	Relations   []Relation
	Initiatives []int
	Themes      []int // themes of the shared initiatives
	Weight      int
}

// HasActor reports whether id is an actor of the snapshot.
func (s *Snapshot) HasActor(id int) bool { return s.actors[id] != nil }

// Links lists the actors linked to id, heaviest first (ties by ID).
func (s *Snapshot) Links(id int, f LinkFilter) []Link {
	sc := s.scope(f)
	var out []Link
	for other, p := range s.linksOf(id) {
		rels, inits := sc.evidence(p)
		if len(rels)+len(inits) == 0 {
			continue
		}
		out = append(out, Link{
			Actor: other, Relations: rels, Initiatives: inits,
			Themes: s.themesOf(inits), Weight: len(rels) + len(inits),
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Actor < out[j].Actor
	})
	return out
}

func (s *Snapshot) themesOf(initiatives []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, i := range initiatives {
		if _, themes, ok := s.initiative(i); ok {
			for _, t := range themes {
				if !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	sortInts(out)
	return out
}

// CommonPartner is an actor linked to several of the given actors.
type CommonPartner struct {
	Actor    int
	LinkedTo []int
	Weight   int
}

// CommonPartners lists actors (other than the given ones) linked to at least
// atLeast of them, most connected first.
func (s *Snapshot) CommonPartners(actors []int, atLeast int, f LinkFilter) []CommonPartner {
	sc := s.scope(f)
	given := map[int]bool{}
	var unique []int // an actor listed twice counts once
	for _, a := range actors {
		if !given[a] {
			given[a] = true
			unique = append(unique, a)
		}
	}
	found := map[int]*CommonPartner{}
	for _, a := range unique {
		for other, p := range s.linksOf(a) {
			w := sc.weight(p)
			if w == 0 || given[other] {
				continue
			}
			cp := found[other]
			if cp == nil {
				cp = &CommonPartner{Actor: other}
				found[other] = cp
			}
			cp.LinkedTo = append(cp.LinkedTo, a)
			cp.Weight += w
		}
	}
	var out []CommonPartner
	for _, cp := range found {
		if len(cp.LinkedTo) >= atLeast {
			sortInts(cp.LinkedTo)
			out = append(out, *cp)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].LinkedTo) != len(out[j].LinkedTo) {
			return len(out[i].LinkedTo) > len(out[j].LinkedTo)
		}
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Actor < out[j].Actor
	})
	return out
}
