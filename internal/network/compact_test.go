package network

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	gonumnet "gonum.org/v1/gonum/graph/network"
	"gonum.org/v1/gonum/graph/simple"
)

// TestBetweennessMatchesGonum checks the array-based Brandes against
// gonum's reference implementation on random graphs of various densities,
// including disconnected ones.
func TestBetweennessMatchesGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct{ nodes, edges int }{{1, 0}, {2, 1}, {5, 4}, {30, 40}, {60, 300}, {120, 150}} {
		g := &subgraph{ids: make([]int, tc.nodes), adj: make([][]int32, tc.nodes)}
		ref := simple.NewUndirectedGraph()
		for i := range tc.nodes {
			g.ids[i] = i
			ref.AddNode(simple.Node(i))
		}
		for range tc.edges {
			a, b := rng.IntN(tc.nodes), rng.IntN(tc.nodes)
			if a == b || ref.HasEdgeBetween(int64(a), int64(b)) {
				continue
			}
			ref.SetEdge(simple.Edge{F: simple.Node(a), T: simple.Node(b)})
			g.adj[a] = append(g.adj[a], int32(b))
			g.adj[b] = append(g.adj[b], int32(a))
		}
		want := gonumnet.Betweenness(ref)
		got := g.betweenness()
		for i := range tc.nodes {
			if math.Abs(got[i]-want[int64(i)]) > 1e-9 {
				t.Errorf("%d nodes/%d edges: node %d betweenness %v, gonum %v", tc.nodes, tc.edges, i, got[i], want[int64(i)])
			}
		}
	}
}

// TestPathLayersMatchOneWaySearch checks the search from both ends against
// the one-way breadth-first search it replaced: the same shortest paths, in
// the same order, on random graphs of various densities (disconnected ones
// included) and for every hop limit.
func TestPathLayersMatchOneWaySearch(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	sc := &scope{unlimited: true}
	for _, tc := range []struct{ nodes, edges int }{{2, 1}, {6, 5}, {40, 45}, {80, 200}, {150, 160}, {300, 1500}} {
		c := randomCompact(rng, tc.nodes, tc.edges)
		for range 40 {
			src, dst := int32(rng.IntN(tc.nodes)), int32(rng.IntN(tc.nodes))
			if src == dst {
				continue
			}
			for maxHops := 1; maxHops <= 7; maxHops++ {
				for _, maxPaths := range []int{1, 3, 1000} {
					want := pathsOneWay(c, sc, src, dst, maxHops, maxPaths)
					var got [][]int
					if dist := c.pathLayers(sc, src, dst, maxHops); dist != nil {
						c.walkBack(sc, dist, src, dst, maxPaths, func(chain []int) { got = append(got, chain) })
					}
					if !slices.EqualFunc(got, want, slices.Equal) {
						t.Fatalf("%d nodes/%d edges, %d→%d, maxHops %d, maxPaths %d: got %v, want %v",
							tc.nodes, tc.edges, src, dst, maxHops, maxPaths, got, want)
					}
				}
			}
		}
	}
}

func pathsOneWay(c *compact, sc *scope, src, dst int32, maxHops, maxPaths int) [][]int {
	dist, _ := c.layers(sc, src, maxHops, nil, dst)
	if dist[dst] < 0 {
		return nil
	}
	var out [][]int
	c.walkBack(sc, dist, src, dst, maxPaths, func(chain []int) { out = append(out, chain) })
	return out
}

// randomCompact is a random undirected graph as compact arrays, actor IDs
// being the dense indexes.
func randomCompact(rng *rand.Rand, nodes, edges int) *compact {
	adj := make([][]int32, nodes)
	for range edges {
		a, b := int32(rng.IntN(nodes)), int32(rng.IntN(nodes))
		if a == b || slices.Contains(adj[a], b) {
			continue
		}
		adj[a], adj[b] = append(adj[a], b), append(adj[b], a)
	}
	c := &compact{ids: make([]int, nodes), off: make([]int32, nodes+1)}
	for i := range nodes {
		c.ids[i] = i
		slices.Sort(adj[i])
		c.nbr = append(c.nbr, adj[i]...)
		c.off[i+1] = int32(len(c.nbr))
	}
	c.pairs = make([]int32, len(c.nbr)) // unread: the tests search in an unlimited scope
	return c
}
