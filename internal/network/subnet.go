package network

import (
	"slices"
	"sort"

	"gonum.org/v1/gonum/graph/network"

	"github.com/essaim/essaim/internal/area"
)

// NetworkFilter chooses the actors of a network view (kinds, theme, place)
// and, through Link, the links between them.
type NetworkFilter struct {
	Link       LinkFilter
	ActorKinds []string
	Theme      *int
	Within     *int
	Area       *area.Area
}

// Node is an actor of a network view with its metrics within the view.
type Node struct {
	Actor       int
	Degree      int
	Betweenness float64
	Community   int
}

// Edge links two actors of a view.
type Edge struct {
	A, B   int
	Weight int
	Kinds  []string
}

// Network is a view ready to draw; Truncated says when limit cut it.
type Network struct {
	Nodes     []Node
	Edges     []Edge
	Truncated bool
	Total     int
}

// Network builds the view around center (up to depth links away) or, without
// center, of every actor matching the filter, most connected first. Metrics
// are computed on the returned view.
func (s *Snapshot) Network(f NetworkFilter, center *int, depth, limit int) Network {
	sc := s.scope(f.Link)
	member := s.population(f)
	var ids []int
	if center != nil {
		ids = s.ball(sc, *center, depth, member, 0)
	} else {
		ids = s.byWeightedDegree(sc, member)
	}
	net := Network{Total: len(ids)}
	if len(ids) > limit {
		ids, net.Truncated = ids[:limit], true
	}
	g := s.weightedGraph(sc, ids)
	between := network.Betweenness(g)
	comm := communities(g)
	for _, id := range ids {
		net.Nodes = append(net.Nodes, Node{
			Actor: id, Degree: g.From(int64(id)).Len(),
			Betweenness: between[int64(id)], Community: comm[id],
		})
	}
	net.Edges = s.edgesAmong(sc, ids)
	return net
}

// population tells whether an actor belongs in a network view.
func (s *Snapshot) population(f NetworkFilter) func(int) bool {
	place := s.scope(LinkFilter{Theme: f.Theme, Within: f.Within, Area: f.Area})
	return func(id int) bool {
		a := s.actors[id]
		if a == nil || (len(f.ActorKinds) > 0 && !slices.Contains(f.ActorKinds, a.kind)) {
			return false
		}
		return place.actorOK(id)
	}
}

// ball lists center and the members reachable within depth links, nearest
// first (ties by ID). A positive limit stops early.
func (s *Snapshot) ball(sc *scope, center, depth int, member func(int) bool, limit int) []int {
	if !s.HasActor(center) {
		return nil
	}
	out := []int{center}
	seen := map[int]bool{center: true}
	frontier := []int{center}
	for d := 0; d < depth && len(frontier) > 0; d++ {
		var next []int
		for _, id := range frontier {
			for _, n := range sc.neighbours(id) {
				if !seen[n] && (member == nil || member(n)) {
					seen[n] = true
					next = append(next, n)
				}
			}
		}
		sortInts(next)
		out = append(out, next...)
		if limit > 0 && len(out) >= limit {
			return out
		}
		frontier = next
	}
	return out
}

func (s *Snapshot) byWeightedDegree(sc *scope, member func(int) bool) []int {
	type scored struct{ id, w int }
	var all []scored
	for _, id := range s.actorIDs {
		if !member(id) {
			continue
		}
		w := 0
		for other, p := range s.adj[id] {
			if member(other) {
				w += sc.weight(p)
			}
		}
		all = append(all, scored{id, w})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].w > all[j].w })
	ids := make([]int, len(all))
	for i, a := range all {
		ids[i] = a.id
	}
	return ids
}

func (s *Snapshot) edgesAmong(sc *scope, ids []int) []Edge {
	in := make(map[int]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	var out []Edge
	for _, a := range ids {
		for b, p := range s.adj[a] {
			if a >= b || !in[b] {
				continue
			}
			rels, inits := sc.evidence(p)
			if len(rels)+len(inits) == 0 {
				continue
			}
			out = append(out, Edge{A: a, B: b, Weight: len(rels) + len(inits), Kinds: kindsOf(rels, inits)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].A != out[j].A {
			return out[i].A < out[j].A
		}
		return out[i].B < out[j].B
	})
	return out
}

func kindsOf(rels []Relation, inits []int) []string {
	var kinds []string
	for _, r := range rels {
		if !slices.Contains(kinds, r.Kind) {
			kinds = append(kinds, r.Kind)
		}
	}
	if len(inits) > 0 {
		kinds = append(kinds, CoParticipation)
	}
	slices.Sort(kinds)
	return kinds
}
