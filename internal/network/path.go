package network

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
// path. Paths come in a stable order (by actor IDs, read from the target end).
func (s *Snapshot) Paths(from, to, maxHops, maxPaths int, f LinkFilter) []Path {
	if !s.HasActor(from) || !s.HasActor(to) || maxPaths <= 0 {
		return nil
	}
	if from == to {
		return []Path{{Actors: []int{from}}}
	}
	sc := s.scope(f)
	c := s.compact
	src, dst := c.index[from], c.index[to]
	dist := c.pathLayers(sc, src, dst, maxHops)
	if dist == nil {
		return nil
	}
	var out []Path
	c.walkBack(sc, dist, src, dst, maxPaths, func(chain []int) {
		out = append(out, s.pathOf(sc, chain))
	})
	return out
}

// walkBack emits up to maxPaths shortest paths from src to dst as actor ID
// chains, given each node's distance from src (dist, -1 for nodes off every
// shortest path beyond what is known): every shortest path steps down one
// layer at a time, so it walks back from dst through the neighbours one layer
// closer to src, in ascending actor ID order.
func (c *compact) walkBack(sc *scope, dist []int32, src, dst int32, maxPaths int, emit func([]int)) {
	found := 0
	var walk func(cur int32, suffix []int)
	walk = func(cur int32, suffix []int) {
		if found >= maxPaths {
			return
		}
		chain := append([]int{c.ids[cur]}, suffix...)
		if cur == src {
			found++
			emit(chain)
			return
		}
		c.linked(sc, cur, func(p int32) {
			if dist[p] >= 0 && dist[p] == dist[cur]-1 {
				walk(p, chain)
			}
		})
	}
	walk(dst, nil)
}

func (s *Snapshot) pathOf(sc *scope, actors []int) Path {
	p := Path{Actors: actors}
	for i := 0; i+1 < len(actors); i++ {
		rels, inits := sc.evidence(s.pairOf(actors[i], actors[i+1]))
		p.Hops = append(p.Hops, Hop{From: actors[i], To: actors[i+1], Relations: rels, Initiatives: inits})
	}
	return p
}
