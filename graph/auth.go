package graph

import (
	"context"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/graph/model"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/auth"
)

// auditLog serves Query.auditLog to ADMIN keys. The paging extension has
// checked first (given, or the default written into the document).
func (r *Resolver) auditLog(ctx context.Context, first *int, after *ent.Cursor, keyID *string) (*model.AuditEntryConnection, error) {
	if !auth.FromContext(ctx).Role.Allows(auth.Admin) {
		return nil, apierr.New(apierr.Forbidden, "the audit log is readable with an ADMIN key only")
	}
	n, from, key := 0, 0, ""
	if first != nil {
		n = *first
	}
	if after != nil {
		from = after.ID
	}
	if keyID != nil {
		key = *keyID
	}
	page, err := auth.Log(ctx, r.db(ctx), n, from, key)
	if err != nil {
		return nil, err
	}
	conn := &model.AuditEntryConnection{
		Edges:      make([]*model.AuditEntryEdge, len(page.Entries)),
		PageInfo:   &ent.PageInfo{HasNextPage: page.HasNextPage, HasPreviousPage: after != nil},
		TotalCount: page.TotalCount,
	}
	for i, e := range page.Entries {
		conn.Edges[i] = &model.AuditEntryEdge{Node: e, Cursor: ent.Cursor{ID: e.ID}}
	}
	if len(conn.Edges) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(conn.Edges)-1].Cursor
	}
	return conn, nil
}
