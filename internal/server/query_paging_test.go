package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

const qActorCount = 45

// qActorName is the name of the i-th actor (1-based) in NAME order.
func qActorName(i int) string { return fmt.Sprintf("Actor %02d", i) }

// qActorNames lists the names of actors from to to (inclusive), in order.
func qActorNames(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, qActorName(i))
	}
	return out
}

// qPagingData holds 45 actors, created in an order unrelated to their names,
// all acting in one commune, sharing a theme, and 25 of them taking part in
// one initiative; and a département with 25 communes.
type qPagingData struct {
	Commune, Dept *ent.Territory
	Theme         *ent.Theme
	Initiative    *ent.Initiative
}

func newQPagingData(t *testing.T, st *store.Store) *qPagingData {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	d := &qPagingData{}
	var err error
	if d.Dept, err = c.Territory.Create().SetKind(territory.KindDEPARTMENT).SetCode("99").SetName("Dept 99").Save(ctx); err != nil {
		t.Fatal(err)
	}
	communes := make([]*ent.TerritoryCreate, 25)
	for i := range communes {
		communes[i] = c.Territory.Create().SetKind(territory.KindCOMMUNE).SetCode(fmt.Sprintf("99%03d", i+1)).
			SetName(fmt.Sprintf("Commune %02d", i+1)).AddContainedIn(d.Dept)
	}
	cs, err := c.Territory.CreateBulk(communes...).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d.Commune = cs[0]
	if d.Theme, err = c.Theme.Create().SetSlug("shared").SetLabel("Shared").Save(ctx); err != nil {
		t.Fatal(err)
	}
	if d.Initiative, err = c.Initiative.Create().SetTitle("Big").Save(ctx); err != nil {
		t.Fatal(err)
	}
	// 7 and 45 are coprime: i*7 mod 45 visits every actor once, out of order,
	// so IDs do not follow names.
	for k := range qActorCount {
		i := k*7%qActorCount + 1
		a, err := c.Actor.Create().SetName(qActorName(i)).SetKind(actor.KindASSOCIATION).
			AddTerritories(d.Commune).AddThemes(d.Theme).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if i <= 25 {
			if _, err := c.Participation.Create().SetActor(a).SetInitiative(d.Initiative).SetRole("PARTNER").Save(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	return d
}

const qActorsPage = `query($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
	actors(first: $first, after: $after, last: $last, before: $before, orderBy: {field: NAME}) {
		totalCount
		pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		edges { cursor node { name } }
	}
}`

// TestQueryPagination pages through actors forwards and backwards, and checks
// the default and maximum page sizes and forged cursors.
func TestQueryPagination(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		newQPagingData(t, st)
		c := gqltest.New(st)
		page := func(t *testing.T, vars map[string]any) qConn {
			t.Helper()
			var out struct{ Actors qConn }
			c.MustData(t, qActorsPage, vars, &out)
			if out.Actors.TotalCount != qActorCount {
				t.Errorf("totalCount %d, want %d", out.Actors.TotalCount, qActorCount)
			}
			return out.Actors
		}

		t.Run("forwards", func(t *testing.T) {
			t.Parallel()
			want := []struct {
				from, to int
				next     bool
			}{{1, 20, true}, {21, 40, true}, {41, 45, false}}
			var after any
			for i, w := range want {
				p := page(t, map[string]any{"first": 20, "after": after})
				if got := p.names(); !slices.Equal(got, qActorNames(w.from, w.to)) {
					t.Fatalf("page %d: %q, want %s..%s", i+1, got, qActorName(w.from), qActorName(w.to))
				}
				if p.PageInfo.HasNextPage != w.next {
					t.Errorf("page %d: hasNextPage %v, want %v", i+1, p.PageInfo.HasNextPage, w.next)
				}
				if p.PageInfo.EndCursor == nil || *p.PageInfo.EndCursor != p.Edges[len(p.Edges)-1].Cursor {
					t.Fatalf("page %d: endCursor %v is not the last edge's cursor", i+1, qDeref(p.PageInfo.EndCursor))
				}
				after = *p.PageInfo.EndCursor
			}
		})

		t.Run("forwards with first written in the document", func(t *testing.T) {
			t.Parallel()
			q := `query($after: Cursor) { actors(first: 20, after: $after, orderBy: {field: NAME}) {
				totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } }`
			var all []string
			var after any
			for range 3 {
				var out struct{ Actors qConn }
				c.MustData(t, q, map[string]any{"after": after}, &out)
				all = append(all, out.Actors.names()...)
				after = *out.Actors.PageInfo.EndCursor
			}
			if !slices.Equal(all, qActorNames(1, qActorCount)) {
				t.Errorf("3 pages of 20: %q", all)
			}
		})

		t.Run("backwards", func(t *testing.T) {
			t.Parallel()
			want := []struct {
				from, to int
				prev     bool
			}{{26, 45, true}, {6, 25, true}, {1, 5, false}}
			var before any
			for i, w := range want {
				p := page(t, map[string]any{"last": 20, "before": before})
				if got := p.names(); !slices.Equal(got, qActorNames(w.from, w.to)) {
					t.Fatalf("page %d: %q, want %s..%s", i+1, got, qActorName(w.from), qActorName(w.to))
				}
				if p.PageInfo.HasPreviousPage != w.prev {
					t.Errorf("page %d: hasPreviousPage %v, want %v", i+1, p.PageInfo.HasPreviousPage, w.prev)
				}
				before = *p.PageInfo.StartCursor
			}
		})

		t.Run("after then before come back", func(t *testing.T) {
			t.Parallel()
			first := page(t, map[string]any{"first": 20})
			second := page(t, map[string]any{"first": 20, "after": *first.PageInfo.EndCursor})
			back := page(t, map[string]any{"last": 20, "before": *second.PageInfo.StartCursor})
			if !slices.Equal(back.names(), first.names()) {
				t.Errorf("last 20 before page 2: %q, want page 1 %q", back.names(), first.names())
			}
		})

		t.Run("default page size", func(t *testing.T) {
			t.Parallel()
			var out struct{ Actors qConn }
			c.MustData(t, `{ actors(orderBy: {field: NAME}) { totalCount pageInfo { hasNextPage } edges { node { name } } } }`, nil, &out)
			if !slices.Equal(out.Actors.names(), qActorNames(1, 20)) {
				t.Errorf("no first/last: %q, want the first 20", out.Actors.names())
			}
			if !out.Actors.PageInfo.HasNextPage || out.Actors.TotalCount != qActorCount {
				t.Errorf("hasNextPage %v totalCount %d", out.Actors.PageInfo.HasNextPage, out.Actors.TotalCount)
			}
		})

		t.Run("page sizes within bounds", func(t *testing.T) {
			t.Parallel()
			for _, n := range []int{0, 1, 100} {
				p := page(t, map[string]any{"first": n})
				if want := min(n, qActorCount); len(p.Edges) != want {
					t.Errorf("first: %d gave %d edges, want %d", n, len(p.Edges), want)
				}
			}
			if p := page(t, map[string]any{"last": 100}); len(p.Edges) != qActorCount {
				t.Errorf("last: 100 gave %d edges", len(p.Edges))
			}
		})

		// A valid cursor, to check that a valid one passes where forged ones fail.
		valid := *page(t, map[string]any{"first": 1}).PageInfo.EndCursor
		bad := []struct {
			name  string
			query string
			vars  map[string]any
		}{
			{"first 101", `{ actors(first: 101) { totalCount } }`, nil},
			{"first 101 through a variable", qActorsPage, map[string]any{"first": 101}},
			{"last 101 through a variable", qActorsPage, map[string]any{"last": 101}},
			{"last 1000", `{ actors(last: 1000) { totalCount } }`, nil},
			{"first -1", `{ actors(first: -1) { totalCount } }`, nil},
			{"first -1 through a variable", qActorsPage, map[string]any{"first": -1}},
			{"first and last null through variables", qActorsPage, map[string]any{"first": nil, "last": nil}},
			{"forged after cursor", `{ actors(first: 5, after: "garbage") { totalCount } }`, nil},
			{"forged before cursor", `{ actors(last: 5, before: "garbage") { totalCount } }`, nil},
			{"forged cursor through a variable", qActorsPage, map[string]any{"first": 5, "after": "garbage"}},
			{"base64 that is no cursor", qActorsPage, map[string]any{"first": 5, "after": "AAAAAAAA"}},
			{"empty cursor", qActorsPage, map[string]any{"first": 5, "after": ""}},
			{"truncated cursor", qActorsPage, map[string]any{"first": 5, "after": valid[:len(valid)/2]}},
			{"forged cursor on a nested connection",
				`{ initiatives(first: 1) { edges { node { actors(first: 5, after: "garbage") { totalCount } } } } }`, nil},
			{"first and last together", `{ actors(first: 5, last: 5) { totalCount } }`, nil},
			{"first and last together through variables", qActorsPage, map[string]any{"first": 5, "last": 5}},
			{"first and last together on a nested connection",
				`{ initiatives(first: 1) { edges { node { participations(first: 2, last: 2) { totalCount } } } } }`, nil},
			{"a cursor whose value is an object", qActorsPage, map[string]any{"first": 5, "after": qCursor(t, 1, map[string]any{"a": 1})}},
			{"a cursor whose value is a list", qActorsPage, map[string]any{"first": 5, "after": qCursor(t, 1, []any{1, 2})}},
			{"a cursor whose value is an object, on a nested connection",
				`query($c: Cursor) { initiatives(first: 1) { edges { node { actors(first: 5, after: $c) { totalCount } } } } }`,
				map[string]any{"c": qCursor(t, 1, map[string]any{"a": 1})}},
			{"a text cursor value where the order is a number",
				`query($c: Cursor) { territories(first: 5, after: $c, orderBy: {field: POPULATION}) { totalCount } }`,
				map[string]any{"c": qCursor(t, 1, "many")}},
			{"a number cursor value where the order is a time",
				`query($c: Cursor) { actors(first: 5, after: $c, orderBy: {field: CREATED_AT}) { totalCount } }`,
				map[string]any{"c": qCursor(t, 1, 12)}},
			{"first 101 on a nested connection",
				`{ initiatives(first: 1) { edges { node { actors(first: 101) { totalCount } } } } }`, nil},
			{"first 101 on a nested connection in a fragment",
				`{ territories(first: 1) { edges { node { ...F } } } } fragment F on Territory { actors(first: 101) { totalCount } }`, nil},
			{"first 101 on a nested connection through a variable",
				`query($n: Int) { themes(first: 1) { edges { node { actors(first: $n) { totalCount } } } } }`, map[string]any{"n": 101}},
		}
		for _, tc := range bad {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				c.MustFail(t, tc.query, tc.vars, "BAD_USER_INPUT")
			})
		}
		t.Run("cursors of every order field type pass", func(t *testing.T) {
			t.Parallel()
			for _, q := range []string{
				`query($c: Cursor) { territories(first: 2, after: $c, orderBy: {field: POPULATION, direction: DESC}) { pageInfo { endCursor } edges { node { id } } } }`,
				`query($c: Cursor) { actors(first: 2, after: $c, orderBy: {field: CREATED_AT}) { pageInfo { endCursor } edges { node { id } } } }`,
				`query($c: Cursor) { themes(first: 2, after: $c, orderBy: {field: SLUG}) { pageInfo { endCursor } edges { node { id } } } }`,
				`query($c: Cursor) { initiatives(first: 2, after: $c) { pageInfo { endCursor } edges { node { id } } } }`,
			} {
				var first map[string]struct {
					PageInfo struct{ EndCursor *string }
				}
				c.MustData(t, q, nil, &first)
				for _, conn := range first {
					if conn.PageInfo.EndCursor == nil {
						t.Fatalf("%s: no end cursor", q)
					}
					var next map[string]json.RawMessage
					c.MustData(t, q, map[string]any{"c": *conn.PageInfo.EndCursor}, &next)
				}
			}
		})
		t.Run("the valid cursor passes", func(t *testing.T) {
			t.Parallel()
			if p := page(t, map[string]any{"first": 5, "after": valid}); !slices.Equal(p.names(), qActorNames(2, 6)) {
				t.Errorf("after the first actor: %q", p.names())
			}
		})
	})
}

// TestQueryNestedPaging checks that nested connections get the default page
// size when they set neither first nor last, on the eager-loading path (under
// a root connection) and on the lazy one (under territory(kind:, code:)).
func TestQueryNestedPaging(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		d := newQPagingData(t, st)
		c := gqltest.New(st)
		edgesOf := func(t *testing.T, query string, vars map[string]any, path ...string) qConn {
			t.Helper()
			resp := c.Post(t, query, vars)
			if len(resp.Errors) > 0 {
				t.Fatalf("query failed: %+v", resp.Errors)
			}
			var got qConn
			qDig(t, resp.Data, &got, path...)
			return got
		}
		type want struct{ edges, total int }
		cases := []struct {
			name  string
			query string
			vars  map[string]any
			path  []string
			want  want
		}{
			{"territory actors under a root connection",
				`{ territories(first: 1, where: {code: "99001"}) { edges { node { actors { totalCount edges { node { name } } } } } } }`,
				nil, []string{"territories", "edges", "0", "node", "actors"}, want{20, qActorCount}},
			{"territory actors under territory(kind:, code:)",
				`{ territory(kind: COMMUNE, code: "99001") { actors { totalCount pageInfo { hasNextPage } edges { node { name } } } } }`,
				nil, []string{"territory", "actors"}, want{20, qActorCount}},
			{"initiative actors",
				`{ initiatives(first: 5) { edges { node { actors { totalCount edges { node { name } } } } } } }`,
				nil, []string{"initiatives", "edges", "0", "node", "actors"}, want{20, 25}},
			{"initiative participations",
				`{ initiatives(first: 5) { edges { node { participations { totalCount edges { node { role } } } } } } }`,
				nil, []string{"initiatives", "edges", "0", "node", "participations"}, want{20, 25}},
			{"theme actors in a fragment",
				`{ themes(first: 5) { edges { node { ...T } } } } fragment T on Theme { actors { totalCount edges { node { name } } } }`,
				nil, []string{"themes", "edges", "0", "node", "actors"}, want{20, qActorCount}},
			{"theme actors through node()",
				`query($id: ID!) { node(id: $id) { ... on Theme { actors { totalCount edges { node { name } } } } } }`,
				map[string]any{"id": qID(d.Theme.ID)}, []string{"node", "actors"}, want{20, qActorCount}},
			{"explicit first is kept",
				`query($n: Int) { initiatives(first: 1) { edges { node { actors(first: $n) { totalCount edges { node { name } } } } } } }`,
				map[string]any{"n": 25}, []string{"initiatives", "edges", "0", "node", "actors"}, want{25, 25}},
			{"containedIn",
				`{ territory(kind: COMMUNE, code: "99001") { containedIn { totalCount edges { node { name } } } } }`,
				nil, []string{"territory", "containedIn"}, want{1, 1}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				got := edgesOf(t, tc.query, tc.vars, tc.path...)
				if len(got.Edges) != tc.want.edges || got.TotalCount != tc.want.total {
					t.Errorf("%d edges, totalCount %d; want %d edges, totalCount %d",
						len(got.Edges), got.TotalCount, tc.want.edges, tc.want.total)
				}
			})
		}

		t.Run("same document twice keeps its default", func(t *testing.T) {
			t.Parallel()
			// The default is written into the cached document: a second request
			// with the same text must behave the same.
			q := `{ territory(kind: COMMUNE, code: "99001") { actors { edges { node { name } } } } }`
			for i := range 2 {
				if got := edgesOf(t, q, nil, "territory", "actors"); len(got.Edges) != 20 {
					t.Errorf("request %d: %d edges, want 20", i+1, len(got.Edges))
				}
			}
		})

		t.Run("territory contains", func(t *testing.T) {
			t.Parallel()
			// A département has hundreds of communes: contains must be a paged
			// connection like containedIn.
			resp := c.Post(t, `{ territory(kind: DEPARTMENT, code: "99") { contains { totalCount edges { node { name } } } } }`, nil)
			var got qConn
			if len(resp.Errors) > 0 {
				t.Fatalf("query failed: %+v", resp.Errors)
			}
			qDig(t, resp.Data, &got, "territory", "contains")
			if len(got.Edges) != 20 || got.TotalCount != 25 {
				t.Errorf("contains: %d edges, totalCount %d; want 20 of 25", len(got.Edges), got.TotalCount)
			}
			c.MustFail(t, `{ territory(kind: DEPARTMENT, code: "99") { contains(first: 101) { totalCount } } }`, nil, "BAD_USER_INPUT")
		})
	})
}

// qDig decodes the value at path (object keys or array indexes) of data into out.
func qDig(t *testing.T, data []byte, out any, path ...string) {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i >= len(x) {
				t.Fatalf("path %s: no index %s in %d elements (data %s)", strings.Join(path, "."), p, len(x), data)
			}
			v = x[i]
		default:
			t.Fatalf("path %s: %s not found in %s", strings.Join(path, "."), p, data)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// qCursor forges a cursor as entgql writes them, with any value.
func qCursor(t *testing.T, id int, value any) string {
	t.Helper()
	var b strings.Builder
	entgql.Cursor[int]{ID: id, Value: value}.MarshalGQL(&b)
	c, err := strconv.Unquote(b.String())
	if err != nil {
		t.Fatal(err)
	}
	return c
}
