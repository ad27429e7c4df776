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

		// One variable used many times multiplies its lists: 100 × 100 × 100 values, each a statement parameter.
		{"a filter variable repeated in or", aVars(`query($a: ActorWhereInput!) { actors(where: {or: [`+strings.Repeat("$a, ", 100)+`]}) { totalCount } }`,
			map[string]any{"a": map[string]any{"or": slices.Repeat([]any{map[string]any{"idIn": aIDs(100)}}, 100)}}), 200, badInput},
		{"a filter of 920 values and conditions", aVars(`query($a: ActorWhereInput!) { actors(where: {or: [$a, $a, $a, $a, $a, $a, $a, $a, $a]}) { totalCount } }`,
			map[string]any{"a": map[string]any{"idIn": aIDs(100)}}), 200, ""},
		{"a filter of 1,124 values and conditions", aVars(`query($a: ActorWhereInput!) { actors(where: {or: [$a, $a, $a, $a, $a, $a, $a, $a, $a, $a, $a]}) { totalCount } }`,
			map[string]any{"a": map[string]any{"idIn": aIDs(100)}}), 200, badInput},

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

// aTextFilters lists, from introspection, the text predicates of every
// filter input (XxxWhereInput): String fields and [String!] lists, except
// the orderings and negations (NEQ, NotIn, GT…), which match nearly
// everything by design. Each comes with the query that reaches it: the
// connection taking that where directly, or through a has…With edge of one.
type aFilter struct {
	input  string   // ThemeWhereInput
	root   string   // themes
	via    string   // has…With field of root's input, "" when direct
	fields []string // slugContains…
	lists  []string // slugIn…
}

func aTextFilters(t *testing.T, h http.Handler) []aFilter {
	t.Helper()
	const q = `{ __schema {
		queryType { fields { name type { kind name ofType { kind name } } args { name type { kind name ofType { kind name } } } } }
		types { name inputFields { name type { kind name ofType { kind name ofType { kind name } } } } }
	} }`
	rec, body := hPost(q).send(t, h)
	hCheck(t, rec, body, 200, hJSON, "")
	type typeRef struct {
		Kind, Name string
		OfType     *typeRef
	}
	var s struct {
		Schema struct {
			QueryType struct {
				Fields []struct {
					Name string
					Type typeRef
					Args []struct {
						Name string
						Type typeRef
					}
				}
			}
			Types []struct {
				Name        string
				InputFields []struct {
					Name string
					Type typeRef
				}
			}
		} `json:"__schema"`
	}
	if err := json.Unmarshal(body.Data, &s); err != nil {
		t.Fatal(err)
	}
	// named unwraps NON_NULL; list tells whether a LIST was crossed.
	named := func(r typeRef) (string, bool) {
		list := false
		for p := &r; p != nil; p = p.OfType {
			if p.Kind == "LIST" {
				list = true
			}
			if p.Name != "" {
				return p.Name, list
			}
		}
		return "", list
	}
	roots := map[string]string{} // input → connection field
	for _, f := range s.Schema.QueryType.Fields {
		if typ, _ := named(f.Type); !strings.HasSuffix(typ, "Connection") {
			continue
		}
		for _, a := range f.Args {
			if in, _ := named(a.Type); a.Name == "where" && in != "" {
				roots[in] = f.Name
			}
		}
	}
	skip := []string{"NEQ", "NotIn", "GT", "GTE", "LT", "LTE"}
	filters := map[string]*aFilter{}
	edges := map[string][2]string{} // input → (parent input, has…With field)
	for _, typ := range s.Schema.Types {
		if !strings.HasSuffix(typ.Name, "WhereInput") {
			continue
		}
		f := &aFilter{input: typ.Name}
		for _, in := range typ.InputFields {
			name, list := named(in.Type)
			switch {
			case strings.HasPrefix(in.Name, "has") && strings.HasSuffix(in.Name, "With"):
				if _, ok := edges[name]; !ok && roots[typ.Name] != "" {
					edges[name] = [2]string{typ.Name, in.Name}
				}
			case name != "String" || slices.ContainsFunc(skip, func(s string) bool { return strings.HasSuffix(in.Name, s) }):
			case list:
				f.lists = append(f.lists, in.Name)
			default:
				f.fields = append(f.fields, in.Name)
			}
		}
		if len(f.fields)+len(f.lists) > 0 {
			filters[typ.Name] = f
		}
	}
	var out []aFilter
	for _, name := range slices.Sorted(maps.Keys(filters)) {
		f := filters[name]
		if f.root = roots[name]; f.root == "" {
			e, ok := edges[name]
			if !ok {
				t.Errorf("no query reaches the text filters of %s", name)
				continue
			}
			f.root, f.via = roots[e[0]], e[1]
		}
		out = append(out, *f)
	}
	return out
}

// query builds a count of root whose where ORs every text predicate on $s.
func (f aFilter) query() string {
	var preds []string
	for _, p := range f.fields {
		preds = append(preds, "{"+p+": $s}")
	}
	for _, p := range f.lists {
		preds = append(preds, "{"+p+": [$s]}")
	}
	where := "{or: [" + strings.Join(preds, " ") + "]}"
	if f.via != "" {
		where = "{" + f.via + ": " + where + "}"
	}
	return `query($s: String!) { ` + f.root + `(where: ` + where + `) { totalCount } }`
}

// TestAttackInjectionStrings sends SQL quotes, LIKE wildcards, escapes, NUL
// and very long strings through every text filter: each is a literal that
// matches nothing in the fixture, or is refused as BAD_USER_INPUT when it
// holds NUL (SQLite would cut the text there, PostgreSQL refuses it) or is
// too long; the database is unchanged and the server answers.
func TestAttackInjectionStrings(t *testing.T) {
	t.Parallel()
	type payload struct {
		s       string
		anyHits bool   // the fixture may contain it (Côte-d'Or)
		code    string // a refusal is expected
	}
	long := func(s string, n int) string { return strings.Repeat(s, n/len(s)) }
	payloads := []payload{
		{s: `'`, anyHits: true}, {s: `zq''`}, {s: `zq' OR '1'='1`}, {s: `zq'; DROP TABLE themes; --`}, {s: `"`},
		{s: `\`}, {s: `\'`}, {s: `%`}, {s: `_`}, {s: `%_%`}, {s: `\%`}, {s: `\_`}, {s: `%%`}, {s: `*`},
		{s: `[a-z]%`}, {s: `$1`}, {s: `?`}, {s: `-- `}, {s: `/*`}, {s: "\u202e"},
		{s: "\x00", code: "BAD_USER_INPUT"}, {s: "a\x00b", code: "BAD_USER_INPUT"}, {s: "%\x00%", code: "BAD_USER_INPUT"},
		// Up to the filter's text limit: runs, and matches nothing.
		{s: long("%", 10000)}, {s: long("a_", 10000)}, {s: long("é", 10000)},
		// Past it: refused before SQL (SQLite refuses LIKE patterns over 50,000 bytes).
		{s: long("%", 10001), code: "BAD_USER_INPUT"}, {s: long("a_", 100000), code: "BAD_USER_INPUT"},
		{s: long("é", 200000), code: "BAD_USER_INPUT"},
	}
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		dbtest.NewActorNetwork(t, st)
		h := hHandler(t, st, nil)
		fp := aFingerprint(t, st)
		filters := aTextFilters(t, h)
		if len(filters) < 5 {
			t.Fatalf("only %d filter inputs with text predicates: %+v", len(filters), filters)
		}
		for _, f := range filters {
			t.Run(f.input, func(t *testing.T) {
				t.Logf("%s via %s %s: %d predicates, %d lists", f.input, f.root, f.via, len(f.fields), len(f.lists))
				// Control: "" is contained in everything, so the filter is live.
				rec, body := aVars(f.query(), map[string]any{"s": ""}).send(t, h)
				hCheck(t, rec, body, 200, hJSON, "")
				for i, p := range payloads {
					t.Run(fmt.Sprintf("%d:%.12q", i, p.s), func(t *testing.T) {
						start := time.Now()
						rec, body := aVars(f.query(), map[string]any{"s": p.s}).send(t, h)
						if took := time.Since(start); took > aCeiling {
							t.Errorf("took %v", took)
						}
						switch {
						case p.code != "":
							hCheck(t, rec, body, 200, hJSON, p.code)
						default:
							hCheck(t, rec, body, 200, hJSON, "")
							if !p.anyHits && !strings.HasSuffix(string(body.Data), `{"totalCount":0}}`) {
								t.Errorf("payload %d matches: %.200s", i, body.Data)
							}
						}
						if strings.Contains(rec.Body.String(), "LIKE") || strings.Contains(rec.Body.String(), "pq:") {
							t.Errorf("response leaks SQL: %.300s", rec.Body.String())
						}
						if got := aFingerprint(t, st); !maps.Equal(got, fp) {
							t.Errorf("database changed: %v, was %v", got, fp)
						}
					})
				}
				hStillServes(t, h)
			})
		}
	})
}
