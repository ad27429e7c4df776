// Package synthetic fills a store with a deterministic, realistic-looking
// knowledge base for load tests and benchmarks: actors, initiatives,
// participations and explicit relations spread over the real French
// territories already in the store.
//
// The same seed over the same territories always yields the same data: the
// whole dataset is planned in memory from math/rand/v2 PCG streams (one per
// stage, so that changing the number of relations does not change the
// initiatives), iterating territories sorted by kind and code and never
// over a map. Only database IDs and timestamps differ between two runs.
//
// Every generated actor, initiative and relation has source
// "synthetic:seed=<S>", so synthetic rows can be told apart and deleted.
// Themes are looked up by slug in a small fixed taxonomy and created when
// missing; they are shared with real data and never deleted.
package synthetic

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"entgo.io/ent/dialect"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/internal/store"
)

// SourcePrefix starts the source of every synthetic actor, initiative and
// relation.
const SourcePrefix = "synthetic:"

// Source is the source recorded on the rows generated with seed.
func Source(seed uint64) string { return SourcePrefix + "seed=" + strconv.FormatUint(seed, 10) }

// ErrExists is returned by Generate when the store already holds synthetic
// data and Config.Replace is not set.
var ErrExists = errors.New("the store already holds synthetic data")

// Config sizes a synthetic dataset.
type Config struct {
	Actors      int
	Initiatives int
	// Relations is the number of explicit actor relations; negative means
	// the default, Actors/2.
	Relations int
	Seed      uint64
	// Replace deletes the synthetic actors, initiatives and relations already
	// in the store (whatever their seed) before generating; without it
	// Generate refuses to run on a store that has some.
	Replace bool
}

// DefaultRelations is the number of relations generated for a negative
// Config.Relations.
func DefaultRelations(actors int) int { return actors / 2 }

// Report says what Generate wrote.
type Report struct {
	Seed   uint64
	Source string

	Actors, Initiatives, Participations, Relations int
	// Rows of the join tables.
	ActorTerritories, ActorThemes, InitiativeTerritories, InitiativeThemes int
	// ThemesCreated counts the taxonomy themes that were missing.
	ThemesCreated int
	// Replaced counts the synthetic rows deleted first (Config.Replace).
	ReplacedActors, ReplacedInitiatives int

	// Plan is the time spent reading territories and planning; Load the
	// time spent writing; Took the whole run.
	Plan, Load, Took time.Duration
}

// Progress is told how far each stage ("actors", "initiatives",
// "relations") has gone; total is constant per stage.
type Progress = func(stage string, done, total int)

// Generate plans the dataset of cfg over the territories of st and bulk-loads
// it, one transaction per batch of about a thousand actors or initiatives
// with their links. Each batch bumps the graph version in its transaction,
// so caches rebuild.
//
// A failure part-way leaves the committed batches in place: rerun with
// Replace to start over.
func Generate(ctx context.Context, st *store.Store, cfg Config, progress Progress) (*Report, error) {
	start := time.Now()
	if progress == nil {
		progress = func(string, int, int) {}
	}
	if cfg.Relations < 0 {
		cfg.Relations = DefaultRelations(cfg.Actors)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	rep := &Report{Seed: cfg.Seed, Source: Source(cfg.Seed)}

	if err := clearOrRefuse(ctx, st.Client, cfg.Replace, rep); err != nil {
		return nil, err
	}
	w, err := loadWorld(ctx, st.Client)
	if err != nil {
		return nil, err
	}
	themeIDs, created, err := ensureThemes(ctx, st.Client)
	if err != nil {
		return nil, err
	}
	rep.ThemesCreated = created
	p, err := makePlan(w, cfg)
	if err != nil {
		return nil, err
	}
	rep.Plan = time.Since(start)

	loadStart := time.Now()
	l := &loader{st: st, w: w, themeIDs: themeIDs, source: rep.Source, now: time.Now().UTC(), rep: rep, progress: progress}
	if err = l.load(ctx, p); err != nil {
		return nil, err
	}
	rep.Load = time.Since(loadStart)
	// Planner statistics for the new rows: without them (autovacuum off, or
	// not yet run) PostgreSQL estimates tens of thousands of rows for a
	// 50-id IN list and hash-joins whole tables (issue #6: 15-25 ms instead
	// of under 1 ms per nested connection). SQLite's planner reads them too.
	// On PostgreSQL VACUUM also sets the visibility map, so that counts and
	// id lists are index-only scans (totalCount of all initiatives: 10 ms to
	// 5 ms).
	analyze := "ANALYZE"
	if st.Dialect == dialect.Postgres {
		analyze = "VACUUM ANALYZE"
	}
	if _, err := st.DB.ExecContext(ctx, analyze); err != nil {
		return nil, fmt.Errorf("synthetic: analyze: %w", err)
	}
	rep.Took = time.Since(start)
	return rep, nil
}

func (c Config) validate() error {
	switch {
	case c.Actors < 0 || c.Initiatives < 0:
		return fmt.Errorf("synthetic: negative size (actors %d, initiatives %d)", c.Actors, c.Initiatives)
	case c.Initiatives > 0 && c.Actors < minParticipants:
		return fmt.Errorf("synthetic: initiatives need at least %d actors, got %d", minParticipants, c.Actors)
	case c.Relations > maxRelations(c.Actors):
		return fmt.Errorf("synthetic: %d relations is too many for %d actors (at most %d)",
			c.Relations, c.Actors, maxRelations(c.Actors))
	}
	return nil
}

// maxRelations keeps the relation graph sparse enough (a quarter of all
// pairs) for rejection sampling to place every relation quickly.
func maxRelations(actors int) int { return actors * (actors - 1) / 4 }

// Existing returns the source of one synthetic actor, initiative or
// relation of the store, or "" when there is none.
func Existing(ctx context.Context, client *ent.Client) (string, error) {
	a, err := client.Actor.Query().Where(actor.SourceHasPrefix(SourcePrefix)).Select(actor.FieldSource).First(ctx)
	if err == nil {
		return a.Source, nil
	}
	if !ent.IsNotFound(err) {
		return "", fmt.Errorf("synthetic: look for synthetic actors: %w", err)
	}
	i, err := client.Initiative.Query().Where(initiative.SourceHasPrefix(SourcePrefix)).Select(initiative.FieldSource).First(ctx)
	if err == nil {
		return i.Source, nil
	}
	if !ent.IsNotFound(err) {
		return "", fmt.Errorf("synthetic: look for synthetic initiatives: %w", err)
	}
	r, err := client.ActorRelation.Query().Where(actorrelation.SourceHasPrefix(SourcePrefix)).Select(actorrelation.FieldSource).First(ctx)
	if err == nil {
		return r.Source, nil
	}
	if !ent.IsNotFound(err) {
		return "", fmt.Errorf("synthetic: look for synthetic relations: %w", err)
	}
	return "", nil
}

// Delete removes every synthetic actor, initiative and relation, whatever its
// seed, in one transaction; participations and links go with them (foreign
// keys cascade). Themes stay.
func Delete(ctx context.Context, client *ent.Client) (actors, initiatives int, err error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("synthetic: delete: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	c := tx.Client()
	if _, err := c.ActorRelation.Delete().Where(actorrelation.SourceHasPrefix(SourcePrefix)).Exec(ctx); err != nil {
		return 0, 0, fmt.Errorf("synthetic: delete relations: %w", err)
	}
	if initiatives, err = c.Initiative.Delete().Where(initiative.SourceHasPrefix(SourcePrefix)).Exec(ctx); err != nil {
		return 0, 0, fmt.Errorf("synthetic: delete initiatives: %w", err)
	}
	if actors, err = c.Actor.Delete().Where(actor.SourceHasPrefix(SourcePrefix)).Exec(ctx); err != nil {
		return 0, 0, fmt.Errorf("synthetic: delete actors: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, fmt.Errorf("synthetic: delete: commit: %w", err)
	}
	return actors, initiatives, nil
}

func clearOrRefuse(ctx context.Context, client *ent.Client, replace bool, rep *Report) error {
	src, err := Existing(ctx, client)
	if err != nil || src == "" {
		return err
	}
	if !replace {
		return fmt.Errorf("synthetic: %w (source %q)", ErrExists, src)
	}
	rep.ReplacedActors, rep.ReplacedInitiatives, err = Delete(ctx, client)
	return err
}
