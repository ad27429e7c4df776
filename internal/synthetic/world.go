package synthetic

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/territory"
)

// place is a territory of the store, with its nearest containers as indexes
// into world.places (-1 when it has none).
type place struct {
	id         int
	kind       territory.Kind
	code, name string
	population int
	// epci is a commune's EPCI, dept its département (an EPCI's first
	// département by code when it straddles several), region a
	// département's région.
	epci, dept, region int32
}

// world is the territorial frame of a dataset: the territories sorted by
// kind then code, so plans never depend on IDs or on map order.
type world struct {
	places   []place
	communes []int32 // indexes of the communes, by code
	// cumPop[i] is the population of communes[0..i]: a cumulative-weight
	// table for population-weighted draws.
	cumPop []int64
	// communesIn lists, per département index, its communes by code.
	communesIn map[int32][]int32
}

var kindRank = map[territory.Kind]int{
	territory.KindCOUNTRY: 0, territory.KindREGION: 1, territory.KindDEPARTMENT: 2,
	territory.KindEPCI: 3, territory.KindCOMMUNE: 4,
}

func loadWorld(ctx context.Context, client *ent.Client) (*world, error) {
	ts, err := client.Territory.Query().
		Select(territory.FieldKind, territory.FieldCode, territory.FieldName, territory.FieldPopulation).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("synthetic: load territories: %w", err)
	}
	slices.SortFunc(ts, func(a, b *ent.Territory) int {
		return cmp.Or(cmp.Compare(kindRank[a.Kind], kindRank[b.Kind]), cmp.Compare(a.Code, b.Code))
	})
	w := &world{places: make([]place, len(ts)), communesIn: map[int32][]int32{}}
	index := make(map[int]int32, len(ts))
	for i, t := range ts {
		w.places[i] = place{id: t.ID, kind: t.Kind, code: t.Code, name: t.Name, population: t.Population,
			epci: -1, dept: -1, region: -1}
		index[t.ID] = int32(i)
	}
	if err := w.linkParents(ctx, client, index); err != nil {
		return nil, err
	}
	var total int64
	for i := range w.places {
		p := &w.places[i]
		if p.kind != territory.KindCOMMUNE {
			continue
		}
		w.communes = append(w.communes, int32(i))
		total += int64(p.population)
		w.cumPop = append(w.cumPop, total)
		if p.dept >= 0 {
			w.communesIn[p.dept] = append(w.communesIn[p.dept], int32(i))
		}
	}
	if len(w.communes) == 0 {
		return nil, fmt.Errorf("synthetic: the store has no communes: import the territories first")
	}
	return w, nil
}

// linkParents keeps, for each territory, its first container of each kind by
// code: the smallest index, whatever the order of the containment rows.
func (w *world) linkParents(ctx context.Context, client *ent.Client, index map[int]int32) error {
	rows, err := client.QueryContext(ctx, "SELECT "+territory.ContainsPrimaryKey[0]+", "+
		territory.ContainsPrimaryKey[1]+" FROM "+territory.ContainsTable)
	if err != nil {
		return fmt.Errorf("synthetic: load containment: %w", err)
	}
	defer rows.Close()
	first := func(cur *int32, parent int32) {
		if *cur < 0 || parent < *cur {
			*cur = parent
		}
	}
	for rows.Next() {
		var parentID, childID int
		if err := rows.Scan(&parentID, &childID); err != nil {
			return fmt.Errorf("synthetic: read containment: %w", err)
		}
		pi, ok1 := index[parentID]
		ci, ok2 := index[childID]
		if !ok1 || !ok2 {
			continue
		}
		child := &w.places[ci]
		switch w.places[pi].kind {
		case territory.KindEPCI:
			if child.kind == territory.KindCOMMUNE {
				first(&child.epci, pi)
			}
		case territory.KindDEPARTMENT:
			if child.kind == territory.KindCOMMUNE || child.kind == territory.KindEPCI {
				first(&child.dept, pi)
			}
		case territory.KindREGION:
			if child.kind == territory.KindDEPARTMENT {
				first(&child.region, pi)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("synthetic: read containment: %w", err)
	}
	return nil
}

// Share of commune draws weighted by population; the rest are uniform, so
// that small rural communes keep a fair number of actors.
const populationWeighted = 0.7

// pickCommune draws a commune: with probability populationWeighted in
// proportion to its population (cumulative table, binary search), otherwise
// uniformly.
func (w *world) pickCommune(r *rand.Rand) int32 {
	total := w.cumPop[len(w.cumPop)-1]
	if total > 0 && r.Float64() < populationWeighted {
		x := r.Int64N(total)
		return w.communes[sort.Search(len(w.cumPop), func(i int) bool { return w.cumPop[i] > x })]
	}
	return w.communes[r.IntN(len(w.communes))]
}

// Levels at which a home territory or an initiative's first territory lies.
const (
	levelCommune = iota
	levelEPCI
	levelDepartment
)

// pickPlace draws a commune and climbs to level; a commune without an EPCI
// falls back to its département, one without a département stays itself.
func (w *world) pickPlace(r *rand.Rand, level int) int32 {
	c := w.pickCommune(r)
	p := w.places[c]
	if level == levelEPCI && p.epci >= 0 {
		return p.epci
	}
	if level >= levelEPCI && p.dept >= 0 {
		return p.dept
	}
	return c
}

// deptOf returns the département of a place (itself for a département), or -1.
func (w *world) deptOf(i int32) int32 {
	if w.places[i].kind == territory.KindDEPARTMENT {
		return i
	}
	return w.places[i].dept
}

// regionOf returns the région of a place's département, or -1.
func (w *world) regionOf(i int32) int32 {
	if d := w.deptOf(i); d >= 0 {
		return w.places[d].region
	}
	return -1
}

// chain lists a place and its containers up to the région: commune, EPCI,
// département, région; the territories of action of an actor are a prefix.
func (w *world) chain(i int32) []int32 {
	out := []int32{i}
	if p := w.places[i]; p.kind == territory.KindCOMMUNE && p.epci >= 0 {
		out = append(out, p.epci)
	}
	if d := w.deptOf(i); d >= 0 {
		if d != i {
			out = append(out, d)
		}
		if r := w.places[d].region; r >= 0 {
			out = append(out, r)
		}
	}
	return out
}
