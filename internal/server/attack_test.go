package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/essaim/essaim/ent/migrate"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

// The security suite: each attack must get its coded refusal (or, for
// injection strings, a plain empty answer) within aCeiling, leave the
// database as it was and the server answering. The ceiling is a guard
// against requests that buy seconds of CPU, not a benchmark.
const aCeiling = 2 * time.Second

// aFingerprint counts the rows of every table.
func aFingerprint(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	fp := map[string]int{}
	for _, tbl := range migrate.Tables {
		var n int
		if err := st.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM "`+tbl.Name+`"`).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tbl.Name, err)
		}
		fp[tbl.Name] = n
	}
	return fp
}

// aVars posts a query with variables.
func aVars(query string, vars map[string]any) hRequest {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return hRequest{method: http.MethodPost, contentType: hJSON, body: string(b)}
}

func aIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i + 1)
	}
	return ids
}

// aNest nests the filter leaf under n levels of key (not, hasThemesWith…).
func aNest(key string, n int, leaf map[string]any) map[string]any {
	w := leaf
	for range n {
		if key == "and" || key == "or" {
			w = map[string]any{key: []any{w}}
		} else {
			w = map[string]any{key: w}
		}
	}
	return w
}

// aLiteralNot nests not n levels deep in the document itself.
func aLiteralNot(n int) string {
	return `{ themes(where: ` + strings.Repeat(`{not: `, n) + `{slug: "x"}` + strings.Repeat(`}`, n) + `) { totalCount } }`
}

type attack struct {
	name   string
	req    hRequest
	status int
	code   string // "" : must succeed
}

func aAttacks(n *dbtest.ActorNetwork) []attack {
	const (
		tooComplex = "COMPLEXITY_LIMIT_EXCEEDED"
		badInput   = "BAD_USER_INPUT"
	)
	huge := `{"query": "{ __typename }", "variables": {"pad": "` + strings.Repeat("A", 2<<20) + `"}}`
	fanOut := `{ initiatives(first: 100) { edges { node { actors(first: 100) { edges { node {
		initiatives(first: 100) { edges { node { actors(first: 100) { totalCount } } } } } } } } } } }`
	var expensiveAliases strings.Builder
	expensiveAliases.WriteString("{")
	for i := range 40 {
		fmt.Fprintf(&expensiveAliases, " a%d: initiatives(first: 100) { totalCount }", i)
	}
	expensiveAliases.WriteString(" }")
	theme := strconv.Itoa(n.X.ID)
	idsQuery := `query($ids: [ID!]!) { initiatives(where: {idIn: $ids}) { totalCount } }`
	cursor := func(raw string) hRequest {
		return aVars(`query($c: Cursor) { themes(first: 1, after: $c) { totalCount } }`, map[string]any{"c": raw})
	}
	node := func(id string) hRequest {
		return aVars(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
	}
	deleteTheme := func(id string) hRequest {
		return aVars(`mutation($id: ID!) { deleteTheme(id: $id) }`, map[string]any{"id": id})
	}
	mutation := `mutation { createTheme(input: {slug: "` + hMarker + `", label: "x"}) { id } }`
	return []attack{
		// Shape of the document.
		{"depth bomb", hPost(lNested(20)), 200, tooComplex},
		{"depth bomb through fragments", hPost(`{ ...A } fragment A on Query { themes(first: 1) { edges { node { ` +
			strings.Repeat(`children(first: 1) { edges { node { `, 12) + `label` + strings.Repeat(` } } }`, 12) + ` } } } }`), 200, tooComplex},
		{"fan-out", hPost(fanOut), 200, tooComplex},
		{"alias flood", hPost(lAliases(1000)), 200, tooComplex},
		{"alias flood on an expensive field", hPost(expensiveAliases.String()), 200, tooComplex},
		{"repeated-field flood", hPost(`{` + strings.Repeat(" __typename", 5000) + ` }`), 200, tooComplex},
		{"repeated-field flood with arguments", hPost(`{` + strings.Repeat(` themes(first: 1) { totalCount }`, 1500) + ` }`), 200, tooComplex},
		{"repeated-field flood past 64 KiB", hPost(`{` + strings.Repeat(" __typename", 50000) + ` }`), 413, "REQUEST_TOO_LARGE"},
		{"fragment bomb", hPost(lFragmentBomb(24)), 200, tooComplex},
		{"huge body", hRequest{method: http.MethodPost, contentType: hJSON, body: huge}, 413, "REQUEST_TOO_LARGE"},

		// Page sizes.
		{"huge page", hPost(`{ themes(first: 1000000) { totalCount } }`), 200, badInput},
		{"huge last page", hPost(`{ actors(last: 101) { totalCount } }`), 200, badInput},
		{"negative page", hPost(`{ actors(first: -1) { totalCount } }`), 200, badInput},
		{"huge nested page", hPost(`{ initiatives(first: 1) { edges { node { actors(first: 5000) { totalCount } } } } }`), 200, badInput},
		{"huge page through a variable", aVars(`query($n: Int) { themes(first: $n) { totalCount } }`, map[string]any{"n": 1 << 30}), 200, badInput},
		{"page size over 32 bits", hPost(`{ themes(first: 4294967296) { totalCount } }`), 200, badInput},

		// ID lists.
		{"nodes with 101 IDs", aVars(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": aIDs(101)}), 200, badInput},
		{"nodes with 100,000 IDs", aVars(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": aIDs(100000)}), 200, tooComplex}, // its cost
		{"idIn with 101 IDs", aVars(idsQuery, map[string]any{"ids": aIDs(101)}), 200, badInput},
		{"idIn with 100,000 IDs", aVars(idsQuery, map[string]any{"ids": aIDs(100000)}), 200, badInput},
		{"nested idIn with 101 IDs", aVars(`query($ids: [ID!]!) { actors(where: {hasThemesWith: {idIn: $ids}}) { totalCount } }`,
			map[string]any{"ids": aIDs(101)}), 200, badInput},
		{"slugIn with 101 values", aVars(`query($s: [String!]) { themes(where: {slugIn: $s}) { totalCount } }`,
			map[string]any{"s": aIDs(101)}), 200, badInput},

		// Filter nesting.
		{"not nested 11 deep", hPost(aLiteralNot(11)), 200, tooComplex},
		{"not nested 500 deep in variables", aVars(`query($w: ThemeWhereInput) { themes(where: $w) { totalCount } }`,
			map[string]any{"w": aNest("not", 500, map[string]any{"slug": "x"})}), 200, tooComplex},
		// Past Go's JSON nesting limit (10,000) the body is not read at all.
		{"not nested 20,000 deep in variables", aVars(`query($w: ThemeWhereInput) { themes(where: $w) { totalCount } }`,
			map[string]any{"w": aNest("not", 20000, map[string]any{"slug": "x"})}), 400, "BAD_REQUEST"},
		{"and nested 11 deep", aVars(`query($w: ActorWhereInput) { actors(where: $w) { totalCount } }`,
			map[string]any{"w": aNest("and", 11, map[string]any{"name": "x"})}), 200, tooComplex},
		{"or nested 11 deep", aVars(`query($w: InitiativeWhereInput) { initiatives(where: $w) { totalCount } }`,
			map[string]any{"w": aNest("or", 11, map[string]any{"title": "x"})}), 200, tooComplex},
		{"has…With nested 11 deep", aVars(`query($w: ThemeWhereInput) { themes(where: $w) { totalCount } }`,
			map[string]any{"w": aNest("hasChildrenWith", 11, map[string]any{"slug": "x"})}), 200, tooComplex},
		{"or with 10,000 branches", aVars(`query($w: ThemeWhereInput) { themes(where: $w) { totalCount } }`,
			map[string]any{"w": map[string]any{"or": slices.Repeat([]any{map[string]any{"slug": "x"}}, 10000)}}), 200, badInput},

		// Forged cursors and IDs.
		{"cursor not base64", cursor("!!!not a cursor"), 200, badInput},
		{"cursor of random bytes", cursor(base64.StdEncoding.EncodeToString([]byte{0x93, 0xff, 0x00, 0x12, 0xc1})), 200, badInput},
		{"cursor with SQL", cursor(base64.StdEncoding.EncodeToString([]byte(`{"i":"1 OR 1=1; DROP TABLE themes"}`))), 200, badInput},
		{"cursor of 100,000 bytes", cursor(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x92", 100000)))), 200, badInput},
		{"ID not a number", node("abc"), 200, badInput},
		{"ID with SQL", node("1' OR '1'='1"), 200, badInput},
		{"ID with SQL comment", node("1; DROP TABLE themes; --"), 200, badInput},
		{"ID overflowing 64 bits", node("99999999999999999999999"), 200, badInput},
		{"negative ID", node("-1"), 200, badInput},
		{"delete with an ID of another type", deleteTheme(strconv.Itoa(n.A1.ID)), 200, "NOT_FOUND"},
		{"delete with a forged ID", deleteTheme("1 OR 1=1"), 200, badInput},
		{"delete with an unknown ID", deleteTheme(strconv.Itoa(n.X.ID + 100000)), 200, "NOT_FOUND"},
		{"filter with a forged territory", hPost(`{ initiatives(where: {withinTerritory: "x' OR 1=1"}) { totalCount } }`), 200, badInput},
		{"filter with an ID of another type", hPost(`{ initiatives(where: {coveringTerritory: "` + theme + `"}) { totalCount } }`), 200, badInput},

		// Protocol.
		{"mutation as text/plain", hPost(mutation).with(func(r *hRequest) { r.contentType = "text/plain" }), 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"mutation as a form", hRequest{method: http.MethodPost, contentType: "application/x-www-form-urlencoded",
			body: url.Values{"query": {mutation}}.Encode()}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"mutation as multipart", hRequest{method: http.MethodPost, contentType: "multipart/form-data; boundary=x",
			body: "--x\r\nContent-Disposition: form-data; name=\"query\"\r\n\r\n" + mutation + "\r\n--x--\r\n"}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"mutation as application/graphql", hRequest{method: http.MethodPost, contentType: "application/graphql", body: mutation}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"mutation as XML", hRequest{method: http.MethodPost, contentType: "application/xml", body: "<q>" + mutation + "</q>"}, 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"mutation over GET", hGet(mutation), 405, "METHOD_NOT_ALLOWED"},
		{"mutation over GET by operation name", hRequest{method: http.MethodGet, query: url.Values{
			"query": {`query Q { __typename } mutation M { deleteTheme(id: "` + theme + `") }`}, "operationName": {"M"}}.Encode()}, 405, "METHOD_NOT_ALLOWED"},
		{"batch of mutations", hRequest{method: http.MethodPost, contentType: hJSON, body: "[" + hPost(mutation).body + "]"}, 400, "BAD_REQUEST"},
	}
}

// aRun sends one attack and checks the refusal, the time, the database and
// that the server still answers.
func aRun(t *testing.T, st *store.Store, h http.Handler, fp map[string]int, a attack) {
	t.Helper()
	start := time.Now()
	rec, body := a.req.send(t, h)
	took := time.Since(start)
	hCheck(t, rec, body, a.status, "", a.code)
	if a.code != "" {
		for _, leak := range []string{"pq:", "sqlite", "SQL", "SELECT", "panic", "goroutine"} {
			if strings.Contains(rec.Body.String(), leak) {
				t.Errorf("response leaks %q: %.300s", leak, rec.Body.String())
			}
		}
	}
	if took > aCeiling {
		t.Errorf("took %v, more than %v", took, aCeiling)
	}
	if got := aFingerprint(t, st); !maps.Equal(got, fp) {
		t.Errorf("database changed: %v, was %v", got, fp)
	}
	hStillServes(t, h)
}

func TestAttacks(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		n := dbtest.NewActorNetwork(t, st)
		h := hHandler(t, st, nil)
		fp := aFingerprint(t, st)
		for _, a := range aAttacks(n) {
			t.Run(a.name, func(t *testing.T) { aRun(t, st, h, fp, a) })
		}
	})
}
