package network

import (
	"math/rand/v2"
	"sort"
	"sync"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/community"
	"gonum.org/v1/gonum/graph/simple"
)

// GlobalBetweennessMax is the network size up to which betweenness is
// computed over the whole network; above it (Brandes is O(V·E)) an actor's
// betweenness is computed within its two-hop neighbourhood ("ego"
// betweenness), which still ranks the brokers of a neighbourhood.
const GlobalBetweennessMax = 3000

// Metrics describes an actor's place in the whole network.
type Metrics struct {
	Degree, WeightedDegree int
	Betweenness            float64
	// BetweennessScope is GLOBAL or EGO (see GlobalBetweennessMax).
	BetweennessScope string
	Community        int
}

type lazyMetrics struct {
	once        sync.Once
	community   map[int]int
	betweenness map[int]float64 // nil when the network is too large
}

func (s *Snapshot) global() *lazyMetrics {
	s.lazy.once.Do(func() {
		sc := s.scope(LinkFilter{})
		s.lazy.community = communities(s.weightedGraph(sc, s.actorIDs))
		if len(s.actorIDs) <= GlobalBetweennessMax {
			s.lazy.betweenness = s.betweennessOf(sc, s.actorIDs)
		}
	})
	return &s.lazy
}

// ActorMetrics computes an actor's metrics over the unfiltered network.
func (s *Snapshot) ActorMetrics(id int) Metrics {
	sc := s.scope(LinkFilter{})
	m := Metrics{Degree: s.degreeOf(id), BetweennessScope: "GLOBAL"}
	for _, p := range s.linksOf(id) {
		m.WeightedDegree += sc.weight(p)
	}
	g := s.global()
	m.Community = g.community[id]
	if g.betweenness != nil {
		m.Betweenness = g.betweenness[id]
		return m
	}
	m.Betweenness = s.betweennessOf(sc, s.ball(sc, id, 2, nil))[id]
	m.BetweennessScope = "EGO"
	return m
}

// betweennessOf computes betweenness within the actors ids.
func (s *Snapshot) betweennessOf(sc *scope, ids []int) map[int]float64 {
	cb := s.subgraph(sc, ids).betweenness()
	out := make(map[int]float64, len(ids))
	for k, id := range ids {
		out[id] = cb[k]
	}
	return out
}

// weightedGraph copies the links in scope among ids into a gonum graph.
func (s *Snapshot) weightedGraph(sc *scope, ids []int) *simple.WeightedUndirectedGraph {
	g := simple.NewWeightedUndirectedGraph(0, 0)
	in := make(map[int]bool, len(ids))
	for _, id := range ids {
		in[id] = true
		g.AddNode(simple.Node(id))
	}
	for _, a := range ids {
		for b, p := range s.linksOf(a) {
			if a < b && in[b] {
				if w := sc.weight(p); w > 0 {
					g.SetWeightedEdge(g.NewWeightedEdge(simple.Node(a), simple.Node(b), float64(w)))
				}
			}
		}
	}
	return g
}

// communities runs Louvain modularity with a fixed seed, and numbers the
// communities by their smallest actor ID so numbers are stable.
func communities(g graph.Undirected) map[int]int {
	out := map[int]int{}
	if g.Nodes().Len() == 0 {
		return out
	}
	reduced := community.Modularize(g, 1, rand.NewPCG(1, 2))
	groups := reduced.Communities()
	for _, grp := range groups {
		sort.Slice(grp, func(i, j int) bool { return grp[i].ID() < grp[j].ID() })
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i][0].ID() < groups[j][0].ID() })
	for i, grp := range groups {
		for _, n := range grp {
			out[int(n.ID())] = i
		}
	}
	return out
}
