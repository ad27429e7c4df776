package server_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
)

// lIntrospection is graphql-js's getIntrospectionQuery, as GraphiQL sends it.
const lIntrospection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}`

// lNested nests n levels of territories' contains connection: depth 3n+1.
func lNested(n int) string {
	return `{ territories(first: 1) { edges { node { ` + strings.Repeat(`contains(first: 1) { edges { node { `, n-1) +
		`name` + strings.Repeat(` } } }`, n-1) + ` } } } }`
}

func lAliases(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: __typename", i)
	}
	return b.String() + " }"
}

// lFragmentBomb spreads each of n fragments twice in the next: 2^n fields.
func lFragmentBomb(n int) string {
	var b strings.Builder
	b.WriteString("query { themes(first: 1) { ...F0 } }\n")
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on ThemeConnection { totalCount ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on ThemeConnection { totalCount }\n", n)
	return b.String()
}

// lTypeBomb is lFragmentBomb's fragments on introspection's __Type.
func lTypeBomb(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "fragment F%d on __Type { name ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fmt.Fprintf(&b, "fragment F%d on __Type { name }\n", n)
	return b.String()
}

func lCost(t *testing.T, body hBody) (requested, maximum int) {
	t.Helper()
	b, err := json.Marshal(body.Extensions["cost"])
	if err != nil {
		t.Fatal(err)
	}
	var c struct{ RequestedQueryCost, MaximumAvailable *int }
	if err := json.Unmarshal(b, &c); err != nil || c.RequestedQueryCost == nil || c.MaximumAvailable == nil {
		t.Fatalf("extensions.cost = %s (%v)", b, err)
	}
	return *c.RequestedQueryCost, *c.MaximumAvailable
}

func TestLimits(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	h := hHandler(t, st, nil)
	const tooLarge = "COMPLEXITY_LIMIT_EXCEEDED"
	withVars := func(query string, vars map[string]any) hRequest {
		b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		return hRequest{method: http.MethodPost, contentType: hJSON, body: string(b)}
	}
	for _, tc := range []struct {
		name   string
		req    hRequest
		status int
		media  string
		code   string
		cost   int // expected extensions.cost.requestedQueryCost, -1: not checked
	}{
		{"introspection fits", hPost(lIntrospection), 200, hJSON, "", 0},
		{"depth 10", hPost(lNested(3)), 200, hJSON, "", 2 * 3},
		{"depth 13", hPost(lNested(4)), 200, hJSON, tooLarge, -1},
		{"depth 13, graphql-response+json", hPost(lNested(4)).with(hAccept(hGQL)), 400, hGQL, tooLarge, -1},
		{"depth 13 over GET", hGet(lNested(4)), 200, hJSON, tooLarge, -1},
		{"depth through fragments", hPost(`{ territories(first: 1) { ...C } } fragment C on TerritoryConnection { edges { node { ` +
			strings.Repeat(`contains(first: 1) { edges { node { `, 4) + `name` + strings.Repeat(` } } }`, 4) + ` } } }`), 200, hJSON, tooLarge, -1},
		{"30 aliases", hPost(lAliases(30)), 200, hJSON, "", 0},
		{"31 aliases", hPost(lAliases(31)), 200, hJSON, tooLarge, -1},
		{"500 fields", hPost(`{` + strings.Repeat(" __typename", 500) + ` }`), 200, hJSON, "", 0},
		{"501 fields", hPost(`{` + strings.Repeat(" __typename", 501) + ` }`), 200, hJSON, tooLarge, -1},
		{"fields in fragments count", hPost(`{ ...Q } fragment Q on Query {` + strings.Repeat(" __typename", 501) + ` }`), 200, hJSON, tooLarge, -1},
		{"arguments are not fields", hPost(`{ themes(first: 1, where: {or: [` + strings.Repeat(`{slug: "a", slugNEQ: "a", slugContains: "a", slugHasPrefix: "a", slugHasSuffix: "a", label: "a", labelNEQ: "a", labelContains: "a", labelHasPrefix: "a"}, `, 60) + `]}) { totalCount } }`), 200, hJSON, "", 1},
		{"2,001 tokens", hPost(`{ themes(first: 1, where: {or: [` + strings.Repeat(`{slug: "a"}, `, 400) + `]}) { totalCount } }`), 200, hJSON, tooLarge, -1},
		// Validation would take minutes: the lexer pass refuses it first.
		// Under the 64 KiB document cap, so the field count refuses them.
		{"5,000 repeated fields", hPost(`{` + strings.Repeat(" __typename", 5000) + ` }`), 200, hJSON, tooLarge, -1},
		{"2,500 repeated fields, graphql-response+json", hPost(`{` + strings.Repeat(" themes { totalCount }", 2500) + ` }`).with(hAccept(hGQL)), 400, hGQL, tooLarge, -1},
		// Larger documents are refused before gqlgen reads them at all.
		{"50,000 repeated fields", hPost(`{` + strings.Repeat(" __typename", 50000) + ` }`), 413, hJSON, "REQUEST_TOO_LARGE", -1},
		{"fragments expanding to 2^16 fields", hPost(lFragmentBomb(16)), 200, hJSON, tooLarge, -1},
		{"fragments expanding to 2^16 introspection fields", hPost(`{ __schema { types { ...F0 } } }` + lTypeBomb(16)), 200, hJSON, tooLarge, -1},

		// Cost: objects 1, scalars 0, edges 0, lists times their page size.
		{"cost of a page", hPost(`{ themes(first: 5) { totalCount edges { node { label } } } }`), 200, hJSON, "", 1 + 5},
		{"cost of a list without first, as of its default page", hPost(`{ coverageGaps(level: COMMUNE) { territory { name } } }`), 200, hJSON, "", 20 * (1 + 1)},
		{"cost of a list with first", hPost(`{ coverageGaps(level: COMMUNE, first: 20) { territory { name } } }`), 200, hJSON, "", 20 * (1 + 1)},
		{"cost of a default page", hPost(`{ themes { edges { node { label } } pageInfo { hasNextPage } } }`), 200, hJSON, "", 1 + 20 + 1},
		{"cost with variables", withVars(`query($n: Int) { themes(last: $n) { edges { node { label } } } }`, map[string]any{"n": 7}), 200, hJSON, "", 1 + 7},
		// A statistics call's buckets count once, but a sized list below them once per bucket it may return.
		{"cost of statistics", hPost(`{ initiativeStats(groupBy: [TERRITORY_COMMUNE, THEME]) { total buckets { count keys { value theme { label } territory { name } } } } }`), 200, hJSON, "", 1 + 1 + 1 + 1 + 1},
		{"cost of a connection in every bucket", hPost(`{ initiativeStats(groupBy: [TERRITORY_REGION, THEME_ROOT]) { buckets { keys { territory { contains(first: 5) { edges { node { name } } } } } } } }`),
			200, hJSON, "", 1 + 1 + 1 + 1 + 20*20*(1+5)},
		{"cost of a connection in commune buckets, grouped by a variable", withVars(`query($g: [ActorDimension!]!) { actorStats(groupBy: $g) { buckets { keys { territory { containedIn(first: 2) { edges { node { name } } } } } } } }`,
			map[string]any{"g": []string{"TERRITORY_COMMUNE", "THEME"}}), 200, hJSON, tooLarge, -1},
		{"cost of a connection in buckets, one dimension given as a value", hPost(`{ actorStats(groupBy: TERRITORY_EPCI) { buckets { keys { territory { contains(first: 100) { edges { node { name } } } } } } } }`),
			200, hJSON, tooLarge, -1},
		{"cost of a connection in buckets, one dimension given as a value in a variable", withVars(`query($g: [ActorDimension!]!) { actorStats(groupBy: $g) { buckets { keys { territory { contains(first: 100) { edges { node { name } } } } } } } }`,
			map[string]any{"g": "TERRITORY_EPCI"}), 200, hJSON, tooLarge, -1},
		{"cost of a connection in commune buckets", hPost(`{ actorStats(groupBy: [TERRITORY_COMMUNE, THEME]) { buckets { keys { territory { containedIn(first: 2) { edges { node { name } } } } } } } }`),
			200, hJSON, tooLarge, -1},
		{"cost of nested pages", hPost(`{ initiatives(first: 50) { edges { node { title actors(first: 10) { edges { node { name } } } } } } }`), 200, hJSON, "", 1 + 50*(1+1+10)},
		{"cost over the limit", hPost(`{ initiatives(first: 100) { edges { node { actors(first: 100) { edges { node { name } } } } } } }`), 200, hJSON, tooLarge, 1 + 100*(1+1+100)},
		{"cost over the limit through variables", withVars(`query($n: Int) { initiatives(first: $n) { edges { node { actors(first: $n) { edges { node { name } } } } } } }`,
			map[string]any{"n": 100}), 200, hJSON, tooLarge, 10201},
		{"mutation over the cost limit", hPost(`mutation { createTheme(input: {slug: "` + hMarker + `", label: "x"}) { id
			initiatives(first: 100) { edges { node { actors(first: 100) { edges { node { name } } } } } } } }`), 200, hJSON, tooLarge, 10 + 1 + 100*(1+1+100)},
		{"mutation too deep", hPost(`mutation { createTheme(input: {slug: "` + hMarker + `", label: "x"}) { id ` +
			strings.Repeat(`children(first: 1) { edges { node { `, 4) + `label` + strings.Repeat(` } } }`, 4) + ` } }`), 200, hJSON, tooLarge, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := hThemeCount(t, st)
			rec, body := tc.req.send(t, h)
			hCheck(t, rec, body, tc.status, tc.media, tc.code)
			if tc.cost >= 0 {
				got, maximum := lCost(t, body)
				if got != tc.cost || maximum != 10000 {
					t.Errorf("cost %d of %d, want %d of 10000", got, maximum, tc.cost)
				}
			}
			if after := hThemeCount(t, st); after != before {
				t.Errorf("themes %d before, %d after a refused request", before, after)
			}
			hStillServes(t, h)
		})
	}
}

// TestLimitsConfigurable checks each limit at its configured bound.
func TestLimitsConfigurable(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	for _, tc := range []struct {
		name  string
		edit  func(*server.Limits)
		query string
		ok    bool
	}{
		{"depth at the limit", func(l *server.Limits) { l.MaxDepth = 7 }, lNested(2), true},
		{"depth over the limit", func(l *server.Limits) { l.MaxDepth = 6 }, lNested(2), false},
		{"depth limit off", func(l *server.Limits) { l.MaxDepth = 0 }, lNested(6), true},
		{"aliases at the limit", func(l *server.Limits) { l.MaxAliases = 3 }, lAliases(3), true},
		{"aliases over the limit", func(l *server.Limits) { l.MaxAliases = 2 }, lAliases(3), false},
		{"fields at the limit", func(l *server.Limits) { l.MaxFields = 3 }, `{ themes { totalCount } __typename }`, true},
		{"fields over the limit", func(l *server.Limits) { l.MaxFields = 2 }, `{ themes { totalCount } __typename }`, false},
		{"tokens at the limit", func(l *server.Limits) { l.MaxTokens = 11 }, `{ themes(first: 1) { totalCount } }`, true},
		{"tokens over the limit", func(l *server.Limits) { l.MaxTokens = 10 }, `{ themes(first: 1) { totalCount } }`, false},
		{"cost at the limit", func(l *server.Limits) { l.MaxCost = 6 }, `{ themes(first: 5) { edges { node { label } } } }`, true},
		{"cost over the limit", func(l *server.Limits) { l.MaxCost = 5 }, `{ themes(first: 5) { edges { node { label } } } }`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := hHandler(t, st, func(c *server.Config) { tc.edit(&c.Limits) })
			rec, body := hPost(tc.query).send(t, h)
			code := ""
			if !tc.ok {
				code = "COMPLEXITY_LIMIT_EXCEEDED"
			}
			hCheck(t, rec, body, http.StatusOK, hJSON, code)
			rec, body = hPost(`{ __typename }`).send(t, h)
			hCheck(t, rec, body, http.StatusOK, hJSON, "")
		})
	}
}

// lValidMutation would succeed in time.
const lValidMutation = `mutation { createTheme(input: {slug: "timeout-theme", label: "Timeout"}) { id } }`

// TestRequestTimeout checks the coded error of a request out of time. On
// SQLite the deadline has passed before execution; on PostgreSQL a statement
// waits on a lock until the deadline cancels it in the database.
func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	t.Run("before execution", func(t *testing.T) {
		t.Parallel()
		st := dbtest.SQLite(t)
		h := hHandler(t, st, func(c *server.Config) { c.RequestTimeout = time.Nanosecond })
		for _, tc := range []struct {
			accept, media string
			status        int
		}{{"", hJSON, 200}, {hGQL, hGQL, 503}} {
			rec, body := hPost(hQuery).with(hAccept(tc.accept)).send(t, h)
			hCheck(t, rec, body, tc.status, tc.media, "TIMEOUT")
			before := hThemeCount(t, st)
			rec, body = hPost(lValidMutation).with(hAccept(tc.accept)).send(t, h)
			hCheck(t, rec, body, tc.status, tc.media, "TIMEOUT")
			if after := hThemeCount(t, st); after != before {
				t.Errorf("themes %d before, %d after a mutation out of time", before, after)
			}
		}
		hStillServes(t, hHandler(t, st, nil))
	})
	t.Run("in the database", func(t *testing.T) {
		t.Parallel()
		st := dbtest.Postgres(t)
		h := hHandler(t, st, func(c *server.Config) { c.RequestTimeout = 300 * time.Millisecond })
		ctx := context.Background()
		tx, err := st.DB.BeginTx(ctx, &sql.TxOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = tx.Rollback() }()
		if _, err := tx.ExecContext(ctx, `LOCK TABLE themes IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		rec, body := hPost(hQuery).send(t, h)
		hCheck(t, rec, body, http.StatusOK, hJSON, "TIMEOUT")
		rec, body = hPost(lValidMutation).send(t, h)
		hCheck(t, rec, body, http.StatusOK, hJSON, "TIMEOUT")
		t.Logf("two requests out of time in %v", time.Since(start))
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		if n := hThemeCount(t, st); n != 0 {
			t.Errorf("%d themes after a mutation out of time", n)
		}
		hStillServes(t, h)
	})
}
