package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/indicator"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

// indFixture is MiniFrance plus three indicators:
//
//	BFC:    "Part de l'ESS" 11.8 % (2019), "Employeurs" 10912 (no year)
//	Nièvre: "Associations" 1200 associations (2020)
type indFixture struct {
	st                 *store.Store
	c                  *gqltest.Client
	mf                 *dbtest.MiniFrance
	Share, Estab, Asso *ent.Indicator
}

func newIndFixture(t *testing.T, st *store.Store) *indFixture {
	t.Helper()
	ctx := context.Background()
	f := &indFixture{st: st, c: gqltest.New(st), mf: dbtest.NewMiniFrance(t, st)}
	mk := func(tt *ent.Territory, name string, value float64, unit string, year *int) *ent.Indicator {
		i, err := st.Client.Indicator.Create().SetTerritory(tt).SetName(name).SetValue(value).SetUnit(unit).
			SetNillableYear(year).SetSource("test").Save(ctx)
		if err != nil {
			t.Fatalf("fixture: indicator %s: %v", name, err)
		}
		return i
	}
	y := func(n int) *int { return &n }
	f.Share = mk(f.mf.BFC, "Part de l'ESS", 11.8, "%", y(2019))
	f.Estab = mk(f.mf.BFC, "Employeurs", 10912, "établissements", nil)
	f.Asso = mk(f.mf.Nievre, "Associations", 1200, "associations", y(2020))
	return f
}

func indStores(t *testing.T, fn func(t *testing.T, f *indFixture)) {
	t.Helper()
	dbtest.Each(t, func(t *testing.T, st *store.Store) { fn(t, newIndFixture(t, st)) })
}

// indDump renders every indicator and the graph version.
func indDump(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	all, err := st.Client.Indicator.Query().Order(ent.Asc(indicator.FieldID)).All(ctx)
	if err != nil {
		t.Fatalf("dump indicators: %v", err)
	}
	var b strings.Builder
	for _, i := range all {
		fmt.Fprintf(&b, "%d %s %v %s %v %q territory=%d upd=%s\n", i.ID, i.Name, i.Value, i.Unit, mutDeref(i.Year),
			i.Source, i.TerritoryID, i.UpdatedAt.UTC().Format("2006-01-02T15:04:05.000000000"))
	}
	v, err := store.GraphVersion(ctx, st.Client)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "graph version %d\n", v)
	n, err := st.Client.Territory.Query().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "territories %d\n", n)
	return b.String()
}

type indNode struct {
	ID        string              `json:"id"`
	Name      string              `json:"name"`
	Value     float64             `json:"value"`
	Unit      string              `json:"unit"`
	Year      *int                `json:"year"`
	Source    *string             `json:"source"`
	Territory struct{ ID string } `json:"territory"`
}

type indConn struct {
	TotalCount int `json:"totalCount"`
	Edges      []struct {
		Node indNode `json:"node"`
	} `json:"edges"`
}

func (c indConn) names() []string {
	var out []string
	for _, e := range c.Edges {
		out = append(out, e.Node.Name)
	}
	return out
}

const indFields = `id name value unit year source territory { id }`

func TestIndicatorMutations(t *testing.T) {
	t.Parallel()
	type vars = map[string]any
	cases := []struct {
		name  string
		query string
		vars  func(f *indFixture) vars
		check func(t *testing.T, f *indFixture, got indNode)
	}{
		{
			name:  "create with a year",
			query: `mutation($in: CreateIndicatorInput!) { r: createIndicator(input: $in) { ` + indFields + ` } }`,
			vars: func(f *indFixture) vars {
				return vars{"in": vars{"name": "Emplois", "value": 42.5, "unit": "%", "year": 2021,
					"source": "INSEE", "territoryID": mutGID(f.mf.Yonne.ID)}}
			},
			check: func(t *testing.T, f *indFixture, got indNode) {
				if got.Name != "Emplois" || got.Value != 42.5 || got.Unit != "%" || !mutEqualPtr(got.Year, mutPtr(2021)) ||
					mutStr(got.Source) != "INSEE" || got.Territory.ID != mutGID(f.mf.Yonne.ID) {
					t.Errorf("created %+v", got)
				}
				stored, err := f.st.Client.Indicator.Get(context.Background(), mutMustID(t, got.ID))
				if err != nil || stored.TerritoryID != f.mf.Yonne.ID || stored.Value != 42.5 {
					t.Errorf("stored %+v (%v)", stored, err)
				}
			},
		},
		{
			name:  "create without year or source",
			query: `mutation($in: CreateIndicatorInput!) { r: createIndicator(input: $in) { ` + indFields + ` } }`,
			vars: func(f *indFixture) vars {
				return vars{"in": vars{"name": "Rang", "value": 5, "unit": "rang", "territoryID": mutGID(f.mf.BFC.ID)}}
			},
			check: func(t *testing.T, f *indFixture, got indNode) {
				if got.Name != "Rang" || got.Value != 5 || got.Year != nil || !mutEmpty(got.Source) {
					t.Errorf("created %+v", got)
				}
			},
		},
		{
			name: "update fields, clear the year, move territory",
			query: `mutation($id: ID!, $in: UpdateIndicatorInput!) { r: updateIndicator(id: $id, input: $in) { ` +
				indFields + ` } }`,
			vars: func(f *indFixture) vars {
				return vars{"id": mutGID(f.Share.ID), "in": vars{"name": "Part de l'ESS dans l'emploi", "value": 12.1,
					"clearYear": true, "clearSource": true, "territoryID": mutGID(f.mf.Nievre.ID)}}
			},
			check: func(t *testing.T, f *indFixture, got indNode) {
				if got.ID != mutGID(f.Share.ID) || got.Name != "Part de l'ESS dans l'emploi" || got.Value != 12.1 ||
					got.Unit != "%" || got.Year != nil || !mutEmpty(got.Source) || got.Territory.ID != mutGID(f.mf.Nievre.ID) {
					t.Errorf("updated %+v", got)
				}
				stored, err := f.st.Client.Indicator.Get(context.Background(), f.Share.ID)
				if err != nil || stored.Year != nil || stored.TerritoryID != f.mf.Nievre.ID {
					t.Errorf("stored %+v (%v)", stored, err)
				}
			},
		},
		{
			name:  "update sets a year",
			query: `mutation($id: ID!, $in: UpdateIndicatorInput!) { r: updateIndicator(id: $id, input: $in) { ` + indFields + ` } }`,
			vars:  func(f *indFixture) vars { return vars{"id": mutGID(f.Estab.ID), "in": vars{"year": 2019}} },
			check: func(t *testing.T, f *indFixture, got indNode) {
				if !mutEqualPtr(got.Year, mutPtr(2019)) || got.Value != 10912 || got.Name != "Employeurs" {
					t.Errorf("updated %+v", got)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			indStores(t, func(t *testing.T, f *indFixture) {
				ctx := context.Background()
				v0, err := store.GraphVersion(ctx, f.st.Client)
				if err != nil {
					t.Fatal(err)
				}
				var data struct{ R indNode }
				f.c.MustData(t, tc.query, tc.vars(f), &data)
				tc.check(t, f, data.R)
				// The response cache keeps answers showing indicators until
				// the version moves.
				if v1, err := store.GraphVersion(ctx, f.st.Client); err != nil || v1 <= v0 {
					t.Errorf("graph version %d → %d (%v): an indicator write must bump it", v0, v1, err)
				}
			})
		})
	}
}

func TestIndicatorDelete(t *testing.T) {
	t.Parallel()
	indStores(t, func(t *testing.T, f *indFixture) {
		ctx := context.Background()
		var data struct{ DeleteIndicator string }
		f.c.MustData(t, `mutation($id: ID!) { deleteIndicator(id: $id) }`, map[string]any{"id": mutGID(f.Estab.ID)}, &data)
		if data.DeleteIndicator != mutGID(f.Estab.ID) {
			t.Errorf("deleteIndicator = %q, want %s", data.DeleteIndicator, mutGID(f.Estab.ID))
		}
		if ok, err := f.st.Client.Indicator.Query().Where(indicator.ID(f.Estab.ID)).Exist(ctx); err != nil || ok {
			t.Errorf("indicator still there (%v)", err)
		}
		if n, err := f.st.Client.Indicator.Query().Count(ctx); err != nil || n != 2 {
			t.Errorf("%d indicators left (%v), want 2", n, err)
		}
	})
}

func TestIndicatorMutationErrors(t *testing.T) {
	t.Parallel()
	type vars = map[string]any
	const create = `mutation($in: CreateIndicatorInput!) { createIndicator(input: $in) { id } }`
	const update = `mutation($id: ID!, $in: UpdateIndicatorInput!) { updateIndicator(id: $id, input: $in) { id } }`
	const del = `mutation($id: ID!) { deleteIndicator(id: $id) }`
	missing := 25769803776 + 999999 // in the indicators' ID range, never allocated
	cases := []struct {
		name  string
		query string
		vars  func(f *indFixture) vars
		code  string
		msg   string
	}{
		{"create with an empty name", create, func(f *indFixture) vars {
			return vars{"in": vars{"name": "", "value": 1, "unit": "%", "territoryID": mutGID(f.mf.BFC.ID)}}
		}, "BAD_USER_INPUT", "name"},
		{"create with an unknown territory", create, func(f *indFixture) vars {
			return vars{"in": vars{"name": "X", "value": 1, "unit": "%", "territoryID": mutGID(f.mf.BFC.ID + 100000)}}
		}, "BAD_USER_INPUT", ""},
		{"create with a year too early", create, func(f *indFixture) vars {
			return vars{"in": vars{"name": "X", "value": 1, "unit": "%", "year": 1899, "territoryID": mutGID(f.mf.BFC.ID)}}
		}, "BAD_USER_INPUT", "year"},
		{"create with a year too late", create, func(f *indFixture) vars {
			return vars{"in": vars{"name": "X", "value": 1, "unit": "%", "year": 2101, "territoryID": mutGID(f.mf.BFC.ID)}}
		}, "BAD_USER_INPUT", "year"},
		{"create with a NaN value", create, func(f *indFixture) vars {
			return vars{"in": vars{"name": "X", "value": "NaN", "unit": "%", "territoryID": mutGID(f.mf.BFC.ID)}}
		}, "BAD_USER_INPUT", ""},
		{"create with an infinite value", create, func(f *indFixture) vars {
			return vars{"in": vars{"name": "X", "value": "-Infinity", "unit": "%", "territoryID": mutGID(f.mf.BFC.ID)}}
		}, "BAD_USER_INPUT", ""},
		{"update to a value of 1e999", update, func(f *indFixture) vars {
			return vars{"id": mutGID(f.Share.ID), "in": vars{"value": "1e999"}}
		}, "GRAPHQL_VALIDATION_FAILED", ""}, // gqlparser checks the variable first
		{"update to an empty name", update, func(f *indFixture) vars {
			return vars{"id": mutGID(f.Share.ID), "in": vars{"name": ""}}
		}, "BAD_USER_INPUT", "name"},
		{"update to a bad year", update, func(f *indFixture) vars {
			return vars{"id": mutGID(f.Share.ID), "in": vars{"year": 1800}}
		}, "BAD_USER_INPUT", "year"},
		{"update to an unknown territory", update, func(f *indFixture) vars {
			return vars{"id": mutGID(f.Share.ID), "in": vars{"territoryID": mutGID(f.mf.BFC.ID + 100000)}}
		}, "BAD_USER_INPUT", ""},
		{"update an unknown indicator", update, func(f *indFixture) vars {
			return vars{"id": mutGID(missing), "in": vars{"name": "X"}}
		}, "NOT_FOUND", ""},
		{"delete an unknown indicator", del, func(f *indFixture) vars {
			return vars{"id": mutGID(missing)}
		}, "NOT_FOUND", ""},
	}
	indStores(t, func(t *testing.T, f *indFixture) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := indDump(t, f.st) + mutDump(t, f.st)
				resp := f.c.Post(t, tc.query, tc.vars(f))
				if len(resp.Errors) == 0 {
					t.Fatalf("succeeded, want %s: %s", tc.code, resp.Data)
				}
				mutCheckErrors(t, resp.Errors, tc.code, "", tc.msg)
				for _, e := range resp.Errors {
					for _, bad := range mutForbidden {
						if strings.Contains(e.Message, bad) {
							t.Errorf("error message %q leaks %q", e.Message, bad)
						}
					}
				}
				if after := indDump(t, f.st) + mutDump(t, f.st); after != before {
					t.Errorf("failed mutation changed the database:\n%s", mutDiff(before, after))
				}
			})
		}
		t.Run("delete a territory that has indicators", func(t *testing.T) {
			// Nowhere has no actors, initiatives or sub-territories: only
			// the indicator added here keeps it from being deleted.
			if _, err := f.st.Client.Indicator.Create().SetTerritory(f.mf.Nowhere).SetName("Y").SetValue(1).
				SetUnit("u").Save(context.Background()); err != nil {
				t.Fatal(err)
			}
			before := indDump(t, f.st) + mutDump(t, f.st)
			errs := f.c.MustFail(t, `mutation($id: ID!) { deleteTerritory(id: $id) }`,
				map[string]any{"id": mutGID(f.mf.Nowhere.ID)}, "BAD_USER_INPUT")
			mutCheckErrors(t, errs, "BAD_USER_INPUT", "id", "indicators")
			if after := indDump(t, f.st) + mutDump(t, f.st); after != before {
				t.Errorf("failed deletion changed the database:\n%s", mutDiff(before, after))
			}
		})
	})
}

func TestIndicatorQueries(t *testing.T) {
	t.Parallel()
	const list = `query($where: IndicatorWhereInput, $order: IndicatorOrder) {
		indicators(where: $where, orderBy: $order) { totalCount edges { node { ` + indFields + ` } } } }`
	type vars = map[string]any
	indStores(t, func(t *testing.T, f *indFixture) {
		t.Run("per territory", func(t *testing.T) {
			var data struct {
				Territory struct{ Indicators indConn } `json:"territory"`
			}
			f.c.MustData(t, `{ territory(kind: REGION, code: "27") {
				indicators(orderBy: {field: NAME}) { totalCount edges { node { `+indFields+` } } } } }`, nil, &data)
			got := data.Territory.Indicators
			if got.TotalCount != 2 || !slices.Equal(got.names(), []string{"Employeurs", "Part de l'ESS"}) {
				t.Errorf("BFC indicators = %d %v", got.TotalCount, got.names())
			}
			for _, e := range got.Edges {
				n := e.Node
				if n.Territory.ID != mutGID(f.mf.BFC.ID) || mutStr(n.Source) != "test" {
					t.Errorf("node %+v", n)
				}
				if n.Name == "Part de l'ESS" && (n.Value != 11.8 || n.Unit != "%" || !mutEqualPtr(n.Year, mutPtr(2019))) {
					t.Errorf("share %+v", n)
				}
				if n.Name == "Employeurs" && (n.Value != 10912 || n.Year != nil) {
					t.Errorf("establishments %+v", n)
				}
			}
		})
		filters := []struct {
			name  string
			where func() vars
			order vars
			want  []string
		}{
			{"territory code", func() vars { return vars{"hasTerritoryWith": []vars{{"code": "27"}}} },
				vars{"field": "NAME"}, []string{"Employeurs", "Part de l'ESS"}},
			{"territory code, name descending", func() vars { return vars{"hasTerritoryWith": []vars{{"code": "27"}}} },
				vars{"field": "NAME", "direction": "DESC"}, []string{"Part de l'ESS", "Employeurs"}},
			{"territory ID", func() vars { return vars{"territoryID": mutGID(f.mf.Nievre.ID)} },
				nil, []string{"Associations"}},
			{"value and unit", func() vars { return vars{"valueGT": 100, "unitNEQ": "%"} },
				vars{"field": "NAME"}, []string{"Associations", "Employeurs"}},
			{"year unknown", func() vars { return vars{"yearIsNil": true} }, nil, []string{"Employeurs"}},
			{"year range", func() vars { return vars{"yearGTE": 2020, "yearLTE": 2100} }, nil, []string{"Associations"}},
			{"name contains", func() vars { return vars{"nameContainsFold": "ess"} }, nil, []string{"Part de l'ESS"}},
			{"all, newest first", func() vars { return nil },
				vars{"field": "CREATED_AT", "direction": "DESC"}, []string{"Associations", "Employeurs", "Part de l'ESS"}},
		}
		for _, tc := range filters {
			t.Run(tc.name, func(t *testing.T) {
				v := vars{"where": tc.where()}
				if tc.order != nil {
					v["order"] = tc.order
				}
				var data struct{ Indicators indConn }
				f.c.MustData(t, list, v, &data)
				got := data.Indicators.names()
				if tc.order == nil {
					slices.Sort(got)
				}
				if !slices.Equal(got, tc.want) || data.Indicators.TotalCount != len(tc.want) {
					t.Errorf("got %d %v, want %v", data.Indicators.TotalCount, got, tc.want)
				}
			})
		}
		t.Run("territories having indicators", func(t *testing.T) {
			var data struct{ Territories qConn }
			f.c.MustData(t, `{ territories(where: {hasIndicators: true}) { totalCount edges { node { id name } } } }`, nil, &data)
			qSameSet(t, "territories", data.Territories.names(), qSorted("Bourgogne-Franche-Comté", "Nièvre"))
		})
		t.Run("node", func(t *testing.T) {
			var data struct{ Node indNode }
			f.c.MustData(t, `query($id: ID!) { node(id: $id) { ... on Indicator { `+indFields+` } } }`,
				vars{"id": mutGID(f.Asso.ID)}, &data)
			if data.Node.Name != "Associations" || data.Node.Territory.ID != mutGID(f.mf.Nievre.ID) {
				t.Errorf("node = %+v", data.Node)
			}
		})
	})
}
