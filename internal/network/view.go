package network

import (
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/iterator"
	"gonum.org/v1/gonum/graph/simple"
)

// view exposes the links in scope as a gonum graph, without copying the
// network: gonum's traversals walk it directly.
type view struct {
	sc    *scope
	allow func(id int) bool // nil: every actor
}

func (v view) ok(id int) bool { return v.sc.s.actors[id] != nil && (v.allow == nil || v.allow(id)) }

func (v view) Node(id int64) graph.Node {
	if !v.ok(int(id)) {
		return nil
	}
	return simple.Node(id)
}

func (v view) Nodes() graph.Nodes {
	var ns []graph.Node
	for _, id := range v.sc.s.actorIDs {
		if v.ok(id) {
			ns = append(ns, simple.Node(id))
		}
	}
	return iterator.NewOrderedNodes(ns)
}

func (v view) From(id int64) graph.Nodes {
	if !v.ok(int(id)) {
		return graph.Empty
	}
	var ns []graph.Node
	for _, other := range v.sc.neighbours(int(id)) {
		if v.ok(other) {
			ns = append(ns, simple.Node(other))
		}
	}
	return iterator.NewOrderedNodes(ns)
}

func (v view) HasEdgeBetween(x, y int64) bool {
	p := v.sc.s.adj[int(x)][int(y)]
	return p != nil && v.ok(int(x)) && v.ok(int(y)) && v.sc.weight(p) > 0
}

func (v view) Edge(uid, vid int64) graph.Edge {
	if !v.HasEdgeBetween(uid, vid) {
		return nil
	}
	return simple.Edge{F: simple.Node(uid), T: simple.Node(vid)}
}

func (v view) EdgeBetween(x, y int64) graph.Edge { return v.Edge(x, y) }

var _ graph.Undirected = view{}
