package graph

import (
	"context"

	"entgo.io/contrib/entgql"

	"github.com/essaim/essaim/graph/model"
	"github.com/essaim/essaim/internal/area"
	"github.com/essaim/essaim/internal/search"
)

// searchFirst is the page size when first is missing. The server writes its
// own default into every connection before execution; this one only serves
// callers that bypass it.
const searchFirst = 20

// search converts between GraphQL and package search.
func (r *Resolver) search(ctx context.Context, query string, types []model.SearchType, a *area.Area,
	within, theme, first *int, after *entgql.Cursor[int]) (*model.SearchConnection, error) {
	req := search.Request{
		Query:  query,
		Filter: search.Filter{Area: a, Within: within, Theme: theme},
		First:  searchFirst,
	}
	for _, t := range types {
		req.Types = append(req.Types, search.Type(t))
	}
	if first != nil {
		req.First = *first
	}
	var err error
	if req.Offset, err = search.Offset(req, after); err != nil {
		return nil, err
	}
	db := r.db(ctx)
	page, err := search.Search(ctx, db, r.Dialect, req)
	if err != nil {
		return nil, err
	}
	nodes, err := search.Load(searchNodeContext(ctx), db, page.Hits)
	if err != nil {
		return nil, err
	}
	conn := &model.SearchConnection{
		TotalCount: page.Total,
		Edges:      make([]*model.SearchEdge, 0, len(nodes)),
		PageInfo:   &entgql.PageInfo[int]{HasNextPage: page.HasNext, HasPreviousPage: req.Offset > 0},
	}
	cursor := search.Cursors(req)
	for i, h := range page.Hits {
		if nodes[i] == nil {
			continue // deleted between the search and the load
		}
		conn.Edges = append(conn.Edges, &model.SearchEdge{
			Node:   nodes[i],
			Type:   model.SearchType(h.Type),
			Score:  h.Score,
			Rank:   h.Rank,
			Cursor: cursor(h.Rank),
		})
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}
