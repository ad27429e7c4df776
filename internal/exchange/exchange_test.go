package exchange_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/exchange"
	"github.com/essaim/essaim/internal/store"
)

func exportString(t *testing.T, st *store.Store, kind exchange.Kind, f exchange.Format, filter exchange.Filter) string {
	t.Helper()
	ctx := context.Background()
	exp, err := exchange.NewExport(ctx, st.Client, kind, f, filter)
	if err != nil {
		t.Fatalf("export %s: %v", kind, err)
	}
	var b bytes.Buffer
	if err := exp.WriteTo(ctx, &b); err != nil {
		t.Fatalf("export %s: %v", kind, err)
	}
	return b.String()
}

func importString(t *testing.T, st *store.Store, kind exchange.Kind, f exchange.Format, data string, dryRun bool) *exchange.Report {
	t.Helper()
	rep, err := exchange.ImportTx(context.Background(), st.Client, []byte(data), exchange.Options{Kind: kind, Format: f, DryRun: dryRun})
	if err != nil {
		t.Fatalf("import %s: %v", kind, err)
	}
	return rep
}

func mustImport(t *testing.T, st *store.Store, kind exchange.Kind, f exchange.Format, data string) *exchange.Report {
	t.Helper()
	rep := importString(t, st, kind, f, data, false)
	if !rep.OK() {
		t.Fatalf("import %s refused: %+v\n%s", kind, rep.Errors, data)
	}
	return rep
}

// eachPair runs fn per store with two databases of that store.
func eachPair(t *testing.T, fn func(t *testing.T, a, b *store.Store)) {
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, s.Open(t), s.Open(t))
		})
	}
}

// TestRoundTrip exports a knowledge base and imports it into a store with
// the same reference: both must hold the same knowledge, field by field.
// Importing the files again changes nothing.
func TestRoundTrip(t *testing.T) {
	eachPair(t, func(t *testing.T, a, b *store.Store) {
		knowledge(t, a, reference(t, a))
		reference(t, b)
		want := dump(t, a)
		for i, f := range []exchange.Format{exchange.CSV, exchange.JSON} {
			actors := exportString(t, a, exchange.Actors, f, exchange.Filter{})
			inits := exportString(t, a, exchange.Initiatives, f, exchange.Filter{})
			ra := mustImport(t, b, exchange.Actors, f, actors)
			ri := mustImport(t, b, exchange.Initiatives, f, inits)
			if got := dump(t, b); got != want {
				t.Fatalf("%s round trip differs:\n got: %s\nwant: %s", f, got, want)
			}
			created := 4
			if i > 0 {
				created = 0 // the second format updates what the first created
			}
			if ra.Created != created || ra.Updated != 4-created || ri.Created != 3*created/4 || ri.Rows != 3 {
				t.Errorf("%s: actors %+v, initiatives %+v", f, ra, ri)
			}
			if again := exportString(t, b, exchange.Actors, f, exchange.Filter{}); again != actors {
				t.Errorf("%s export of the copy differs:\n%s\n%s", f, again, actors)
			}
		}
	})
}

// TestBrokenFiles checks that each broken file gets the right report and
// leaves the store as it was.
func TestBrokenFiles(t *testing.T) {
	type issue struct {
		line   int
		column string
		code   string
	}
	const actorHead = "siren,name,kind,home_territory,territories,themes\n"
	const initHead = "key,title,start_date,end_date,themes,actors\n"
	cases := []struct {
		name string
		kind exchange.Kind
		f    exchange.Format
		data string
		want []issue
	}{
		{"latin-1", exchange.Actors, exchange.CSV, "name,kind\nCoop\n" + "Caf\xe9,ASSOCIATION\n", []issue{{3, "", exchange.CodeEncoding}}},
		{"utf-16", exchange.Actors, exchange.CSV, "\xff\xfen\x00a\x00", []issue{{0, "", exchange.CodeEncoding}}},
		{"missing column", exchange.Actors, exchange.CSV, "name,siren\nX,\n", []issue{{1, "kind", exchange.CodeMissingColumn}}},
		{"unknown column", exchange.Actors, exchange.CSV, "name,kind,colour\nX,OTHER,red\n", []issue{{1, "colour", exchange.CodeUnknownColumn}}},
		{"unknown commune code", exchange.Actors, exchange.CSV, actorHead + ",Nouvelle,OTHER,commune:99999,,\n",
			[]issue{{2, "home_territory", exchange.CodeUnknownRef}}},
		{"bad territory kind", exchange.Actors, exchange.CSV, actorHead + ",Nouvelle,OTHER,,canton:12,\n",
			[]issue{{2, "territories", exchange.CodeInvalid}}},
		{"unknown theme", exchange.Actors, exchange.CSV, actorHead + ",Nouvelle,OTHER,,,inclusion|jardinage\n",
			[]issue{{2, "themes", exchange.CodeUnknownRef}}},
		{"bad SIREN", exchange.Actors, exchange.CSV, actorHead + "123456789,Nouvelle,OTHER,,,\n", []issue{{2, "siren", exchange.CodeInvalid}}},
		{"bad kind", exchange.Actors, exchange.CSV, actorHead + ",Nouvelle,CLUB,,,\n", []issue{{2, "kind", exchange.CodeInvalid}}},
		{"duplicate SIREN in file", exchange.Actors, exchange.CSV,
			actorHead + "123456782,Une,OTHER,,,\n443061841,Deux,OTHER,,,\n123456782,Trois,OTHER,,,\n",
			[]issue{{4, "siren", exchange.CodeDuplicate}}},
		{"a name with a SIREN, then without", exchange.Actors, exchange.CSV,
			actorHead + "552100554,Brand New,COMPANY,,,\n,Brand New,COMPANY,,,\n",
			[]issue{{3, "siren", exchange.CodeDuplicate}}},
		{"a name without a SIREN, then with", exchange.Actors, exchange.CSV,
			actorHead + ",Brand New,COMPANY,,,\n552100554,Brand New,COMPANY,,,\n",
			[]issue{{3, "siren", exchange.CodeDuplicate}}},
		{"one good row, one bad", exchange.Actors, exchange.CSV, actorHead + "123456782,Une,OTHER,,,\n,,OTHER,,,\n",
			[]issue{{3, "name", exchange.CodeRequired}}},
		{"bad quote", exchange.Actors, exchange.CSV, "name,kind\n\"Une\"x,OTHER\n", []issue{{2, "", exchange.CodeSyntax}}},
		{"end before start", exchange.Initiatives, exchange.CSV, initHead + "k1,T,2024-05-01,2024-04-30,,\n",
			[]issue{{2, "end_date", exchange.CodeInvalid}}},
		{"end before the stored start", exchange.Initiatives, exchange.CSV, "key,end_date,title\nsrc-1,2020-01-01,Tiers-lieu\n",
			[]issue{{2, "end_date", exchange.CodeRejected}}},
		{"bad date", exchange.Initiatives, exchange.CSV, initHead + "k1,T,demain,,,\n", []issue{{2, "start_date", exchange.CodeInvalid}}},
		{"duplicate key in file", exchange.Initiatives, exchange.CSV, initHead + "k1,A,,,,\nk1,B,,,,\n",
			[]issue{{3, "key", exchange.CodeDuplicate}}},
		{"unknown actor", exchange.Initiatives, exchange.CSV, initHead + "k1,A,,,,500000005:LEAD|La Poste:FUNDER\n",
			[]issue{{2, "actors", exchange.CodeUnknownRef}}},
		{"bad role", exchange.Initiatives, exchange.CSV, initHead + "k1,A,,,,La Poste:BOSS\n", []issue{{2, "actors", exchange.CodeInvalid}}},
		// PostgreSQL refuses NUL in text (SQLite stores it): the file's problem, reported on both stores.
		{"NUL in a CSV cell", exchange.Actors, exchange.CSV, "name,kind,description\nA,OTHER,x\x00y\n",
			[]issue{{2, "description", exchange.CodeInvalid}}},
		{"NUL in a looked-up name", exchange.Initiatives, exchange.CSV, initHead + "k1,A,,,,La Poste\x00:LEAD\n",
			[]issue{{2, "actors", exchange.CodeInvalid}}},
		{"NUL in a JSON string", exchange.Initiatives, exchange.JSON, `[{"key": "k", "title": "T\u0000"}]`,
			[]issue{{1, "title", exchange.CodeInvalid}}},
		{"JSON not an array", exchange.Initiatives, exchange.JSON, `{"key": "k"}`, []issue{{0, "", exchange.CodeSyntax}}},
		{"JSON missing field", exchange.Initiatives, exchange.JSON, `[{"key": "k", "title": "T"}, {"key": "k2"}]`,
			[]issue{{2, "title", exchange.CodeMissingColumn}}},
	}
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		knowledge(t, st, reference(t, st))
		before := dump(t, st)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				rep := importString(t, st, tc.kind, tc.f, tc.data, false)
				if rep.OK() {
					t.Fatalf("import accepted, want %+v", tc.want)
				}
				for _, w := range tc.want {
					found := false
					for _, e := range rep.Errors {
						found = found || (e.Line == w.line && e.Column == w.column && e.Code == w.code && e.Message != "")
					}
					if !found {
						t.Errorf("no issue %+v in %+v", w, rep.Errors)
					}
				}
				if rep.Created != 0 || rep.Updated != 0 {
					t.Errorf("counts %d/%d on a refused file", rep.Created, rep.Updated)
				}
				if after := dump(t, st); after != before {
					t.Errorf("store changed:\n%s\nwas:\n%s", after, before)
				}
			})
		}
	})
}

// TestImportSpreadsheetCSV reads what French spreadsheets save: a BOM,
// semicolons, "Start date"-style headers, DD/MM/YYYY dates, CRLF.
func TestImportSpreadsheetCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		knowledge(t, st, reference(t, st))
		data := "\xef\xbb\xbfKey;Title;Start date;Status;Territories;Actors\r\n" +
			"new-1;Épicerie; solidaire;01/02/2024;active;commune:58194|Département:58;356000000:lead|Association sans SIREN:partner\r\n"
		data = strings.Replace(data, "Épicerie; solidaire", "\"Épicerie; solidaire\"", 1)
		rep := mustImport(t, st, exchange.Initiatives, exchange.CSV, data)
		if rep.Created != 1 || rep.Rows != 1 {
			t.Fatalf("report %+v", rep)
		}
		out := exportString(t, st, exchange.Initiatives, exchange.CSV, exchange.Filter{Covering: "commune:58194", Status: "ACTIVE"})
		want := "new-1,Épicerie; solidaire,,,ACTIVE,2024-02-01,,,commune:58194|department:58,,356000000:LEAD|Association sans SIREN:PARTNER"
		if !strings.Contains(out, want) {
			t.Errorf("export:\n%s\nwant a line %s", out, want)
		}
	})
}

// TestDryRunAndReimport: a dry run reports and writes nothing; a corrected
// file updates the rows of the same keys instead of adding rows.
func TestDryRunAndReimport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		knowledge(t, st, reference(t, st))
		before := dump(t, st)
		actors := "siren,name,kind\n356000000,La Poste SA,COMPANY\n500000005,Nouvelle coop,COOPERATIVE\n,Acteur nu,NETWORK\n"
		rep := importString(t, st, exchange.Actors, exchange.CSV, actors, true)
		if !rep.OK() || !rep.DryRun || rep.Created != 1 || rep.Updated != 2 {
			t.Fatalf("dry run report %+v", rep)
		}
		if dump(t, st) != before {
			t.Fatal("dry run wrote")
		}
		mustImport(t, st, exchange.Actors, exchange.CSV, actors)
		inits := "key,title,status,actors\nsrc-1,Tiers-lieu corrigé,COMPLETED,500000005:LEAD\n"
		rep = mustImport(t, st, exchange.Initiatives, exchange.CSV, inits)
		if rep.Created != 0 || rep.Updated != 1 {
			t.Fatalf("reimport report %+v", rep)
		}
		ctx := context.Background()
		if n := st.Client.Actor.Query().CountX(ctx); n != 5 {
			t.Errorf("%d actors, want 5", n)
		}
		if n := st.Client.Initiative.Query().CountX(ctx); n != 3 {
			t.Errorf("%d initiatives, want 3", n)
		}
		out := exportString(t, st, exchange.Initiatives, exchange.CSV, exchange.Filter{Status: "COMPLETED"})
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
		if err != nil || len(rows) != 2 {
			t.Fatalf("export %q: %v", out, err)
		}
		got := strings.Join(rows[1], ",")
		// Columns absent from the file (dates, territories…) kept their values;
		// the actors column replaced the participations.
		want := "src-1,Tiers-lieu corrigé,Résumé,\"Une description\nsur deux lignes\",COMPLETED,2024-03-01,2025-06-30,https://example.org/1,commune:58194|department:58,inclusion-numerique,500000005:LEAD"
		if got != strings.ReplaceAll(want, "\"", "") {
			t.Errorf("updated row\n got %s\nwant %s", got, want)
		}
	})
}

// TestExportFilters applies the list filters, and refuses bad ones.
func TestExportFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		knowledge(t, st, reference(t, st))
		count := func(kind exchange.Kind, f exchange.Filter) int {
			out := exportString(t, st, kind, exchange.CSV, f)
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return len(rows) - 1
		}
		for _, tc := range []struct {
			kind exchange.Kind
			f    exchange.Filter
			want int
		}{
			{exchange.Actors, exchange.Filter{}, 4},
			{exchange.Actors, exchange.Filter{Area: "rural"}, 1},
			{exchange.Actors, exchange.Filter{Within: "department:58"}, 2},
			{exchange.Actors, exchange.Filter{Theme: "inclusion"}, 1},
			{exchange.Actors, exchange.Filter{Kind: "COOPERATIVE"}, 1},
			{exchange.Initiatives, exchange.Filter{Within: "department:89"}, 1},
			{exchange.Initiatives, exchange.Filter{Covering: "commune:58194"}, 1},
			{exchange.Initiatives, exchange.Filter{Area: "URBAN", Status: "ACTIVE"}, 1},
			{exchange.Initiatives, exchange.Filter{Status: "IDEA", Theme: "mobilite"}, 1},
		} {
			if got := count(tc.kind, tc.f); got != tc.want {
				t.Errorf("%s %+v: %d rows, want %d", tc.kind, tc.f, got, tc.want)
			}
		}
		for _, f := range []exchange.Filter{{Area: "SUBURBAN"}, {Within: "commune:00000"}, {Within: "58"}, {Theme: "nope"}, {Status: "DONE"}} {
			_, err := exchange.NewExport(context.Background(), st.Client, exchange.Initiatives, exchange.CSV, f)
			var fe *exchange.FilterError
			if !errors.As(err, &fe) {
				t.Errorf("filter %+v: error %v, want a FilterError", f, err)
			}
		}
	})
}

// TestImplicitKeys: an initiative stored without a key (written by SQL
// outside the API) is exported as essaim-<id> and imported back onto itself.
func TestImplicitKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		knowledge(t, st, reference(t, st))
		ctx := context.Background()
		st.Client.Initiative.Update().Where(initiative.SourceKey("src-3")).ClearSourceKey().ExecX(ctx)
		id := st.Client.Initiative.Query().Where(initiative.SourceKeyIsNil()).OnlyIDX(ctx)
		out := exportString(t, st, exchange.Initiatives, exchange.CSV, exchange.Filter{})
		key := fmt.Sprintf("essaim-%d", id)
		if !strings.Contains(out, "\n"+key+",Sans rien,") {
			t.Fatalf("export lacks %s:\n%s", key, out)
		}
		rep := mustImport(t, st, exchange.Initiatives, exchange.CSV, out)
		if rep.Created != 0 || rep.Updated != 3 {
			t.Errorf("report %+v", rep)
		}
		if got := st.Client.Initiative.GetX(ctx, id).SourceKey; got == nil || *got != key {
			t.Errorf("key %v, want %s", got, key)
		}
	})
}

// TestImportBumpsVersionsOnce: an import bumps each counter at most once,
// whatever its rows (store.DeferBumps), and the network version only when a
// row can change the actor network; a refused file bumps nothing.
func TestImportBumpsVersionsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		knowledge(t, st, reference(t, st))
		cases := []struct {
			name           string
			kind           exchange.Kind
			data           string
			graph, network int64
		}{
			{"actors", exchange.Actors, "name,kind\nUn,ASSOCIATION\nDeux,COOPERATIVE\nTrois,NETWORK\n", 1, 1},
			{"initiatives on places only", exchange.Initiatives,
				"key,title,territories\nv-1,Un,commune:58194\nv-2,Deux,department:58\n", 1, 0},
			{"initiatives with actors", exchange.Initiatives,
				"key,title,actors\nv-3,Trois,356000000:LEAD\nv-4,Quatre,Un:PARTNER|Deux:PARTNER\n", 1, 1},
			{"a refused file", exchange.Initiatives, "key,title,territories\nv-5,Cinq,commune:99999\n", 0, 0},
		}
		ctx := context.Background()
		for _, tc := range cases {
			before, err := store.ReadVersions(ctx, st.Client)
			if err != nil {
				t.Fatal(err)
			}
			importString(t, st, tc.kind, exchange.CSV, tc.data, false)
			after, err := store.ReadVersions(ctx, st.Client)
			if err != nil {
				t.Fatal(err)
			}
			if g, n := after.Graph-before.Graph, after.Network-before.Network; g != tc.graph || n != tc.network {
				t.Errorf("%s: graph +%d, network +%d; want +%d, +%d", tc.name, g, n, tc.graph, tc.network)
			}
		}
	})
}
