package refdata

import "github.com/essaim/essaim/internal/area"

import "slices"

// RuralShares returns, for every territory that contains at least one
// classified commune, the share of the population of those classified
// communes that lives in rural communes (area.IsRuralLevel). A classified commune
// maps to exactly 0 or 1; unclassified communes are absent and ignored in
// the aggregates. An aggregate whose classified communes total a population
// of 0 is absent too, the share being undefined.
//
// A commune counts toward every territory reachable from it through Parents,
// except that the walk does not go through an EPCI: an EPCI straddling two
// départements is contained in neither, so following its links would add the
// communes of one département to the other. Communes thus reach their
// département, région, the country and their EPCI.
func (d *Dataset) RuralShares() map[Ref]float64 {
	byRef := make(map[Ref]*Territory, len(d.Territories))
	for i := range d.Territories {
		byRef[d.Territories[i].Ref()] = &d.Territories[i]
	}
	up := upwardClosure{byRef: byRef, memo: map[Ref][]Ref{}}
	type sums struct{ rural, total int }
	agg := map[Ref]*sums{}
	shares := map[Ref]float64{}
	for _, t := range d.Territories {
		if t.Kind != KindCommune || t.DensityLevel == 0 {
			continue
		}
		rural := area.IsRuralLevel(t.DensityLevel)
		shares[t.Ref()] = boolShare(rural)
		for _, anc := range up.containers(t.Parents) {
			s := agg[anc]
			if s == nil {
				s = &sums{}
				agg[anc] = s
			}
			s.total += t.Population
			if rural {
				s.rural += t.Population
			}
		}
	}
	for ref, s := range agg {
		if s.total > 0 {
			shares[ref] = float64(s.rural) / float64(s.total)
		}
	}
	return shares
}

func boolShare(rural bool) float64 {
	if rural {
		return 1
	}
	return 0
}

// upwardClosure computes containers, memoizing the closure of each
// non-commune territory since tens of thousands of communes share a few
// hundred of them.
type upwardClosure struct {
	byRef map[Ref]*Territory
	memo  map[Ref][]Ref
}

// containers returns the given parents and, transitively, their own
// containers, each once, without going past an EPCI (see RuralShares).
func (u upwardClosure) containers(parents []Ref) []Ref {
	var out []Ref
	for _, p := range parents {
		for _, r := range u.closure(p) {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// closure returns ref and its containers.
func (u upwardClosure) closure(ref Ref) []Ref {
	if c, ok := u.memo[ref]; ok {
		return c
	}
	c := []Ref{ref}
	if t := u.byRef[ref]; t != nil && t.Kind != KindEPCI {
		for _, r := range u.containers(t.Parents) {
			if !slices.Contains(c, r) {
				c = append(c, r)
			}
		}
	}
	u.memo[ref] = c
	return c
}
