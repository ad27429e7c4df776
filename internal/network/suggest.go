package network

import (
	"slices"
	"sort"
)

// Suggestion weights: a common partner is the strongest sign that two actors
// could work together, then a shared theme, then overlapping territories.
const (
	weightCommonPartner = 3.0
	weightSharedTheme   = 2.0
	weightOverlap       = 1.0
)

// Suggestion is an actor not yet linked to another, with the reasons.
type Suggestion struct {
	Actor          int
	Score          float64
	SharedThemes   []int
	Territories    []int // the narrower territory of each overlapping pair
	CommonPartners []int
}

// Suggest ranks the actors not yet linked to id by shared themes,
// overlapping territories (one contains or equals the other) and common
// partners; ties by actor ID.
func (s *Snapshot) Suggest(id, first int) []Suggestion {
	me := s.actors[id]
	if me == nil {
		return nil
	}
	sc := s.scope(LinkFilter{})
	// Two hops out: who my partners' partners are, and through whom.
	common := map[int][]int{}
	for _, partner := range sc.neighbours(id) {
		for other := range s.linksOf(partner) {
			common[other] = append(common[other], partner)
		}
	}
	linked := map[int]bool{}
	for other := range s.linksOf(id) {
		linked[other] = true
	}
	var out []Suggestion
	for _, other := range s.actorIDs {
		if other == id || linked[other] {
			continue
		}
		sg := Suggestion{Actor: other}
		o := s.actors[other]
		sg.SharedThemes = intersect(me.themes, o.themes)
		sg.Territories = s.overlaps(me.territories, o.territories)
		sg.CommonPartners = common[other]
		sortInts(sg.CommonPartners)
		sg.Score = weightCommonPartner*float64(len(sg.CommonPartners)) +
			weightSharedTheme*float64(len(sg.SharedThemes)) + weightOverlap*float64(len(sg.Territories))
		if sg.Score > 0 {
			out = append(out, sg)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Actor < out[j].Actor
	})
	if len(out) > first {
		out = out[:first]
	}
	return out
}

// overlaps returns, for each pair of territories where one lies in the other,
// the narrower one.
func (s *Snapshot) overlaps(a, b []int) []int {
	var out []int
	for _, x := range a {
		for _, y := range b {
			var narrow int
			switch {
			case slices.Contains(s.ancestors[x], y):
				narrow = x
			case slices.Contains(s.ancestors[y], x):
				narrow = y
			default:
				continue
			}
			if !slices.Contains(out, narrow) {
				out = append(out, narrow)
			}
		}
	}
	sortInts(out)
	return out
}

func intersect(a, b []int) []int {
	var out []int
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	sortInts(out)
	return out
}
