package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

// Access control and rate limits, through the real handler, on both stores
// and on the default configuration (not gqltest's anonymous EDITOR).

const (
	aRead       = `{ themes(first: 5) { totalCount } }`
	aCreate     = `mutation NewTheme { createTheme(input: {slug: "access-theme", label: "Access"}) { id slug } }`
	aAuditQuery = `query($first: Int, $after: Cursor, $key: String) { auditLog(first: $first, after: $after, keyId: $key) {
		totalCount pageInfo { hasNextPage endCursor }
		edges { node { keyId operation field objectId inputFields } } } }`
)

// aResp is a response as a client sees it: status, headers, body.
type aResp struct {
	status int
	header http.Header
	body   struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
		Extensions struct {
			Cost struct{ RequestedQueryCost int }
		} `json:"extensions"`
	}
}

func (r aResp) code() string {
	if len(r.body.Errors) == 0 {
		return ""
	}
	c, _ := r.body.Errors[0].Extensions["code"].(string)
	return c
}

// aReq describes one request: the Authorization header (verbatim) and the
// client address.
type aReq struct {
	authz  string
	remote string
	xff    string
}

func aPost(t *testing.T, h http.Handler, rq aReq, query string, vars map[string]any) aResp {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if rq.authz != "" {
		req.Header.Set("Authorization", rq.authz)
	}
	if rq.remote != "" {
		req.RemoteAddr = rq.remote
	}
	if rq.xff != "" {
		req.Header.Set("X-Forwarded-For", rq.xff)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r aResp
	r.status, r.header = rec.Code, rec.Header()
	if err := json.Unmarshal(rec.Body.Bytes(), &r.body); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
	return r
}

func bearer(token string) aReq { return aReq{authz: "Bearer " + token} }

func aHandler(st *store.Store, edit func(*server.Config)) http.Handler {
	cfg := server.DefaultConfig()
	if edit != nil {
		edit(&cfg)
	}
	return server.Handler(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func aKey(t *testing.T, st *store.Store, role auth.Role) (auth.Key, string) {
	t.Helper()
	k, token, err := auth.Create(context.Background(), st.Client, "test "+string(role), role)
	if err != nil {
		t.Fatal(err)
	}
	return k, token
}

// aState is what a refused request must leave unchanged.
type aState struct {
	themes, audit int
	version       int64
}

func aSnapshot(t *testing.T, st *store.Store) aState {
	t.Helper()
	ctx := context.Background()
	themes, err := st.Client.Theme.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	audit, err := st.Client.AuditEntry.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := store.GraphVersion(ctx, st.Client)
	if err != nil {
		t.Fatal(err)
	}
	return aState{themes, audit, v}
}

// TestAccessRoles: every role reads; mutations need EDITOR or ADMIN, and are
// refused FORBIDDEN, with nothing changed, for READER and anonymous clients.
func TestAccessRoles(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		h := aHandler(st, nil)
		tokens := map[string]string{}
		for _, r := range []auth.Role{auth.Reader, auth.Editor, auth.Admin} {
			_, tokens[string(r)] = aKey(t, st, r)
		}
		cases := []struct {
			who       string
			rq        aReq
			canMutate bool
		}{
			{"anonymous", aReq{}, false},
			{"READER", bearer(tokens["READER"]), false},
			{"EDITOR", bearer(tokens["EDITOR"]), true},
			{"ADMIN", bearer(tokens["ADMIN"]), true},
		}
		for i, c := range cases {
			if r := aPost(t, h, c.rq, aRead, nil); r.status != http.StatusOK || r.code() != "" {
				t.Errorf("%s read: status %d, code %q", c.who, r.status, r.code())
			}
			before := aSnapshot(t, st)
			q := strings.ReplaceAll(aCreate, "access-theme", "access-theme-"+strconv.Itoa(i))
			r := aPost(t, h, c.rq, q, nil)
			after := aSnapshot(t, st)
			if c.canMutate {
				if r.code() != "" || after.themes != before.themes+1 || after.audit != before.audit+1 {
					t.Errorf("%s mutation: code %q, themes %d→%d, audit %d→%d", c.who, r.code(), before.themes, after.themes, before.audit, after.audit)
				}
				continue
			}
			if r.code() != "FORBIDDEN" || string(r.body.Data) != "" || after != before {
				t.Errorf("%s mutation: code %q, data %s, state %+v→%+v; want FORBIDDEN, no data, no change", c.who, r.code(), r.body.Data, before, after)
			}
		}
	})
}

// TestAccessRefusedKeys: a missing key (anonymous reads off), and any
// malformed, forged, wrong or revoked key get 401 UNAUTHENTICATED with
// WWW-Authenticate, on reads and mutations, with nothing changed; the
// server answers a valid request afterwards.
func TestAccessRefusedKeys(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		closed := aHandler(st, func(c *server.Config) { c.Access.AnonymousRole = "" })
		open := aHandler(st, nil)
		revoked, revokedToken := aKey(t, st, auth.Editor)
		if err := auth.Revoke(ctx, st.Client, revoked.ID); err != nil {
			t.Fatal(err)
		}
		good, goodToken := aKey(t, st, auth.Editor)
		wrongSecret := "essaim_" + good.ID + "_" + strings.Repeat("A", 43)
		forged := "essaim_0123456789ab_" + strings.Repeat("B", 43)
		cases := []struct {
			name string
			h    http.Handler
			rq   aReq
		}{
			{"missing key, anonymous off", closed, aReq{}},
			{"forged key", open, bearer(forged)},
			{"existing key id, wrong secret", open, bearer(wrongSecret)},
			{"revoked key", open, bearer(revokedToken)},
			{"malformed token", open, bearer("not-a-key")},
			{"token with SQL", open, bearer("essaim_' OR 1=1 --_" + strings.Repeat("C", 43))},
			{"empty bearer", open, aReq{authz: "Bearer "}},
			{"basic scheme", open, aReq{authz: "Basic " + goodToken}},
			{"revoked key, anonymous off", closed, bearer(revokedToken)},
		}
		for _, c := range cases {
			for _, q := range []string{aRead, aCreate} {
				before := aSnapshot(t, st)
				r := aPost(t, c.h, c.rq, q, nil)
				if r.status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" ||
					!strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") || string(r.body.Data) != "" {
					t.Errorf("%s, %.20s: status %d, code %q, WWW-Authenticate %q, data %s",
						c.name, q, r.status, r.code(), r.header.Get("WWW-Authenticate"), r.body.Data)
				}
				if after := aSnapshot(t, st); after != before {
					t.Errorf("%s: state %+v → %+v", c.name, before, after)
				}
			}
		}
		for i, h := range []http.Handler{closed, open} {
			q := strings.ReplaceAll(aCreate, "access-theme", "after-refusals-"+strconv.Itoa(i))
			if r := aPost(t, h, bearer(goodToken), q, nil); r.status != http.StatusOK || r.code() != "" {
				t.Fatalf("valid key after refusals: status %d, code %q", r.status, r.code())
			}
		}
		keys, err := auth.List(ctx, st.Client)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if k.ID == good.ID && k.LastUsedAt == nil {
				t.Errorf("last used time of a used key not recorded")
			}
		}
	})
}

// TestAccessRevocationEveryServer: two servers on one database; a key
// revoked (from the CLI, another process) is refused by both at once.
func TestAccessRevocationEveryServer(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		a, b := aHandler(st, nil), aHandler(st, nil)
		k, token := aKey(t, st, auth.Reader)
		for _, h := range []http.Handler{a, b} {
			if r := aPost(t, h, bearer(token), aRead, nil); r.status != http.StatusOK {
				t.Fatalf("before revocation: %d %q", r.status, r.code())
			}
		}
		if err := auth.Revoke(context.Background(), st.Client, k.ID); err != nil {
			t.Fatal(err)
		}
		for _, h := range []http.Handler{a, b} {
			if r := aPost(t, h, bearer(token), aRead, nil); r.status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
				t.Errorf("after revocation: %d %q", r.status, r.code())
			}
		}
	})
}

// TestAccessMutationOverGET: the protocol refusal (405) comes before the
// role check, whoever asks, and the refused request is not charged.
func TestAccessMutationOverGET(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	h := aHandler(st, nil)
	_, reader := aKey(t, st, auth.Reader)
	for _, rq := range []aReq{{}, bearer(reader)} {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+strings.ReplaceAll(aCreate, " ", "+"), nil)
		if rq.authz != "" {
			req.Header.Set("Authorization", rq.authz)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Body.String(), "METHOD_NOT_ALLOWED") {
			t.Errorf("authorization %q: status %d body %s; want 405 METHOD_NOT_ALLOWED", rq.authz, rec.Code, rec.Body)
		}
		limit, _ := strconv.Atoi(rec.Header().Get("RateLimit-Limit"))
		if left, _ := strconv.Atoi(rec.Header().Get("RateLimit-Remaining")); left != limit {
			t.Errorf("authorization %q: %d of %d left after a refused request; want nothing charged", rq.authz, left, limit)
		}
	}
}
