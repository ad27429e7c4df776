package server_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

type auditPage struct {
	AuditLog struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Edges []struct {
			Node struct {
				KeyID       string
				Operation   string
				Field       string
				ObjectID    *string
				InputFields []string
			}
		}
	}
}

func auditRead(t *testing.T, r aResp) auditPage {
	t.Helper()
	if r.code() != "" {
		t.Fatalf("auditLog: %s %+v", r.code(), r.body.Errors)
	}
	var p auditPage
	if err := json.Unmarshal(r.body.Data, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAuditLog: each mutation field that commits is recorded with its key,
// operation, field, object and input fields, in its transaction (a failed
// mutation leaves no entry); only ADMIN reads the log.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		h := aHandler(st, nil)
		editor, editorToken := aKey(t, st, auth.Editor)
		_, adminToken := aKey(t, st, auth.Admin)
		_, readerToken := aKey(t, st, auth.Reader)

		r := aPost(t, h, bearer(editorToken), aCreate, nil)
		if r.code() != "" {
			t.Fatalf("create: %+v", r.body.Errors)
		}
		var created struct{ CreateTheme struct{ ID string } }
		if err := json.Unmarshal(r.body.Data, &created); err != nil {
			t.Fatal(err)
		}
		r = aPost(t, h, bearer(adminToken), `mutation Relabel($id: ID!) { updateTheme(id: $id, input: {label: "Renamed"}) { id } }`,
			map[string]any{"id": created.CreateTheme.ID})
		if r.code() != "" {
			t.Fatalf("update: %+v", r.body.Errors)
		}

		// Failures leave nothing: a duplicate slug, and a request whose
		// first field succeeds and second fails (one transaction).
		before := aSnapshot(t, st)
		for _, q := range []string{
			aCreate,
			`mutation Two { a: createTheme(input: {slug: "fresh-one", label: "F"}) { id } b: createTheme(input: {slug: "access-theme", label: "Dup"}) { id } }`,
		} {
			if r := aPost(t, h, bearer(editorToken), q, nil); r.code() != "BAD_USER_INPUT" && r.code() != "INTERNAL" {
				t.Errorf("failing mutation: code %q, want BAD_USER_INPUT", r.code())
			}
		}
		if after := aSnapshot(t, st); after != before {
			t.Errorf("failed mutations changed state %+v → %+v", before, after)
		}

		// ADMIN reads the log, newest first.
		p := auditRead(t, aPost(t, h, bearer(adminToken), aAuditQuery, map[string]any{"first": 10}))
		if p.AuditLog.TotalCount != 2 || len(p.AuditLog.Edges) != 2 {
			t.Fatalf("audit log: %+v, want 2 entries", p.AuditLog)
		}
		upd, cre := p.AuditLog.Edges[0].Node, p.AuditLog.Edges[1].Node
		if cre.KeyID != editor.ID || cre.Operation != "NewTheme" || cre.Field != "createTheme" ||
			cre.ObjectID == nil || *cre.ObjectID != created.CreateTheme.ID ||
			!slices.Equal(cre.InputFields, []string{"input.label", "input.slug"}) {
			t.Errorf("create entry: %+v", cre)
		}
		if upd.KeyID == editor.ID || upd.Operation != "Relabel" || upd.Field != "updateTheme" ||
			upd.ObjectID == nil || *upd.ObjectID != created.CreateTheme.ID ||
			!slices.Equal(upd.InputFields, []string{"id", "input.label"}) {
			t.Errorf("update entry: %+v", upd)
		}

		// Paging and the key filter.
		p = auditRead(t, aPost(t, h, bearer(adminToken), aAuditQuery, map[string]any{"first": 1}))
		if len(p.AuditLog.Edges) != 1 || !p.AuditLog.PageInfo.HasNextPage || p.AuditLog.Edges[0].Node.Field != "updateTheme" {
			t.Fatalf("first page: %+v", p.AuditLog)
		}
		p = auditRead(t, aPost(t, h, bearer(adminToken), aAuditQuery, map[string]any{"first": 1, "after": *p.AuditLog.PageInfo.EndCursor}))
		if len(p.AuditLog.Edges) != 1 || p.AuditLog.PageInfo.HasNextPage || p.AuditLog.Edges[0].Node.Field != "createTheme" {
			t.Fatalf("second page: %+v", p.AuditLog)
		}
		p = auditRead(t, aPost(t, h, bearer(adminToken), aAuditQuery, map[string]any{"first": 10, "key": editor.ID}))
		if p.AuditLog.TotalCount != 1 || p.AuditLog.Edges[0].Node.KeyID != editor.ID {
			t.Errorf("key filter: %+v", p.AuditLog)
		}
		if r := aPost(t, h, bearer(adminToken), aAuditQuery, map[string]any{"first": 1000}); r.code() != "BAD_USER_INPUT" {
			t.Errorf("page of 1000: code %q, want BAD_USER_INPUT", r.code())
		}

		// Nobody else reads it.
		for who, rq := range map[string]aReq{"EDITOR": bearer(editorToken), "READER": bearer(readerToken), "anonymous": {}} {
			r := aPost(t, h, rq, aAuditQuery, map[string]any{"first": 10})
			if r.code() != "FORBIDDEN" || string(r.body.Data) != "null" {
				t.Errorf("%s reads the audit log: code %q, data %s", who, r.code(), r.body.Data)
			}
		}
	})
}

// TestAccessHiddenTypes: keys and audit entries are not GraphQL types of
// the generated schema, and their IDs resolve to nothing through node(s).
func TestAccessHiddenTypes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		h := aHandler(st, nil)
		_, editorToken := aKey(t, st, auth.Editor)
		if r := aPost(t, h, bearer(editorToken), aCreate, nil); r.code() != "" {
			t.Fatal(r.body.Errors)
		}
		k, err := st.Client.APIKey.Query().First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		e, err := st.Client.AuditEntry.Query().First(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r := aPost(t, h, aReq{}, `{ a: __type(name: "APIKey") { name } b: __type(name: "ApiKey") { name } }`, nil)
		if string(r.body.Data) != `{"a":null,"b":null}` {
			t.Errorf("API key type visible: %s", r.body.Data)
		}
		for _, id := range []int{k.ID, e.ID} {
			r := aPost(t, h, aReq{}, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": qID(id)})
			if r.code() == "" && string(r.body.Data) != `{"node":null}` {
				t.Errorf("node(id: %d) answers %s", id, r.body.Data)
			}
			r = aPost(t, h, aReq{}, `query($id: ID!) { nodes(ids: [$id]) { id } }`, map[string]any{"id": qID(id)})
			if r.code() == "" && string(r.body.Data) != `{"nodes":[null]}` {
				t.Errorf("nodes(ids: [%d]) answers %s", id, r.body.Data)
			}
		}
	})
}
