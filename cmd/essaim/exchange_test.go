package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/exchange"
	"github.com/essaim/essaim/internal/store"
)

// miniFranceFile is an SQLite file holding dbtest.MiniFrance, in a
// temporary directory.
func miniFranceFile(t *testing.T) (dir, db string) {
	dir = t.TempDir()
	db = filepath.Join(dir, "essaim.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.NewMiniFrance(t, st)
	_ = st.Close()
	return dir, db
}

// TestImportExportCommands runs `essaim import actors|initiatives` and
// `essaim export` on an SQLite file: dry run, report file, refusal, and an
// export that imports back unchanged.
func TestImportExportCommands(t *testing.T) {
	ctx := context.Background()
	dir, db := miniFranceFile(t)
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	actors := write("acteurs.csv", "\ufeffSIREN;Nom;Kind\n356000000;La Poste;COMPANY\n;Coop;cooperative\n")
	if err := run(ctx, []string{"import", "actors", actors, "-db", db, "--dry-run"}, nil); err == nil {
		t.Fatal("the Nom column is unknown: want an error")
	}
	actors = write("acteurs.csv", "\ufeffSIREN;Name;Kind\n356000000;La Poste;COMPANY\n;Coop;cooperative\n")
	report := filepath.Join(dir, "report.json")
	if err := run(ctx, []string{"import", "actors", actors, "-db", db, "--dry-run", "--report", report}, nil); err != nil {
		t.Fatal(err)
	}
	var rep exchange.Report
	if b, err := os.ReadFile(report); err != nil || json.Unmarshal(b, &rep) != nil || !rep.DryRun || rep.Created != 2 {
		t.Fatalf("report %s: %v %+v", report, err, rep)
	}
	if err := run(ctx, []string{"import", "actors", "-db", db, actors}, nil); err != nil {
		t.Fatal(err)
	}
	inits := write("initiatives.json", `[{"key": "k", "title": "Tiers-lieu", "territories": ["commune:58194"], "actors": "Coop:LEAD"}]`)
	if err := run(ctx, []string{"import", "initiatives", inits, "-db", db}, nil); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "export.csv")
	if err := run(ctx, []string{"export", "initiatives", "-db", db, "-o", out, "-within", "department:58"}, nil); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), "k,Tiers-lieu,,,,,,,commune:58194,,Coop:LEAD\n") {
		t.Fatalf("export %q: %v", b, err)
	}
	if err := run(ctx, []string{"import", "initiatives", out, "-db", db, "--report-format", "json"}, nil); err != nil {
		t.Fatalf("re-import of the export: %v", err)
	}
	if err := run(ctx, []string{"export", "actors", "-db", db, "-within", "nowhere:1"}, nil); err == nil {
		t.Error("a bad filter must fail")
	}
}

// TestMaxUploadBytesFlag: the upload cap defaults to 10 MiB and follows the
// environment and the flag.
func TestMaxUploadBytesFlag(t *testing.T) {
	parse := func(args ...string) int64 {
		var c config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		serveFlags(fs, &c)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return c.server.MaxUploadBytes
	}
	if got := parse(); got != 10<<20 {
		t.Errorf("default %d", got)
	}
	t.Setenv("ESSAIM_MAX_UPLOAD_BYTES", "2048")
	if got := parse(); got != 2048 {
		t.Errorf("env %d", got)
	}
	if got := parse("-max-upload-bytes", "0"); got != 0 {
		t.Errorf("flag %d", got)
	}
}

// TestLargeImportRefreshesStatistics: after a bulk import SQLite's planner
// has statistics (sqlite_stat1) for the tables written.
func TestLargeImportRefreshesStatistics(t *testing.T) {
	ctx := context.Background()
	dir, db := miniFranceFile(t)
	var b strings.Builder
	b.WriteString("Name,Kind\n")
	for i := range exchange.AnalyzeAfterRows {
		fmt.Fprintf(&b, "Association %d,ASSOCIATION\n", i)
	}
	file := filepath.Join(dir, "actors.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"import", "actors", "-db", db, file}, nil); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.DB.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'actors'`).Scan(&n); err != nil || n == 0 {
		t.Errorf("statistics of actors: %d rows (%v), want some", n, err)
	}
}
