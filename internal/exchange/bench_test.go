package exchange_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/exchange"
)

// benchActors is a file of n new actors on the MiniFrance reference.
func benchActors(n int) string {
	var b strings.Builder
	b.WriteString("name,kind,home_territory,territories,themes\n")
	for i := range n {
		fmt.Fprintf(&b, "Acteur %d,ASSOCIATION,commune:58194,commune:58001|department:58,inclusion|mobilite\n", i)
	}
	return b.String()
}

// BenchmarkImportActors checks and writes 1,000 actors (SQLite), then
// re-imports them as updates.
func BenchmarkImportActors(b *testing.B) {
	st := dbtest.SQLite(b)
	reference(b, st)
	data := []byte(benchActors(1000))
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		rep, err := exchange.ImportTx(ctx, st.Client, data, exchange.Options{Kind: exchange.Actors, Format: exchange.CSV})
		if err != nil || !rep.OK() {
			b.Fatalf("%v %+v", err, rep)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "µs/row")
}

// BenchmarkExportActorsCSV streams 1,000 actors with their edges (SQLite).
func BenchmarkExportActorsCSV(b *testing.B) {
	st := dbtest.SQLite(b)
	reference(b, st)
	ctx := context.Background()
	if _, err := exchange.ImportTx(ctx, st.Client, []byte(benchActors(1000)), exchange.Options{Kind: exchange.Actors, Format: exchange.CSV}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		exp, err := exchange.NewExport(ctx, st.Client, exchange.Actors, exchange.CSV, exchange.Filter{})
		if err != nil {
			b.Fatal(err)
		}
		if err := exp.WriteTo(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
