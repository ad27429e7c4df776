package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/essaim/essaim/internal/exchange"
)

// parseInterspersed parses flags wherever they stand among the arguments
// (`essaim import actors acteurs.csv --dry-run`) and returns the others.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, checkEnv(fs) // once, after every flag is known
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// importFile runs `essaim import actors|initiatives FILE`.
func importFile(ctx context.Context, kind exchange.Kind, args []string, stdout io.Writer) error {
	var c config
	var dryRun bool
	var format, reportFile, reportFormat string
	fs := flag.NewFlagSet("import "+string(kind), flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.BoolVar(&dryRun, "dry-run", false, "check the whole file and write nothing")
	fs.StringVar(&format, "format", "", "csv or json (default: from the file's extension)")
	fs.StringVar(&reportFile, "report", "", "also write the report as JSON to this file")
	fs.StringVar(&reportFormat, "report-format", "text", "report on standard output as text or json")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("usage: essaim import %s FILE [--dry-run] [--format csv|json] [--report FILE] [--report-format text|json]", kind)
	}
	name := pos[0]
	f, err := exchange.FormatOf(name)
	if format != "" {
		f, err = exchange.ParseFormat(format)
	}
	if err != nil {
		return err
	}
	if reportFormat != "text" && reportFormat != "json" {
		return fmt.Errorf("--report-format must be text or json, not %q", reportFormat)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := exchange.ImportTx(ctx, st.Client, data, exchange.Options{
		Kind: kind, Format: f, DryRun: dryRun, Progress: throttled(progressPrinter(os.Stderr)), Dialect: st.Dialect,
	})
	if err != nil {
		return err
	}
	if err := writeReport(rep, reportFile, reportFormat, stdout); err != nil {
		return err
	}
	if !rep.OK() {
		return fmt.Errorf("%s: %d problems, nothing was written", name, len(rep.Errors))
	}
	if rep.StaleStatistics() {
		if _, err := st.DB.ExecContext(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("%s: imported, but refreshing the planner's statistics failed: %w", name, err)
		}
	}
	return nil
}

func writeReport(rep *exchange.Report, file, format string, stdout io.Writer) error {
	if file != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.WriteText(stdout)
	return nil
}

// throttled passes on one progress call per 100 rows, and the last one.
func throttled(p func(stage string, done, total int)) exchange.Progress {
	if p == nil {
		return nil
	}
	return func(stage string, done, total int) {
		if done%100 == 0 || done == total {
			p(stage, done, total)
		}
	}
}

// export runs `essaim export actors|initiatives [flags]`.
func export(ctx context.Context, args []string, stdout io.Writer) error {
	var c config
	var format, out string
	var f exchange.Filter
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.StringVar(&format, "format", "csv", "csv, json or jsonld")
	fs.StringVar(&out, "o", "", "write to this file (default: standard output)")
	fs.StringVar(&f.Area, "area", "", "URBAN or RURAL")
	fs.StringVar(&f.Within, "within", "", "only rows in this territory, at any depth (kind:code, e.g. department:58)")
	fs.StringVar(&f.Covering, "covering", "", "only rows that apply to this territory (kind:code, e.g. commune:58194)")
	fs.StringVar(&f.Theme, "theme", "", "only rows with this theme (slug)")
	fs.StringVar(&f.Kind, "kind", "", "actors of this kind (ASSOCIATION, COOPERATIVE…)")
	fs.StringVar(&f.Status, "status", "", "initiatives with this status (ACTIVE…)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: essaim export actors|initiatives [--format csv|json|jsonld] [-o FILE] [filters]")
	}
	kind, err := exchange.ParseKind(pos[0])
	if err != nil {
		return err
	}
	fmtv, err := exchange.ParseFormat(format)
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	exp, err := exchange.NewExport(ctx, st.Client, kind, fmtv, f)
	if err != nil {
		return err
	}
	if out == "" {
		return exp.WriteTo(ctx, stdout)
	}
	file, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := exp.WriteTo(ctx, file); err != nil {
		_ = file.Close()
		return err
	}
	return file.Close()
}
