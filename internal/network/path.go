package network

import (
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/traverse"
)

// MaxHops is the longest path actorPath searches.
const MaxHops = 6

// Hop is one link of a path with its evidence.
type Hop struct {
	From, To    int
	Relations   []Relation
	Initiatives []int
}

// Path is a chain of actors from the first to the last.
type Path struct {
	Actors []int
	Hops   []Hop
}

// Paths returns up to maxPaths shortest paths of at most maxHops links
// between from and to, using only links in scope; none when there is no such
// path. Paths come in a stable order (by actor IDs along the way).
func (s *Snapshot) Paths(from, to, maxHops, maxPaths int, f LinkFilter) []Path {
	if !s.HasActor(from) || !s.HasActor(to) || maxPaths <= 0 {
		return nil
	}
	if from == to {
		return []Path{{Actors: []int{from}}}
	}
	sc := s.scope(f)
	dist := map[int]int{from: 0}
	preds := map[int][]int{}
	bfs := traverse.BreadthFirst{
		// Traverse sees every edge out of each dequeued node: record all
		// predecessors one layer up, so that every shortest path is kept.
		Traverse: func(e graph.Edge) bool {
			u, v := int(e.From().ID()), int(e.To().ID())
			if d, seen := dist[v]; !seen {
				dist[v] = dist[u] + 1
				preds[v] = []int{u}
			} else if d == dist[u]+1 {
				preds[v] = append(preds[v], u)
			}
			return true
		},
	}
	// Stop once a node at to's depth (or at maxHops) is dequeued: the whole
	// layer before it has been expanded, so preds[to] is complete. Stopping
	// at the first node at maxHops would miss to whenever another node of
	// that layer comes first.
	bfs.Walk(view{sc: sc}, simple.Node(from), func(_ graph.Node, depth int) bool {
		d, seen := dist[to]
		return (seen && depth >= d) || depth >= maxHops
	})
	if d, seen := dist[to]; !seen || d > maxHops {
		return nil
	}
	var out []Path
	var walk func(cur int, suffix []int)
	walk = func(cur int, suffix []int) {
		if len(out) >= maxPaths {
			return
		}
		chain := append([]int{cur}, suffix...)
		if cur == from {
			out = append(out, s.pathOf(sc, chain))
			return
		}
		ps := append([]int(nil), preds[cur]...)
		sortInts(ps)
		for _, p := range ps {
			walk(p, chain)
		}
	}
	walk(to, nil)
	return out
}

func (s *Snapshot) pathOf(sc *scope, actors []int) Path {
	p := Path{Actors: actors}
	for i := 0; i+1 < len(actors); i++ {
		rels, inits := sc.evidence(s.adj[actors[i]][actors[i+1]])
		p.Hops = append(p.Hops, Hop{From: actors[i], To: actors[i+1], Relations: rels, Initiatives: inits})
	}
	return p
}
