package server_test

// Tests of the GraphQL read side through the real HTTP handler, on both
// stores. This file holds the shared helpers and the territory filters; the
// other query_*_test.go files hold the rest.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/sqlcount"
	"github.com/essaim/essaim/internal/store"
)

// qID is the GraphQL ID of an ent ID.
func qID(id int) string { return strconv.Itoa(id) }

// qConn is a decoded connection whose nodes carry a name or a title.
type qConn struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []struct {
		Cursor string `json:"cursor"`
		Node   qNamed `json:"node"`
	} `json:"edges"`
}

// qNamed is any node with a display field.
type qNamed struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Title string `json:"title"`
	Label string `json:"label"`
	Role  string `json:"role"`
}

func (n qNamed) String() string {
	for _, s := range []string{n.Name, n.Title, n.Label, n.Role} {
		if s != "" {
			return s
		}
	}
	return ""
}

// names lists the display fields of the connection's nodes, in order.
func (c qConn) names() []string {
	out := make([]string, 0, len(c.Edges))
	for _, e := range c.Edges {
		out = append(out, e.Node.String())
	}
	return out
}

// root query field → where input type and display field.
var qListTypes = map[string][2]string{
	"territories": {"TerritoryWhereInput", "name"},
	"actors":      {"ActorWhereInput", "name"},
	"initiatives": {"InitiativeWhereInput", "title"},
	"themes":      {"ThemeWhereInput", "label"},
}

// list queries root(first: 100, where: $w) and returns the display fields of
// every node, sorted; it checks that totalCount agrees with the edges.
func qList(t *testing.T, c *gqltest.Client, root string, where map[string]any) []string {
	t.Helper()
	lt, ok := qListTypes[root]
	if !ok {
		t.Fatalf("unknown list %q", root)
	}
	q := fmt.Sprintf(`query($w: %s) { %s(first: 100, where: $w) { totalCount edges { node { %s } } } }`,
		lt[0], root, lt[1])
	var out map[string]qConn
	c.MustData(t, q, map[string]any{"w": where}, &out)
	got := out[root].names()
	if out[root].TotalCount != len(got) {
		t.Errorf("%s: totalCount %d, but %d edges", root, out[root].TotalCount, len(got))
	}
	slices.Sort(got)
	return got
}

// sorted returns a sorted copy of s (never nil, so it compares to an empty result).
func qSorted(s ...string) []string {
	out := append([]string{}, s...)
	slices.Sort(out)
	return out
}

// sameSet fails unless got and want hold the same strings (both sorted).
func qSameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// qPostCounted sends a request through the real handler with an SQL statement
// counter on its context, and returns the decoded response and the number of
// statements the request sent.
func qPostCounted(t *testing.T, c *gqltest.Client, query string, vars map[string]any) (gqltest.Response, int64) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatalf("encode request: %v", err)
	}
	ctx, counter := sqlcount.With(context.Background())
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	c.Handler.ServeHTTP(rec, req)
	var resp gqltest.Response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode response %q: %v", rec.Body.String(), err)
	}
	resp.Status = rec.Code
	return resp, counter.Count()
}

// TestQueryTerritoryFilters checks the generated area filter and the
// hand-written withinTerritory / coveringTerritory filters on territories,
// alone and inside and/or/not and edge predicates.
func TestQueryTerritoryFilters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		m := dbtest.NewMiniFrance(t, st)
		c := gqltest.New(st)
		nievre, yonne, caNevers, ccs := qID(m.Nievre.ID), qID(m.Yonne.ID), qID(m.CANevers.ID), qID(m.CCStraddle.ID)
		achun, bazarnes, fr, bfc := qID(m.Achun.ID), qID(m.Bazarnes.ID), qID(m.FR.ID), qID(m.BFC.ID)
		nevers := qID(m.Nevers.ID)

		all := []string{"France", "Bourgogne-Franche-Comté", "Nièvre", "Yonne", "Côte-d'Or",
			"CA de Nevers", "CC Straddle", "Nevers", "Achun", "Bazarnes", "Dijon", "Nowhere"}
		tests := []struct {
			name  string
			where map[string]any
			want  []string
		}{
			{"no filter", nil, qSorted(all...)},
			{"area RURAL", map[string]any{"area": "RURAL"},
				qSorted("Yonne", "CC Straddle", "Achun", "Bazarnes")},
			{"area URBAN", map[string]any{"area": "URBAN"},
				qSorted("France", "Bourgogne-Franche-Comté", "Nièvre", "Côte-d'Or", "CA de Nevers", "Nevers", "Dijon")},
			{"area null", map[string]any{"areaIsNil": true}, qSorted("Nowhere")},
			{"area RURAL communes", map[string]any{"area": "RURAL", "kind": "COMMUNE"}, qSorted("Achun", "Bazarnes")},
			{"area RURAL EPCIs", map[string]any{"area": "RURAL", "kind": "EPCI"}, qSorted("CC Straddle")},

			{"within Nièvre never passes through an EPCI", map[string]any{"withinTerritory": nievre},
				qSorted("Nièvre", "CA de Nevers", "CC Straddle", "Nevers", "Achun", "Nowhere")},
			{"within Yonne", map[string]any{"withinTerritory": yonne},
				qSorted("Yonne", "CC Straddle", "Bazarnes")},
			{"within an EPCI reaches its communes in every département", map[string]any{"withinTerritory": ccs},
				qSorted("CC Straddle", "Achun", "Bazarnes")},
			{"within CA de Nevers", map[string]any{"withinTerritory": caNevers}, qSorted("CA de Nevers", "Nevers")},
			{"within a commune is itself", map[string]any{"withinTerritory": nevers}, qSorted("Nevers")},
			{"within BFC", map[string]any{"withinTerritory": bfc}, qSorted(all[1:]...)},
			{"within FR", map[string]any{"withinTerritory": fr}, qSorted(all...)},

			{"covering Bazarnes", map[string]any{"coveringTerritory": bazarnes},
				qSorted("Bazarnes", "Yonne", "CC Straddle", "Bourgogne-Franche-Comté", "France")},
			{"covering Achun", map[string]any{"coveringTerritory": achun},
				qSorted("Achun", "Nièvre", "CC Straddle", "Bourgogne-Franche-Comté", "France")},
			{"covering an EPCI reaches every département it spans", map[string]any{"coveringTerritory": ccs},
				qSorted("CC Straddle", "Nièvre", "Yonne", "Bourgogne-Franche-Comté", "France")},
			{"covering FR is itself", map[string]any{"coveringTerritory": fr}, qSorted("France")},

			{"within Nièvre, communes", map[string]any{"withinTerritory": nievre, "kind": "COMMUNE"},
				qSorted("Nevers", "Achun", "Nowhere")},
			{"within Nièvre, rural", map[string]any{"withinTerritory": nievre, "area": "RURAL"},
				qSorted("CC Straddle", "Achun")},
			{"covering Bazarnes, départements", map[string]any{"coveringTerritory": bazarnes, "kind": "DEPARTMENT"},
				qSorted("Yonne")},
			{"within and covering", map[string]any{"withinTerritory": nievre, "coveringTerritory": achun},
				qSorted("Nièvre", "CC Straddle", "Achun")},
			{"not within Nièvre, communes", map[string]any{"kind": "COMMUNE", "not": map[string]any{"withinTerritory": nievre}},
				qSorted("Bazarnes", "Dijon")},
			{"not covering Bazarnes", map[string]any{"not": map[string]any{"coveringTerritory": bazarnes}},
				qSorted("Nièvre", "Côte-d'Or", "CA de Nevers", "Nevers", "Achun", "Dijon", "Nowhere")},
			{"or of two withins", map[string]any{"or": []any{
				map[string]any{"withinTerritory": yonne},
				map[string]any{"withinTerritory": caNevers},
			}}, qSorted("Yonne", "CC Straddle", "Bazarnes", "CA de Nevers", "Nevers")},
			{"and of within and covering", map[string]any{"and": []any{
				map[string]any{"withinTerritory": nievre},
				map[string]any{"coveringTerritory": achun},
			}}, qSorted("Nièvre", "CC Straddle", "Achun")},
			{"or of covering and area", map[string]any{"or": []any{
				map[string]any{"coveringTerritory": bazarnes},
				map[string]any{"area": "RURAL", "kind": "COMMUNE"},
			}}, qSorted("Bazarnes", "Yonne", "CC Straddle", "Bourgogne-Franche-Comté", "France", "Achun")},
			{"not of an or", map[string]any{"kind": "COMMUNE", "not": map[string]any{"or": []any{
				map[string]any{"withinTerritory": caNevers},
				map[string]any{"withinTerritory": yonne},
			}}}, qSorted("Achun", "Dijon", "Nowhere")},
			{"edge predicate: contained in something covering Achun", map[string]any{
				"kind":               "COMMUNE",
				"hasContainedInWith": []any{map[string]any{"coveringTerritory": achun}},
			}, qSorted("Nevers", "Achun", "Nowhere", "Bazarnes")},
			{"edge predicate: contains something within Yonne", map[string]any{
				"hasContainsWith": []any{map[string]any{"withinTerritory": yonne, "kind": "COMMUNE"}},
			}, qSorted("Yonne", "CC Straddle")},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				qSameSet(t, "territories", qList(t, c, "territories", tc.where), tc.want)
			})
		}

		t.Run("area field", func(t *testing.T) {
			t.Parallel()
			cases := []struct {
				kind, code string
				want       *string
			}{
				{"DEPARTMENT", "89", qPtr("RURAL")},
				{"DEPARTMENT", "58", qPtr("URBAN")}, // Nevers dominates
				{"EPCI", "200067684", qPtr("RURAL")},
				{"EPCI", "245804406", qPtr("URBAN")},
				{"COMMUNE", "58001", qPtr("RURAL")},
				{"COMMUNE", "58999", nil}, // no density level
				{"COUNTRY", "FR", qPtr("URBAN")},
			}
			for _, cs := range cases {
				var out struct {
					Territory struct {
						Area *string `json:"area"`
					} `json:"territory"`
				}
				c.MustData(t, `query($k: TerritoryKind!, $c: String!) { territory(kind: $k, code: $c) { area } }`,
					map[string]any{"k": cs.kind, "c": cs.code}, &out)
				if !qEqualPtr(out.Territory.Area, cs.want) {
					t.Errorf("%s %s: area %v, want %v", cs.kind, cs.code, qDeref(out.Territory.Area), qDeref(cs.want))
				}
			}
		})

		t.Run("filters written in the document", func(t *testing.T) {
			t.Parallel()
			q := fmt.Sprintf(`{ territories(first: 100, where: {withinTerritory: %q, kind: COMMUNE, not: {area: URBAN}}) {
				edges { node { name } } } }`, nievre)
			var out map[string]qConn
			c.MustData(t, q, nil, &out)
			// Nowhere has no area: NOT (area = 'URBAN') is unknown for it, so SQL leaves it out.
			qSameSet(t, "territories", qSorted(out["territories"].names()...), qSorted("Achun"))
		})
	})
}

func qPtr[T any](v T) *T { return &v }

func qEqualPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func qDeref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
