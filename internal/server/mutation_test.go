package server_test

// Tests of every GraphQL mutation and of its error paths, through the real
// HTTP handler, on both stores (SQLite and PostgreSQL). This file holds the
// shared fixture and helpers, the tests of malformed arguments and the tests
// of transactions; mutation_territory_test.go and mutation_catalog_test.go
// hold the per-type tests.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/ent/theme"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/siren"
	"github.com/essaim/essaim/internal/store"
)

// mutFixture is the data every mutation test starts from, in its own
// database: MiniFrance plus a small catalogue.
//
//	themes: Parent "solidarity" ─ Child "food-aid"; Lone "mobility"
//	actors: Actor (SIREN, home Nevers, acts in Nièvre, theme Child)
//	        Other (no SIREN, acts in Dijon)
//	initiatives: Initiative 2020-01-01 → 2021-06-30, in Achun, theme Child
//	             Idea (no dates, no territory)
//	participations: Actor LEAD in Initiative, Other PARTNER in Initiative
type mutFixture struct {
	st *store.Store
	c  *gqltest.Client
	mf *dbtest.MiniFrance

	Parent, Child, Lone *ent.Theme
	Actor, Other        *ent.Actor
	Initiative, Idea    *ent.Initiative
	Lead, Partner       *ent.Participation
}

var (
	mutStart = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	mutEnd   = time.Date(2021, 6, 30, 0, 0, 0, 0, time.UTC)
)

// Fixture SIRENs: valid numbers no other fixture row uses.
var (
	mutActorSIREN = mutSIREN("12345678") // the fixture actor's
	mutFreeSIREN  = mutSIREN("87654321") // unused: for creations
)

// mutSIREN completes eight digits with the Luhn check digit.
func mutSIREN(prefix string) string {
	for d := '0'; d <= '9'; d++ {
		if s := prefix + string(d); siren.Validate(s) == nil {
			return s
		}
	}
	panic("no check digit for " + prefix)
}

// mutBadChecksum returns s with its last digit changed, which always breaks a
// Luhn checksum.
func mutBadChecksum(s string) string {
	last := (s[8]-'0'+1)%10 + '0'
	return s[:8] + string(rune(last))
}

func newMutFixture(t *testing.T, st *store.Store) *mutFixture {
	t.Helper()
	ctx := context.Background()
	f := &mutFixture{st: st, c: gqltest.New(st), mf: dbtest.NewMiniFrance(t, st)}
	c := st.Client
	must := func(err error, what string) {
		if err != nil {
			t.Fatalf("fixture: create %s: %v", what, err)
		}
	}
	var err error
	f.Parent, err = c.Theme.Create().SetSlug("solidarity").SetLabel("Solidarity").Save(ctx)
	must(err, "theme solidarity")
	f.Child, err = c.Theme.Create().SetSlug("food-aid").SetLabel("Food aid").SetParent(f.Parent).Save(ctx)
	must(err, "theme food-aid")
	f.Lone, err = c.Theme.Create().SetSlug("mobility").SetLabel("Mobility").Save(ctx)
	must(err, "theme mobility")
	f.Actor, err = c.Actor.Create().SetName("Épicerie solidaire").SetKind(actor.KindASSOCIATION).
		SetSiren(mutActorSIREN).SetWebsite("https://epicerie.example.org").
		SetHomeTerritory(f.mf.Nevers).AddTerritories(f.mf.Nievre).AddThemes(f.Child).Save(ctx)
	must(err, "actor")
	f.Other, err = c.Actor.Create().SetName("Coop Dijon").SetKind(actor.KindCOOPERATIVE).
		AddTerritories(f.mf.Dijon).Save(ctx)
	must(err, "other actor")
	f.Initiative, err = c.Initiative.Create().SetTitle("Paniers solidaires").
		SetStatus(initiative.StatusACTIVE).SetStartDate(mutStart).SetEndDate(mutEnd).
		AddTerritories(f.mf.Achun).AddThemes(f.Child).Save(ctx)
	must(err, "initiative")
	f.Lead, err = c.Participation.Create().SetRole(participation.RoleLEAD).
		SetActor(f.Actor).SetInitiative(f.Initiative).Save(ctx)
	must(err, "participation")
	f.Partner, err = c.Participation.Create().SetRole(participation.RolePARTNER).
		SetActor(f.Other).SetInitiative(f.Initiative).Save(ctx)
	must(err, "participation")
	f.Idea, err = c.Initiative.Create().SetTitle("Tiers-lieu").SetStatus(initiative.StatusIDEA).Save(ctx)
	must(err, "idea")
	return f
}

// mutStores runs fn on a fresh fixture in each store, in parallel subtests.
func mutStores(t *testing.T, fn func(t *testing.T, f *mutFixture)) {
	t.Helper()
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newMutFixture(t, s.Open(t)))
		})
	}
}

// mutGID renders an ent ID the way the API does.
func mutGID(id int) string { return strconv.Itoa(id) }

// mutForbidden are fragments of SQL and driver text that must never reach a
// client.
var mutForbidden = []string{"SELECT", "INSERT", "UPDATE ", "DELETE FROM", "pq:", "sqlite", "SQLITE",
	"constraint failed", "UNIQUE", "violates", "duplicate key", "FOREIGN KEY", "sql:"}

// mutCheckErrors asserts that every error is coded code, has a non-empty
// message, and names field (when given) in extensions.field; and that
// at least one message contains msg (when given).
func mutCheckErrors(t *testing.T, errs []gqltest.Error, code, field, msg string) {
	t.Helper()
	if len(errs) == 0 {
		return // reported by mutFailRaw
	}
	found := msg == ""
	for _, e := range errs {
		if e.Code() != code {
			t.Errorf("error %q has code %q, want %q", e.Message, e.Code(), code)
		}
		if strings.TrimSpace(e.Message) == "" {
			t.Errorf("error with code %s has an empty message", e.Code())
		}
		if field != "" {
			if got, _ := e.Extensions["field"].(string); got != field {
				t.Errorf("error %q: extensions.field = %q, want %q", e.Message, got, field)
			}
		}
		if msg != "" && strings.Contains(e.Message, msg) {
			found = true
		}
	}
	if !found {
		t.Errorf("no error message contains %q: %+v", msg, errs)
	}
}

// mutFail posts a mutation that must fail, checks its errors, that it returned
// no data, and that it left the database exactly as it was; it reports
// whether the database is unchanged.
func mutFail(t *testing.T, f *mutFixture, query string, vars map[string]any, code, field, msg string) bool {
	t.Helper()
	errs, unchanged := mutFailRaw(t, f, query, vars)
	mutCheckErrors(t, errs, code, field, msg)
	return unchanged
}

// mutFailRaw posts a request that must fail and checks what every failure
// must satisfy: no data, no error message leaking SQL or driver text, and an
// unchanged database (which it reports). It returns the errors.
func mutFailRaw(t *testing.T, f *mutFixture, query string, vars map[string]any) ([]gqltest.Error, bool) {
	t.Helper()
	before := mutDump(t, f.st)
	resp := f.c.Post(t, query, vars)
	if len(resp.Errors) == 0 {
		t.Errorf("request succeeded, want an error")
	}
	for _, e := range resp.Errors {
		for _, bad := range mutForbidden {
			if strings.Contains(e.Message, bad) {
				t.Errorf("error message %q leaks %q", e.Message, bad)
			}
		}
	}
	if d := strings.TrimSpace(string(resp.Data)); d != "" && d != "null" {
		t.Errorf("failed request returned data %s", d)
	}
	if after := mutDump(t, f.st); after != before {
		t.Errorf("failed request changed the database:\n%s", mutDiff(before, after))
		return resp.Errors, false
	}
	return resp.Errors, true
}

// mutDump renders every row of every table, with its edges, through the ent
// client: two equal dumps mean an unchanged database (counts and fields,
// updated_at included).
func mutDump(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	var b strings.Builder
	ids := func(n int, id func(i int) int) string {
		out := make([]int, n)
		for i := range out {
			out[i] = id(i)
		}
		slices.Sort(out)
		return fmt.Sprint(out)
	}
	ts := func(tm time.Time) string { return tm.UTC().Format(time.RFC3339Nano) }
	tp := func(tm *time.Time) string {
		if tm == nil {
			return "nil"
		}
		return ts(*tm)
	}
	deref := func(p any) string {
		switch v := p.(type) {
		case *int:
			if v != nil {
				return strconv.Itoa(*v)
			}
		case *float64:
			if v != nil {
				return strconv.FormatFloat(*v, 'g', 12, 64)
			}
		case *string:
			if v != nil {
				return strconv.Quote(*v)
			}
		default:
			return fmt.Sprint(v)
		}
		return "nil"
	}
	check := func(err error) {
		if err != nil {
			t.Fatalf("dump database: %v", err)
		}
	}

	terrs, err := c.Territory.Query().WithContainedIn().Order(territory.ByID()).All(ctx)
	check(err)
	for _, x := range terrs {
		var a *string
		if x.Area != nil {
			s := string(*x.Area)
			a = &s
		}
		fmt.Fprintf(&b, "territory %d %s %q %q pop=%d level=%s area=%s share=%s in=%s upd=%s\n",
			x.ID, x.Kind, x.Code, x.Name, x.Population, deref(x.DensityLevel), deref(a),
			deref(x.RuralPopulationShare),
			ids(len(x.Edges.ContainedIn), func(i int) int { return x.Edges.ContainedIn[i].ID }), ts(x.UpdatedAt))
	}
	themes, err := c.Theme.Query().WithParent().Order(theme.ByID()).All(ctx)
	check(err)
	for _, x := range themes {
		parent := 0
		if x.Edges.Parent != nil {
			parent = x.Edges.Parent.ID
		}
		fmt.Fprintf(&b, "theme %d %q %q %q parent=%d upd=%s\n", x.ID, x.Slug, x.Label, x.Description, parent, ts(x.UpdatedAt))
	}
	actors, err := c.Actor.Query().WithHomeTerritory().WithTerritories().WithThemes().Order(actor.ByID()).All(ctx)
	check(err)
	for _, x := range actors {
		home := 0
		if x.Edges.HomeTerritory != nil {
			home = x.Edges.HomeTerritory.ID
		}
		fmt.Fprintf(&b, "actor %d %q %s siren=%s %q %q %q home=%d terr=%s themes=%s upd=%s\n",
			x.ID, x.Name, x.Kind, deref(x.Siren), x.Description, x.Website, x.Source, home,
			ids(len(x.Edges.Territories), func(i int) int { return x.Edges.Territories[i].ID }),
			ids(len(x.Edges.Themes), func(i int) int { return x.Edges.Themes[i].ID }), ts(x.UpdatedAt))
	}
	inits, err := c.Initiative.Query().WithTerritories().WithThemes().Order(initiative.ByID()).All(ctx)
	check(err)
	for _, x := range inits {
		status := "nil"
		if x.Status != nil {
			status = x.Status.String()
		}
		fmt.Fprintf(&b, "initiative %d %q %q %q %s start=%s end=%s %q terr=%s themes=%s upd=%s\n",
			x.ID, x.Title, x.Summary, x.Description, status, tp(x.StartDate), tp(x.EndDate), x.Source,
			ids(len(x.Edges.Territories), func(i int) int { return x.Edges.Territories[i].ID }),
			ids(len(x.Edges.Themes), func(i int) int { return x.Edges.Themes[i].ID }), ts(x.UpdatedAt))
	}
	parts, err := c.Participation.Query().Order(participation.ByID()).All(ctx)
	check(err)
	for _, x := range parts {
		fmt.Fprintf(&b, "participation %d %s actor=%d initiative=%d upd=%s\n",
			x.ID, x.Role, x.ActorID, x.InitiativeID, ts(x.UpdatedAt))
	}
	return b.String()
}

// mutDiff lists the lines that differ between two dumps.
func mutDiff(before, after string) string {
	bl, al := strings.Split(before, "\n"), strings.Split(after, "\n")
	var out []string
	for _, l := range bl {
		if !slices.Contains(al, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range al {
		if !slices.Contains(bl, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// mutErrCase is one mutation that must fail.
type mutErrCase struct {
	name  string
	query string
	vars  func(f *mutFixture) map[string]any
	code  string
	field string // expected extensions.field, when the error names one
	msg   string // a fragment the message must contain
}

// runMutErrCases runs the cases on both stores. Since every case must leave
// the database unchanged (which mutFail checks, case by case), the cases of a
// store share one fixture and run one after the other; should a case change
// the database anyway, the cases after it each get a fresh fixture, so that a
// failure never cascades. vars must not write to the database.
func runMutErrCases(t *testing.T, cases []mutErrCase) {
	t.Helper()
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			shared, dirty := newMutFixture(t, s.Open(t)), false
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					f, clean := shared, false
					if dirty {
						f = newMutFixture(t, s.Open(t))
					} else {
						// Unless the case shows the shared database unchanged,
						// even when it stops early, no later case uses it.
						defer func() { dirty = !clean }()
					}
					var vars map[string]any
					if tc.vars != nil {
						vars = tc.vars(f)
					}
					clean = mutFail(t, f, tc.query, vars, tc.code, tc.field, tc.msg)
				})
			}
		})
	}
}

// mutData posts a mutation that must succeed and decodes its data.
func mutData[T any](t *testing.T, f *mutFixture, query string, vars map[string]any) T {
	t.Helper()
	var out T
	f.c.MustData(t, query, vars, &out)
	return out
}

// mutMustID parses an API ID.
func mutMustID(t *testing.T, s string) int {
	t.Helper()
	id, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("ID %q is not an integer: %v", s, err)
	}
	return id
}

// mutJSONEq reports whether got, decoded from JSON, equals want.
func mutJSONEq(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: decode %s: %v", what, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: decode want %s: %v", what, want, err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("%s = %s, want %s", what, gb, wb)
	}
}

func mutPtr[T any](v T) *T { return &v }

func mutEqualPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// mutDeref shows a pointer's value, or nil.
func mutDeref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// mutSameTime reports whether two RFC 3339 times are the same instant.
func mutSameTime(t *testing.T, got, want string) bool {
	t.Helper()
	g, err := time.Parse(time.RFC3339Nano, got)
	if err != nil {
		t.Errorf("time %q: %v", got, err)
		return false
	}
	w, err := time.Parse(time.RFC3339Nano, want)
	if err != nil {
		t.Fatalf("want time %q: %v", want, err)
	}
	return g.Equal(w)
}

// TestMutationMalformedArguments sends IDs and times that are not IDs and
// times to every mutation: gqlgen refuses them while decoding the arguments,
// before any resolver runs, as BAD_USER_INPUT.
func TestMutationMalformedArguments(t *testing.T) {
	t.Parallel()
	type vars = map[string]any
	// Each mutation taking an ID, with a valid input when it needs one.
	byID := []struct {
		field, input string
		in           vars
	}{
		{"updateTerritory", "UpdateTerritoryInput", vars{"name": "X"}},
		{"deleteTerritory", "", nil},
		{"updateTheme", "UpdateThemeInput", vars{"label": "X"}},
		{"deleteTheme", "", nil},
		{"updateActor", "UpdateActorInput", vars{"name": "X"}},
		{"deleteActor", "", nil},
		{"updateInitiative", "UpdateInitiativeInput", vars{"title": "X"}},
		{"deleteInitiative", "", nil},
		{"updateParticipation", "UpdateParticipationInput", vars{"role": "LEAD"}},
		{"deleteParticipation", "", nil},
	}
	var cases []mutErrCase
	for _, m := range byID {
		query := `mutation($id: ID!) { ` + m.field + `(id: $id) }`
		if m.input != "" {
			query = `mutation($id: ID!, $in: ` + m.input + `!) { ` + m.field + `(id: $id, input: $in) { id } }`
		}
		for _, id := range []string{"abc", "", "0", "-1", "1.5", "12abc", " 12", "99999999999999999999"} {
			cases = append(cases, mutErrCase{
				name: m.field + " id " + strconv.Quote(id), query: query, code: "BAD_USER_INPUT", msg: "invalid ID",
				vars: func(*mutFixture) vars { return vars{"id": id, "in": m.in} },
			})
		}
		// The largest ID is well formed, and names nothing.
		cases = append(cases, mutErrCase{
			name: m.field + " id max int64", query: query, code: "NOT_FOUND",
			vars: func(*mutFixture) vars { return vars{"id": "9223372036854775807", "in": m.in} },
		})
	}
	cases = append(cases,
		// IDs written in the query rather than in variables.
		mutErrCase{name: "literal id abc", query: `mutation { deleteActor(id: "abc") }`, code: "BAD_USER_INPUT", msg: "invalid ID"},
		mutErrCase{name: "literal id 0", query: `mutation { deleteActor(id: 0) }`, code: "BAD_USER_INPUT", msg: "invalid ID"},
		// IDs in lists and in inputs.
		mutErrCase{name: "territoryIDs entry abc", code: "BAD_USER_INPUT", msg: "invalid ID",
			query: `mutation($in: CreateActorInput!) { createActor(input: $in) { id } }`,
			vars: func(f *mutFixture) vars {
				return vars{"in": vars{"name": "X", "kind": "OTHER", "territoryIDs": []string{mutGID(f.mf.Nevers.ID), "abc"}}}
			}},
		mutErrCase{name: "themeIDs entry -3", code: "BAD_USER_INPUT", msg: "invalid ID",
			query: `mutation($in: CreateInitiativeInput!) { createInitiative(input: $in) { id } }`,
			vars:  func(*mutFixture) vars { return vars{"in": vars{"title": "X", "themeIDs": []string{"-3"}}} }},
		mutErrCase{name: "addContainIDs entry x", code: "BAD_USER_INPUT", msg: "invalid ID",
			query: `mutation($id: ID!, $in: UpdateTerritoryInput!) { updateTerritory(id: $id, input: $in) { id } }`,
			vars: func(f *mutFixture) vars {
				return vars{"id": mutGID(f.mf.Nievre.ID), "in": vars{"addContainIDs": []string{"x"}}}
			}},
		mutErrCase{name: "participation initiativeID 0", code: "BAD_USER_INPUT", msg: "invalid ID",
			query: `mutation($in: CreateParticipationInput!) { createParticipation(input: $in) { id } }`,
			vars: func(f *mutFixture) vars {
				return vars{"in": vars{"role": "LEAD", "actorID": mutGID(f.Other.ID), "initiativeID": "0"}}
			}},
	)
	// Accepted, so not here: RFC 3339 date-times and plain dates ("2019-01-01").
	for _, tm := range []string{"2019-13-45", "2019-02-30T00:00:00Z", "yesterday", "2019-01-01 00:00:00", "01/02/2019"} {
		cases = append(cases,
			mutErrCase{name: "createInitiative startDate " + strconv.Quote(tm), code: "BAD_USER_INPUT", msg: "invalid time",
				query: `mutation($in: CreateInitiativeInput!) { createInitiative(input: $in) { id } }`,
				vars:  func(*mutFixture) vars { return vars{"in": vars{"title": "X", "startDate": tm}} }},
			mutErrCase{name: "updateInitiative endDate " + strconv.Quote(tm), code: "BAD_USER_INPUT", msg: "invalid time",
				query: `mutation($id: ID!, $in: UpdateInitiativeInput!) { updateInitiative(id: $id, input: $in) { id } }`,
				vars:  func(f *mutFixture) vars { return vars{"id": mutGID(f.Initiative.ID), "in": vars{"endDate": tm}} }},
		)
	}
	cases = append(cases, mutErrCase{name: "literal startDate 2019-13-45", code: "BAD_USER_INPUT", msg: "invalid time",
		query: `mutation { createInitiative(input: {title: "X", startDate: "2019-13-45"}) { id } }`})
	runMutErrCases(t, cases)
}

// TestMutationEmptyTime: gqlgen's built-in Time scalar decoded "" as the zero
// time (stored as 0001-01-01, shown as null); the project's Time scalar
// (internal/gqltime) refuses it.
func TestMutationEmptyTime(t *testing.T) {
	t.Parallel()
	type vars = map[string]any
	runMutErrCases(t, []mutErrCase{
		{name: "createInitiative startDate empty", code: "BAD_USER_INPUT", msg: "invalid time",
			query: `mutation($in: CreateInitiativeInput!) { createInitiative(input: $in) { id } }`,
			vars:  func(*mutFixture) vars { return vars{"in": vars{"title": "X", "startDate": ""}} }},
		{name: "updateInitiative startDate empty", code: "BAD_USER_INPUT", msg: "invalid time",
			query: `mutation($id: ID!, $in: UpdateInitiativeInput!) { updateInitiative(id: $id, input: $in) { id } }`,
			vars:  func(f *mutFixture) vars { return vars{"id": mutGID(f.Initiative.ID), "in": vars{"startDate": ""}} }},
	})
}

// TestMutationDatabaseUnavailable: when entgql.Transactioner cannot open the
// transaction of a mutation it answers with the driver's text, bypassing the
// error presenter; the codedResponses interceptor turns that into UNAVAILABLE.
func TestMutationDatabaseUnavailable(t *testing.T) {
	t.Parallel()
	mutStores(t, func(t *testing.T, f *mutFixture) {
		if err := f.st.DB.Close(); err != nil {
			t.Fatal(err)
		}
		errs := f.c.MustFail(t, `mutation { createTheme(input: {slug: "x", label: "X"}) { id } }`, nil, "UNAVAILABLE")
		mutCheckErrors(t, errs, "UNAVAILABLE", "", "the database cannot be reached: try again later")
		for _, e := range errs {
			for _, bad := range mutForbidden {
				if strings.Contains(e.Message, bad) {
					t.Errorf("error message %q leaks %q", e.Message, bad)
				}
			}
		}
	})
}

// TestMutationTransactions pins down what a failing mutation leaves behind.
//
// entgql.Transactioner (entgo.io/contrib@v0.7.0/entgql/transaction.go), which
// server.GraphQL installs, opens ONE transaction per mutation operation, not
// one per mutation field: InterceptResponse opens it before executing the
// operation and, once the whole response is built, rolls it back if the
// response holds any error — returning the errors alone, without the data of
// the fields that did succeed — and commits it otherwise. It also serialises
// the field resolvers with a mutex. So:
//
//   - a mutation failing halfway (after some of its statements ran) leaves
//     nothing behind;
//   - a request with several mutations is all-or-nothing: if any fails, none is
//     kept, even those before it (the GraphQL spec would allow the first ones
//     to commit: here they do not), and the response has no data;
//   - later mutation fields see the writes of earlier ones (same transaction).
//
// One difference between the stores: once a statement fails, PostgreSQL aborts
// the transaction, so every later mutation field of the request that touches
// the database fails too ("current transaction is aborted"), which the error
// presenter reports as INTERNAL "internal error" (and logs as one). SQLite
// runs the later fields, then rolls them back with the rest. Either way
// nothing is kept.
func TestMutationTransactions(t *testing.T) {
	t.Parallel()
	type vars = map[string]any
	// pathOf returns the alias (or field) an error is about.
	pathOf := func(e gqltest.Error) string {
		if len(e.Path) == 0 {
			return ""
		}
		s, _ := e.Path[0].(string)
		return s
	}
	// checkFailure checks that the error on path failed is BAD_USER_INPUT,
	// and that any other error is the PostgreSQL aborted-transaction one of a
	// later field.
	checkFailure := func(t *testing.T, store string, errs []gqltest.Error, failed string, later ...string) {
		t.Helper()
		seen := false
		for _, e := range errs {
			switch p := pathOf(e); {
			case p == failed:
				seen = true
				if e.Code() != "BAD_USER_INPUT" {
					t.Errorf("error on %s = %s %q, want BAD_USER_INPUT", p, e.Code(), e.Message)
				}
			case store == "postgres" && slices.Contains(later, p) && e.Code() == "INTERNAL":
				// The aborted PostgreSQL transaction, see above.
			default:
				t.Errorf("unexpected error on %q: %s %q", p, e.Code(), e.Message)
			}
		}
		if !seen {
			t.Errorf("no error on %s: %+v", failed, errs)
		}
	}
	ctx := context.Background()
	cases := []struct {
		name  string
		query string
		vars  func(f *mutFixture) vars
		check func(t *testing.T, store string, f *mutFixture, errs []gqltest.Error)
	}{
		{
			// The initiative row and its first territory link are inserted
			// before the link to the unknown territory fails on its foreign key.
			name:  "a mutation failing halfway",
			query: `mutation($in: CreateInitiativeInput!) { createInitiative(input: $in) { id } }`,
			vars: func(f *mutFixture) vars {
				return vars{"in": vars{"title": "Half-way", "status": "ACTIVE",
					"territoryIDs": []string{mutGID(f.mf.Achun.ID), mutGID(f.mf.Nevers.ID), "999999"},
					"themeIDs":     mutIDs(f.Lone.ID)}}
			},
			check: func(t *testing.T, _ string, f *mutFixture, errs []gqltest.Error) {
				checkFailure(t, "", errs, "createInitiative")
				n, err := f.st.Client.Initiative.Query().Where(initiative.Title("Half-way")).Count(ctx)
				if err != nil || n != 0 {
					t.Errorf("%d initiatives titled Half-way (%v), want 0", n, err)
				}
			},
		},
		{
			name: "the second of two mutations fails",
			query: `mutation {
				a: createTheme(input: {slug: "new-one", label: "New"}) { id }
				b: createTheme(input: {slug: "food-aid", label: "Taken"}) { id }
			}`,
			check: func(t *testing.T, store string, f *mutFixture, errs []gqltest.Error) {
				checkFailure(t, store, errs, "b")
				// The first mutation succeeded, yet is not kept.
				if ok, err := f.st.Client.Theme.Query().Where(theme.Slug("new-one")).Exist(ctx); err != nil || ok {
					t.Errorf("theme of the first mutation was kept (%v)", err)
				}
			},
		},
		{
			name: "the first of two mutations fails",
			query: `mutation {
				a: createTheme(input: {slug: "food-aid", label: "Taken"}) { id }
				b: createTheme(input: {slug: "new-one", label: "New"}) { id }
			}`,
			check: func(t *testing.T, store string, f *mutFixture, errs []gqltest.Error) {
				checkFailure(t, store, errs, "a", "b")
				if ok, err := f.st.Client.Theme.Query().Where(theme.Slug("new-one")).Exist(ctx); err != nil || ok {
					t.Errorf("theme of the second mutation was kept (%v)", err)
				}
			},
		},
		{
			name: "a cascading delete before a failing mutation",
			query: `mutation($actor: ID!, $dep: ID!) {
				a: deleteActor(id: $actor)
				b: deleteTerritory(id: $dep)
			}`,
			vars: func(f *mutFixture) vars { return vars{"actor": mutGID(f.Actor.ID), "dep": mutGID(f.mf.Nievre.ID)} },
			check: func(t *testing.T, store string, f *mutFixture, errs []gqltest.Error) {
				checkFailure(t, store, errs, "b")
				if ok, err := f.st.Client.Participation.Query().Where(participation.ID(f.Lead.ID)).Exist(ctx); err != nil || !ok {
					t.Errorf("the deleted actor's participation is gone (%v)", err)
				}
			},
		},
		{
			name: "derived areas before a failing mutation",
			query: `mutation($nevers: ID!, $theme: ID!) {
				a: updateTerritory(id: $nevers, input: {densityLevel: 6}) { area }
				b: deleteTheme(id: $theme)
			}`,
			vars: func(f *mutFixture) vars {
				return vars{"nevers": mutGID(f.mf.Nevers.ID), "theme": mutGID(f.Parent.ID)}
			},
			check: func(t *testing.T, store string, f *mutFixture, errs []gqltest.Error) {
				checkFailure(t, store, errs, "b")
				// mutFailRaw compared every area and share; say it plainly too.
				mutCheckDerived(t, f, map[string]mutDerived{
					"Nevers": {f.mf.Nevers.ID, "URBAN", mutPtr(0.0)},
					"Nièvre": {f.mf.Nievre.ID, "URBAN", mutShare(200, 33200)},
				})
			},
		},
		{
			// Same transaction: b sees a's theme, and fails on its slug.
			name: "a later mutation conflicting with an earlier one",
			query: `mutation {
				a: createTheme(input: {slug: "twice", label: "Once"}) { id }
				b: createTheme(input: {slug: "twice", label: "Twice"}) { id }
			}`,
			check: func(t *testing.T, store string, f *mutFixture, errs []gqltest.Error) {
				checkFailure(t, store, errs, "b")
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, s := range dbtest.Stores() {
				t.Run(s.Name, func(t *testing.T) {
					t.Parallel()
					f := newMutFixture(t, s.Open(t))
					var v vars
					if tc.vars != nil {
						v = tc.vars(f)
					}
					errs, _ := mutFailRaw(t, f, tc.query, v)
					t.Logf("errors: %+v", errs)
					tc.check(t, s.Name, f, errs)
				})
			}
		})
	}

	// When every mutation succeeds, all are kept, each seeing the ones before.
	t.Run("all mutations succeed", func(t *testing.T) {
		t.Parallel()
		mutStores(t, func(t *testing.T, f *mutFixture) {
			got := mutData[struct {
				A mutTerritory
				B mutTerritory
				C string
			}](t, f, `mutation($nievre: ID!, $partner: ID!) {
				a: createTerritory(input: {kind: COMMUNE, code: "58100", name: "Rurville", population: 1000,
					densityLevel: 5, containedInIDs: [$nievre]}) { id area }
				b: updateTerritory(id: $nievre, input: {name: "Nièvre (58)"}) { name area ruralPopulationShare }
				c: deleteParticipation(id: $partner)
			}`, vars{"nievre": mutGID(f.mf.Nievre.ID), "partner": mutGID(f.Partner.ID)})
			mutCheckArea(t, "b: Nièvre after a", got.B, "URBAN", mutShare(1200, 34200))
			if got.B.Name != "Nièvre (58)" || got.C != mutGID(f.Partner.ID) {
				t.Errorf("got %+v", got)
			}
			c := f.st.Client
			if ok, err := c.Territory.Query().Where(territory.Code("58100")).Exist(ctx); err != nil || !ok {
				t.Errorf("created commune not kept (%v)", err)
			}
			if ok, err := c.Participation.Query().Where(participation.ID(f.Partner.ID)).Exist(ctx); err != nil || ok {
				t.Errorf("deleted participation kept (%v)", err)
			}
			mutCheckDerived(t, f, map[string]mutDerived{"Nièvre": {f.mf.Nievre.ID, "URBAN", mutShare(1200, 34200)}})
		})
	})
}
