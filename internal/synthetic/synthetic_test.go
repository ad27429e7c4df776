package synthetic_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/refdata"
	"github.com/essaim/essaim/internal/store"
	"github.com/essaim/essaim/internal/synthetic"
	"github.com/essaim/essaim/internal/territory"
)

var small = synthetic.Config{Actors: 200, Initiatives: 500, Relations: -1, Seed: 42}

// progressLog records the last report of each stage.
type progressLog struct {
	mu   sync.Mutex
	last map[string][2]int
}

func (p *progressLog) fn(stage string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.last == nil {
		p.last = map[string][2]int{}
	}
	p.last[stage] = [2]int{done, total}
}

// TestGenerateMiniFrance checks every invariant on a handful of territories:
// the generator works with any territory set.
func TestGenerateMiniFrance(t *testing.T) {
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := s.Open(t)
			dbtest.NewMiniFrance(t, st)
			before, err := store.GraphVersion(ctx, st.Client)
			if err != nil {
				t.Fatal(err)
			}
			var pl progressLog
			rep, err := synthetic.Generate(ctx, st, small, pl.fn)
			if err != nil {
				t.Fatalf("generate: %v", err)
			}
			checkInvariants(t, st, small, rep)
			for stage, want := range map[string]int{"actors": 200, "initiatives": 500, "relations": 100} {
				if got := pl.last[stage]; got != [2]int{want, want} {
					t.Errorf("last progress of %s = %v, want %d/%d", stage, got, want, want)
				}
			}
			after, err := store.GraphVersion(ctx, st.Client)
			if err != nil {
				t.Fatal(err)
			}
			if after <= before {
				t.Errorf("graph version %d after the load, was %d: caches would not rebuild", after, before)
			}
			// Rows written over time: one shared timestamp misled SQLite's
			// planner into skip-scans of the (created_at, id) index.
			stamps, err := st.Client.Initiative.Query().GroupBy(initiative.FieldCreatedAt).Strings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(stamps) != 500 {
				t.Errorf("%d distinct creation times among 500 initiatives, want 500", len(stamps))
			}

			// A second run refuses, then replaces.
			again := small
			again.Seed = 7
			if _, err := synthetic.Generate(ctx, st, again, nil); !errors.Is(err, synthetic.ErrExists) {
				t.Fatalf("second run without Replace: err = %v, want ErrExists", err)
			}
			again.Replace = true
			rep, err = synthetic.Generate(ctx, st, again, nil)
			if err != nil {
				t.Fatalf("replace: %v", err)
			}
			if rep.ReplacedActors != 200 || rep.ReplacedInitiatives != 500 || rep.ThemesCreated != 0 {
				t.Errorf("replace report: %+v", rep)
			}
			checkInvariants(t, st, again, rep)
		})
	}
}

// TestDeterminismMiniFrance runs the same seed in two fresh databases.
func TestDeterminismMiniFrance(t *testing.T) {
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			var snaps [2][]string
			for i := range snaps {
				st := s.Open(t)
				dbtest.NewMiniFrance(t, st)
				if _, err := synthetic.Generate(context.Background(), st, small, nil); err != nil {
					t.Fatalf("generate: %v", err)
				}
				snaps[i] = snapshot(t, st.Client)
			}
			if !slices.Equal(snaps[0], snaps[1]) {
				t.Fatalf("same seed, different data:\n%s", firstDiff(snaps[0], snaps[1]))
			}
		})
	}
}

// TestFrance runs the generator over the embedded French territories: the
// invariants hold, another seed gives other data, the same seed gives the
// same data again (after Replace, with other IDs) and on both stores.
func TestFrance(t *testing.T) {
	ds, err := refdata.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	snaps := map[string][]string{}
	t.Run("stores", func(t *testing.T) {
		for _, s := range dbtest.Stores() {
			t.Run(s.Name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				st := s.Open(t)
				if _, err := territory.Import(ctx, st.Client, st.Dialect, ds, nil); err != nil {
					t.Fatalf("import territories: %v", err)
				}
				run := func(seed uint64) []string {
					cfg := small
					cfg.Seed, cfg.Replace = seed, true
					rep, err := synthetic.Generate(ctx, st, cfg, nil)
					if err != nil {
						t.Fatalf("generate seed %d: %v", seed, err)
					}
					checkInvariants(t, st, cfg, rep)
					return snapshot(t, st.Client)
				}
				first := run(42)
				if slices.Equal(first, run(43)) {
					t.Fatal("seeds 42 and 43 gave the same data")
				}
				if again := run(42); !slices.Equal(first, again) {
					t.Fatalf("seed 42 twice, different data:\n%s", firstDiff(first, again))
				}
				mu.Lock()
				snaps[s.Name] = first
				mu.Unlock()
			})
		}
	})
	if lite, pg := snaps["sqlite"], snaps["postgres"]; lite != nil && pg != nil && !slices.Equal(lite, pg) {
		t.Fatalf("seed 42 on SQLite and PostgreSQL, different data:\n%s", firstDiff(lite, pg))
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	st := dbtest.SQLite(t)
	if _, err := synthetic.Generate(ctx, st, small, nil); err == nil || !strings.Contains(err.Error(), "no communes") {
		t.Errorf("empty store: err = %v, want a no-communes error", err)
	}
	for _, cfg := range []synthetic.Config{
		{Actors: -1},
		{Actors: 1, Initiatives: 1},
		{Actors: 10, Relations: 23},
	} {
		if _, err := synthetic.Generate(ctx, st, cfg, nil); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

// checkInvariants verifies what Generate promises, reading the database.
func checkInvariants(t *testing.T, st *store.Store, cfg synthetic.Config, rep *synthetic.Report) {
	t.Helper()
	ctx := context.Background()
	c := st.Client
	src := synthetic.Source(cfg.Seed)
	relations := cfg.Relations
	if relations < 0 {
		relations = synthetic.DefaultRelations(cfg.Actors)
	}
	if rep.Source != src || rep.Actors != cfg.Actors || rep.Initiatives != cfg.Initiatives || rep.Relations != relations {
		t.Errorf("report %+v does not match config %+v", rep, cfg)
	}

	// Exact counts, every row marked with this seed's source.
	for what, n := range map[string]func() (int, error){
		"actors":               func() (int, error) { return c.Actor.Query().Where(actor.Source(src)).Count(ctx) },
		"unmarked actors":      func() (int, error) { return c.Actor.Query().Where(actor.SourceNEQ(src)).Count(ctx) },
		"initiatives":          func() (int, error) { return c.Initiative.Query().Where(initiative.Source(src)).Count(ctx) },
		"unmarked initiatives": func() (int, error) { return c.Initiative.Query().Where(initiative.SourceNEQ(src)).Count(ctx) },
		"relations":            func() (int, error) { return c.ActorRelation.Query().Where(actorrelation.Source(src)).Count(ctx) },
		"unmarked relations":   func() (int, error) { return c.ActorRelation.Query().Where(actorrelation.SourceNEQ(src)).Count(ctx) },
		"participations":       func() (int, error) { return c.Participation.Query().Count(ctx) },
	} {
		got, err := n()
		if err != nil {
			t.Fatalf("count %s: %v", what, err)
		}
		want := map[string]int{"actors": cfg.Actors, "initiatives": cfg.Initiatives, "relations": relations,
			"participations": rep.Participations}[what]
		if got != want {
			t.Errorf("%d %s, want %d", got, what, want)
		}
	}

	actors, err := c.Actor.Query().WithHomeTerritory().WithTerritories().WithThemes().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range actors {
		home := a.Edges.HomeTerritory
		switch {
		case home == nil:
			t.Errorf("actor %q has no home territory", a.Name)
		case len(a.Edges.Territories) < 1 || len(a.Edges.Territories) > 3:
			t.Errorf("actor %q has %d territories of action", a.Name, len(a.Edges.Territories))
		case !slices.ContainsFunc(a.Edges.Territories, func(x *ent.Territory) bool { return x.ID == home.ID }):
			t.Errorf("actor %q does not act in its home territory", a.Name)
		case len(a.Edges.Themes) < 1 || len(a.Edges.Themes) > 3:
			t.Errorf("actor %q has %d themes", a.Name, len(a.Edges.Themes))
		}
	}

	inits, err := c.Initiative.Query().WithTerritories().WithThemes().WithParticipations().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, in := range inits {
		ps := in.Edges.Participations
		total += len(ps)
		leads := 0
		for _, p := range ps {
			if p.Role == participation.RoleLEAD {
				leads++
			}
		}
		switch {
		case len(ps) < 2 || len(ps) > 8:
			t.Errorf("initiative %q has %d participants", in.Title, len(ps))
		case leads != 1:
			t.Errorf("initiative %q has %d leads", in.Title, leads)
		case len(in.Edges.Territories) < 1 || len(in.Edges.Territories) > 2:
			t.Errorf("initiative %q has %d territories", in.Title, len(in.Edges.Territories))
		case len(in.Edges.Themes) < 1 || len(in.Edges.Themes) > 3:
			t.Errorf("initiative %q has %d themes", in.Title, len(in.Edges.Themes))
		case in.StartDate != nil && in.EndDate != nil && in.EndDate.Before(*in.StartDate):
			t.Errorf("initiative %q ends (%s) before it starts (%s)", in.Title, in.EndDate, in.StartDate)
		}
	}
	if total != rep.Participations {
		t.Errorf("%d participations, report says %d", total, rep.Participations)
	}

	rels, err := c.ActorRelation.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pairs := map[[2]int]bool{}
	for _, r := range rels {
		key := [2]int{min(r.FromID, r.ToID), max(r.FromID, r.ToID)}
		switch {
		case r.FromID == r.ToID:
			t.Errorf("self relation %d %s", r.FromID, r.Kind)
		case pairs[key]:
			t.Errorf("duplicate relation between %d and %d", r.FromID, r.ToID)
		case r.Until != nil && r.Since != nil && r.Until.Before(*r.Since):
			t.Errorf("relation %d ends before it starts", r.ID)
		}
		pairs[key] = true
	}
}

// snapshot renders the synthetic data without IDs or timestamps, sorted.
func snapshot(t *testing.T, c *ent.Client) []string {
	t.Helper()
	ctx := context.Background()
	ref := func(x *ent.Territory) string { return fmt.Sprintf("%s:%s", x.Kind, x.Code) }
	var out []string
	actors, err := c.Actor.Query().WithHomeTerritory().WithTerritories().WithThemes().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := map[int]string{}
	for _, a := range actors {
		names[a.ID] = a.Name
		var ts, th []string
		for _, x := range a.Edges.Territories {
			ts = append(ts, ref(x))
		}
		for _, x := range a.Edges.Themes {
			th = append(th, x.Slug)
		}
		slices.Sort(ts)
		slices.Sort(th)
		out = append(out, fmt.Sprintf("actor %s|%s|home %s|%v|%v|%s", a.Name, a.Kind, ref(a.Edges.HomeTerritory), ts, th, a.Source))
	}
	inits, err := c.Initiative.Query().WithTerritories().WithThemes().WithParticipations().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inits {
		var ts, th, ps []string
		for _, x := range in.Edges.Territories {
			ts = append(ts, ref(x))
		}
		for _, x := range in.Edges.Themes {
			th = append(th, x.Slug)
		}
		for _, p := range in.Edges.Participations {
			ps = append(ps, names[p.ActorID]+"="+string(p.Role))
		}
		slices.Sort(ts)
		slices.Sort(th)
		slices.Sort(ps)
		var status string
		if in.Status != nil {
			status = string(*in.Status)
		}
		out = append(out, fmt.Sprintf("initiative %s|%s|%s|%s..%s|%v|%v|%v", in.Title, in.Summary, status,
			day(in.StartDate), day(in.EndDate), ts, th, ps))
	}
	rels, err := c.ActorRelation.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rels {
		out = append(out, fmt.Sprintf("relation %s -%s-> %s|%s..%s", names[r.FromID], r.Kind, names[r.ToID], day(r.Since), day(r.Until)))
	}
	slices.Sort(out)
	return out
}

func day(d *time.Time) string {
	if d == nil {
		return ""
	}
	return d.UTC().Format(time.DateOnly)
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf("  %s\n  %s", a[i], b[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}
