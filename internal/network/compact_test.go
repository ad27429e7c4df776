package network

import (
	"math"
	"math/rand/v2"
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
