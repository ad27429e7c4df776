package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/essaim/essaim/internal/firstrun"
	"github.com/essaim/essaim/internal/memlimit"
	"github.com/essaim/essaim/internal/refdata"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
	"github.com/essaim/essaim/internal/territory"
)

func serve(ctx context.Context, args []string, ready func(addr string)) error {
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	serveFlags(fs, &c)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log := newLogger(c.logFormat)
	if err := loadTrustedDocuments(&c, log); err != nil {
		return err
	}
	if c.maxConns < 0 || c.maxConns == 1 {
		// A mutation whose answer reads the actor network holds one
		// connection for its transaction and needs a second.
		return fmt.Errorf("-db-max-conns %d: want 0 (the default) or at least 2", c.maxConns)
	}
	if c.server.OperationSlots < 0 {
		return fmt.Errorf("-operation-slots %d: want 0 (no bound) or more", c.server.OperationSlots)
	}
	if c.server.HeavyOperationSlots < 0 {
		return fmt.Errorf("-heavy-operation-slots %d: want 0 (no bound) or more", c.server.HeavyOperationSlots)
	}
	memlimit.Apply(log, !store.IsPostgres(c.database))
	start := time.Now()
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	st.SetMaxConns(c.maxConns)
	if !c.operationSlotsSet {
		c.server.OperationSlots = st.MaxConns()
	}
	if err := firstrun.Run(ctx, st, c.demo, log); err != nil {
		return err
	}
	log.Info("store ready", "dialect", st.Dialect, "took", time.Since(start).Round(time.Millisecond))
	return server.Run(ctx, c.server, server.Handler(c.server, st, log), log, ready)
}

func migrate(ctx context.Context, args []string) error {
	var c config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	storeFlags(fs, &c)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	newLogger(c.logFormat).Info("migrations applied", "dialect", st.Dialect)
	return nil
}

func importTerritories(ctx context.Context, args []string) error {
	var c config
	var files refdata.Files
	fs := flag.NewFlagSet("import territories", flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.StringVar(&files.Communes, "communes", "", "communes.json of @etalab/decoupage-administratif (default: embedded)")
	fs.StringVar(&files.EPCI, "epci", "", "epci.json (default: embedded)")
	fs.StringVar(&files.Departements, "departements", "", "departements.json (default: embedded)")
	fs.StringVar(&files.Regions, "regions", "", "regions.json (default: embedded)")
	fs.StringVar(&files.Density, "density", "", "INSEE 7-level density grid CSV (default: embedded 2024 grid)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ds, err := refdata.Load(files)
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := territory.Import(ctx, st.Client, st.Dialect, ds, progressPrinter(os.Stderr))
	if err != nil {
		return err
	}
	printReport(rep)
	return nil
}

// progressPrinter redraws one progress line per stage on a terminal and
// stays silent when stderr is a file or a pipe.
func progressPrinter(f *os.File) territory.Progress {
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return func(stage string, done, total int) {
		pct := 100
		if total > 0 {
			pct = done * 100 / total
		}
		fmt.Fprintf(f, "\r%-12s %6d/%-6d %3d%%", stage, done, total, pct)
		if done == total {
			fmt.Fprintln(f)
		}
	}
}

func printReport(rep *territory.Report) {
	for _, k := range []refdata.Kind{refdata.KindCountry, refdata.KindRegion, refdata.KindDepartment, refdata.KindEPCI, refdata.KindCommune} {
		fmt.Printf("%-10s created %6d  updated %6d\n", k, rep.Created[k], rep.Updated[k])
	}
	fmt.Printf("containment links added %d, removed %d\n", rep.LinksAdded, rep.LinksRemoved)
	fmt.Printf("%d communes have no row in the density grid and stay unclassified:\n", len(rep.Unclassified))
	for _, r := range rep.Unclassified {
		fmt.Printf("  %s\n", r.Code)
	}
}
