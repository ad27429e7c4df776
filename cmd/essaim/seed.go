package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/essaim/essaim/internal/refdata"
	"github.com/essaim/essaim/internal/store"
	"github.com/essaim/essaim/internal/synthetic"
	"github.com/essaim/essaim/internal/territory"
)

const seedUsage = "usage: essaim seed synthetic --actors N --initiatives M --seed S [--relations R] [--replace] [-db ...]"

// seedSynthetic loads a deterministic synthetic dataset over the French
// territories of the store, importing them first when it has none.
func seedSynthetic(ctx context.Context, args []string) error {
	if len(args) < 1 || args[0] != "synthetic" {
		return errors.New(seedUsage)
	}
	var c config
	var cfg synthetic.Config
	fs := flag.NewFlagSet("seed synthetic", flag.ContinueOnError)
	storeFlags(fs, &c)
	fs.IntVar(&cfg.Actors, "actors", 0, "number of actors (required)")
	fs.IntVar(&cfg.Initiatives, "initiatives", 0, "number of initiatives, each with 2 to 8 participating actors (required)")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "random seed: the same seed over the same territories gives the same data (required)")
	fs.IntVar(&cfg.Relations, "relations", -1, "number of explicit actor relations; negative means actors/2")
	fs.BoolVar(&cfg.Replace, "replace", false, "delete the synthetic actors, initiatives and relations already in the store first")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range []string{"actors", "initiatives", "seed"} {
		if !set[name] {
			return fmt.Errorf("missing -%s\n%s", name, seedUsage)
		}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q\n%s", fs.Arg(0), seedUsage)
	}

	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	progress := progressPrinter(os.Stderr)
	if err := ensureTerritories(ctx, st, progress); err != nil {
		return err
	}
	rep, err := synthetic.Generate(ctx, st, cfg, progress)
	if errors.Is(err, synthetic.ErrExists) {
		return fmt.Errorf("%w; rerun with --replace to delete it first", err)
	}
	if err != nil {
		return err
	}
	if rep.ReplacedActors+rep.ReplacedInitiatives > 0 {
		fmt.Printf("replaced %d synthetic actors and %d initiatives\n", rep.ReplacedActors, rep.ReplacedInitiatives)
	}
	fmt.Printf("%s (%s): %d actors, %d initiatives, %d participations, %d relations, %d themes created in %s (plan %s, load %s)\n",
		rep.Source, st.Dialect, rep.Actors, rep.Initiatives, rep.Participations, rep.Relations, rep.ThemesCreated,
		rep.Took.Round(time.Millisecond), rep.Plan.Round(time.Millisecond), rep.Load.Round(time.Millisecond))
	return nil
}

// ensureTerritories imports the embedded French territories into a store
// that has none.
func ensureTerritories(ctx context.Context, st *store.Store, progress territory.Progress) error {
	n, err := st.Client.Territory.Query().Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	start := time.Now()
	ds, err := refdata.Embedded()
	if err != nil {
		return fmt.Errorf("read embedded territories: %w", err)
	}
	if _, err := territory.Import(ctx, st.Client, st.Dialect, ds, progress); err != nil {
		return err
	}
	fmt.Printf("empty store: imported %d French territories in %s\n", len(ds.Territories), time.Since(start).Round(time.Millisecond))
	return nil
}
