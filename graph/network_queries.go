package graph

import (
	"context"
	"fmt"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/graph/model"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/network"
)

func (r *Resolver) links(ctx context.Context, obj *ent.Actor, first *int, after *ent.Cursor, f *model.LinkFilter) (*model.ActorLinkConnection, error) {
	n, err := r.first(first, r.pageSize())
	if err != nil {
		return nil, err
	}
	lf, err := r.linkFilter(ctx, f)
	if err != nil {
		return nil, err
	}
	s, err := r.snapshot(ctx, "actor")
	if err != nil {
		return nil, err
	}
	all := s.Links(obj.ID, lf)
	start := 0
	if after != nil {
		// Link cursors hold the offset of the edge; a crafted negative one
		// must not index the slice, nor a huge one overflow.
		if after.ID < 0 {
			return nil, apierr.BadInput("after", "after: invalid cursor")
		}
		start = len(all)
		if after.ID < len(all) {
			start = after.ID + 1
		}
	}
	end := min(start+n, len(all))
	start = min(start, end)
	page := all[start:end]
	if !slices.Contains(graphql.CollectAllFields(ctx), "edges") {
		page = nil // only totalCount or pageInfo asked: load nothing
	}
	var w wanted
	for _, l := range page {
		w.actors = append(w.actors, l.Actor)
		w.relations = append(w.relations, relationIDs(l.Relations)...)
		w.themes = append(w.themes, l.Themes...)
	}
	e, err := r.load(ctx, w)
	if err != nil {
		return nil, err
	}
	conn := &model.ActorLinkConnection{TotalCount: len(all), PageInfo: &ent.PageInfo{
		HasNextPage: end < len(all), HasPreviousPage: start > 0,
	}}
	for i, l := range page {
		cur := ent.Cursor{ID: start + i}
		conn.Edges = append(conn.Edges, &model.ActorLinkEdge{
			Cursor: cur, Node: e.actors[l.Actor], Relations: pick(e.relations, relationIDs(l.Relations)),
			SharedThemes: pick(e.themes, l.Themes), Weight: l.Weight, SharedInitiativeIDs: l.Initiatives,
		})
	}
	if end > start { // from the offsets, so paging on pageInfo alone works too
		first, last := ent.Cursor{ID: start}, ent.Cursor{ID: end - 1}
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &first, &last
	}
	return conn, nil
}

func (r *Resolver) actorMetrics(ctx context.Context, obj *ent.Actor) (*model.ActorNetworkMetrics, error) {
	s, err := r.snapshot(ctx, "actor")
	if err != nil {
		return nil, err
	}
	m := s.ActorMetrics(obj.ID)
	return &model.ActorNetworkMetrics{
		Degree: m.Degree, WeightedDegree: m.WeightedDegree, Betweenness: m.Betweenness,
		BetweennessScope: model.MetricScope(m.BetweennessScope), Community: m.Community,
	}, nil
}

func (r *Resolver) commonPartners(ctx context.Context, actors []int, atLeast *int, f *model.LinkFilter, first *int) ([]*model.CommonPartner, error) {
	// An actor listed twice is one actor: it must not count twice towards
	// atLeast (whose default is the number of actors).
	actors = slices.Compact(slices.Sorted(slices.Values(actors)))
	if len(actors) == 0 || len(actors) > maxCommonList {
		return nil, apierr.BadInput("actors", "actors must list between 1 and %d actors", maxCommonList)
	}
	need, err := inRange("atLeast", atLeast, len(actors), 1, len(actors))
	if err != nil {
		return nil, err
	}
	n, err := r.first(first, r.pageSize())
	if err != nil {
		return nil, err
	}
	lf, err := r.linkFilter(ctx, f)
	if err != nil {
		return nil, err
	}
	s, err := r.snapshot(ctx, "actors", actors...)
	if err != nil {
		return nil, err
	}
	found := s.CommonPartners(actors, need, lf)
	found = found[:min(n, len(found))]
	var w wanted
	for _, cp := range found {
		w.actors = append(append(w.actors, cp.Actor), cp.LinkedTo...)
	}
	e, err := r.load(ctx, w)
	if err != nil {
		return nil, err
	}
	out := make([]*model.CommonPartner, len(found))
	for i, cp := range found {
		out[i] = &model.CommonPartner{Actor: e.actors[cp.Actor], LinkedTo: pick(e.actors, cp.LinkedTo), Weight: cp.Weight}
	}
	return out, nil
}

func (r *Resolver) actorPath(ctx context.Context, from, to int, maxHops *int, f *model.LinkFilter, paths *int) ([]*model.ActorPath, error) {
	hops, err := inRange("maxHops", maxHops, 4, 1, network.MaxHops)
	if err != nil {
		return nil, err
	}
	k, err := inRange("maxPaths", paths, 5, 1, maxPaths)
	if err != nil {
		return nil, err
	}
	lf, err := r.linkFilter(ctx, f)
	if err != nil {
		return nil, err
	}
	s, err := r.snapshot(ctx, "from", from)
	if err != nil {
		return nil, err
	}
	if !s.HasActor(to) {
		return nil, apierr.BadInput("to", "to: no actor has ID %d", to)
	}
	found := s.Paths(from, to, hops, k, lf)
	var w wanted
	for _, p := range found {
		w.actors = append(w.actors, p.Actors...)
		for _, h := range p.Hops {
			w.relations = append(w.relations, relationIDs(h.Relations)...)
			w.initiatives = append(w.initiatives, h.Initiatives...)
		}
	}
	e, err := r.load(ctx, w)
	if err != nil {
		return nil, err
	}
	out := make([]*model.ActorPath, len(found))
	for i, p := range found {
		mp := &model.ActorPath{Length: len(p.Hops), Actors: pick(e.actors, p.Actors)}
		for _, h := range p.Hops {
			mp.Hops = append(mp.Hops, &model.PathHop{
				From: e.actors[h.From], To: e.actors[h.To],
				Relations: pick(e.relations, relationIDs(h.Relations)), SharedInitiatives: pick(e.initiatives, h.Initiatives),
			})
		}
		if mp.Hops == nil {
			mp.Hops = []*model.PathHop{}
		}
		out[i] = mp
	}
	return out, nil
}

func (r *Resolver) actorNetwork(ctx context.Context, f *model.NetworkFilter, center, depth, limit *int) (*model.ActorNetwork, error) {
	d, err := inRange("depth", depth, 2, 1, maxDepth)
	if err != nil {
		return nil, err
	}
	lim, err := inRange("limit", limit, 200, 1, maxNetwork)
	if err != nil {
		return nil, err
	}
	nf, err := r.networkFilter(ctx, f)
	if err != nil {
		return nil, err
	}
	var ids []int
	if center != nil {
		ids = append(ids, *center)
	}
	s, err := r.snapshot(ctx, "center", ids...)
	if err != nil {
		return nil, err
	}
	net := s.Network(nf, center, d, lim)
	var w wanted
	for _, n := range net.Nodes {
		w.actors = append(w.actors, n.Actor)
	}
	e, err := r.load(ctx, w)
	if err != nil {
		return nil, err
	}
	out := &model.ActorNetwork{Truncated: net.Truncated, TotalNodes: net.Total,
		Nodes: []*model.NetworkNode{}, Edges: []*model.NetworkEdge{}}
	for _, n := range net.Nodes {
		out.Nodes = append(out.Nodes, &model.NetworkNode{
			Actor: e.actors[n.Actor], Degree: n.Degree, Betweenness: n.Betweenness, Community: n.Community,
		})
	}
	for _, ed := range net.Edges {
		me := &model.NetworkEdge{Source: ed.A, Target: ed.B, Weight: ed.Weight}
		for _, k := range ed.Kinds {
			me.Kinds = append(me.Kinds, model.LinkKind(k))
		}
		out.Edges = append(out.Edges, me)
	}
	return out, nil
}

func (r *Resolver) networkFilter(ctx context.Context, f *model.NetworkFilter) (network.NetworkFilter, error) {
	if f == nil {
		return network.NetworkFilter{}, nil
	}
	lf, err := r.linkFilter(ctx, f.Links)
	if err != nil {
		return network.NetworkFilter{}, err
	}
	out := network.NetworkFilter{Link: lf, Theme: f.Theme, Within: f.WithinTerritory, Area: f.Area}
	for _, k := range f.ActorKinds {
		out.ActorKinds = append(out.ActorKinds, string(k))
	}
	return out, r.checkPlaceAndTheme(ctx, "withinTerritory", f.Theme, f.WithinTerritory)
}

func (r *Resolver) suggestedPartners(ctx context.Context, id int, first *int) ([]*model.PartnerSuggestion, error) {
	n, err := r.first(first, 10)
	if err != nil {
		return nil, err
	}
	s, err := r.snapshot(ctx, "actor", id)
	if err != nil {
		return nil, err
	}
	found := s.Suggest(id, n)
	var w wanted
	for _, sg := range found {
		w.actors = append(append(w.actors, sg.Actor), sg.CommonPartners...)
		w.themes = append(w.themes, sg.SharedThemes...)
		w.territories = append(w.territories, sg.Territories...)
	}
	e, err := r.load(ctx, w)
	if err != nil {
		return nil, err
	}
	out := make([]*model.PartnerSuggestion, len(found))
	for i, sg := range found {
		out[i] = &model.PartnerSuggestion{Actor: e.actors[sg.Actor], Score: sg.Score, Reasons: reasons(sg, e)}
	}
	return out, nil
}

func reasons(sg network.Suggestion, e *entities) []*model.SuggestionReason {
	var out []*model.SuggestionReason
	add := func(kind model.SuggestionReasonKind, n int, what string, r *model.SuggestionReason) {
		if n == 0 {
			return
		}
		r.Kind, r.Description = kind, fmt.Sprintf("%d %s", n, what)
		r.Actors, r.Themes, r.Territories = nonNil(r.Actors), nonNil(r.Themes), nonNil(r.Territories)
		out = append(out, r)
	}
	add(model.SuggestionReasonKindCommonPartners, len(sg.CommonPartners), "common partner(s)",
		&model.SuggestionReason{Actors: pick(e.actors, sg.CommonPartners)})
	add(model.SuggestionReasonKindSharedThemes, len(sg.SharedThemes), "shared theme(s)",
		&model.SuggestionReason{Themes: pick(e.themes, sg.SharedThemes)})
	add(model.SuggestionReasonKindOverlappingTerritories, len(sg.Territories), "overlapping territory(ies)",
		&model.SuggestionReason{Territories: pick(e.territories, sg.Territories)})
	return out
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
