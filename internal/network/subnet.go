package network

import (
	"slices"
	"sort"

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
		ids = s.ball(sc, *center, depth, member)
	} else {
		ids = s.byWeightedDegree(sc, member)
	}
	net := Network{Total: len(ids)}
	if len(ids) > limit {
		ids, net.Truncated = ids[:limit], true
	}
	sub := s.subgraph(sc, ids)
	// Communities and betweenness are independent: compute them side by side.
	commDone := make(chan map[int]int, 1)
	go func() { commDone <- communities(s.weightedGraph(sc, ids)) }()
	between := sub.betweenness()
	comm := <-commDone
	for k, id := range ids {
		net.Nodes = append(net.Nodes, Node{
			Actor: id, Degree: len(sub.adj[k]), Betweenness: between[k], Community: comm[id],
		})
	}
	net.Edges = s.edgesAmong(sc, ids)
	return net
}

// population tells whether an actor belongs in a network view.
// It is nil when the filter keeps everyone, which spares a traversal of the
// whole network one check per link.
func (s *Snapshot) population(f NetworkFilter) func(int) bool {
	if len(f.ActorKinds) == 0 && f.Theme == nil && f.Within == nil && f.Area == nil {
		return nil
	}
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
// first (ties by ID).
func (s *Snapshot) ball(sc *scope, center, depth int, member func(int) bool) []int {
	if !s.HasActor(center) {
		return nil
	}
	c := s.compact
	var keep func(int32) bool
	if member != nil {
		keep = func(i int32) bool { return member(c.ids[i]) }
	}
	dist, order := c.layers(sc, c.index[center], depth, keep, -1)
	// Breadth-first order is already layer by layer; sort within each layer.
	slices.SortStableFunc(order, func(a, b int32) int {
		if dist[a] != dist[b] {
			return int(dist[a] - dist[b])
		}
		return int(a - b)
	})
	out := make([]int, len(order))
	for i, n := range order {
		out[i] = c.ids[n]
	}
	return out
}

func (s *Snapshot) byWeightedDegree(sc *scope, member func(int) bool) []int {
	type scored struct{ id, w int }
	var all []scored
	in := func(id int) bool { return member == nil || member(id) }
	for _, id := range s.actorIDs {
		if !in(id) {
			continue
		}
		w := 0
		for other, p := range s.linksOf(id) {
			if in(other) {
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
		for b, p := range s.linksOf(a) {
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
