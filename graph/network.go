package graph

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/ent/theme"
	"github.com/essaim/essaim/graph/model"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/catalog"
	"github.com/essaim/essaim/internal/network"
)

// Bounds of the network queries: each keeps a request's work small.
const (
	maxPaths      = 20
	maxDepth      = 3
	maxNetwork    = 1000
	maxCommonList = 100
)

type snapshotKey struct{}

// snapshot returns the cached network, checking its version once per request
// however many actors of the response ask for their links or metrics, and
// checks that the given IDs are actors of it.
func (r *Resolver) snapshot(ctx context.Context, field string, actorIDs ...int) (*network.Snapshot, error) {
	s, err := memoize(ctx, snapshotKey{}, func() (*network.Snapshot, error) {
		s, fr, err := r.Network.Read(ctx)
		if err == nil {
			reportSnapshot(ctx, s, fr)
		}
		return s, err
	})
	if err != nil {
		return nil, err
	}
	for _, id := range actorIDs {
		if !s.HasActor(id) {
			return nil, apierr.BadInput(field, "%s: no actor has ID %d", field, id)
		}
	}
	return s, nil
}

// reportSnapshot tells the client which snapshot answered, in the response's
// extensions.network: its version, the database's version when the request
// read it, and staleMs > 0 when the snapshot misses writes (it was last known
// current that long ago; see README, "Links between actors").
func reportSnapshot(ctx context.Context, s *network.Snapshot, fr network.Freshness) {
	if !graphql.HasOperationContext(ctx) {
		return
	}
	graphql.RegisterExtension(ctx, "network", map[string]any{
		"snapshotVersion": s.Version,
		"graphVersion":    fr.NetworkVersion,                                // the network's counter, under its first name
		"staleMs":         (fr.Stale + time.Millisecond - 1).Milliseconds(), // rounded up: stale is never 0
	})
}

func inRange(field string, v *int, def, lo, hi int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < lo || *v > hi {
		return 0, apierr.BadInput(field, "%s must be between %d and %d, got %d", field, lo, hi, *v)
	}
	return *v, nil
}

// linkFilter checks the IDs of a GraphQL LinkFilter and converts it.
func (r *Resolver) linkFilter(ctx context.Context, f *model.LinkFilter) (network.LinkFilter, error) {
	if f == nil {
		return network.LinkFilter{}, nil
	}
	out := network.LinkFilter{Theme: f.Theme, Within: f.WithinTerritory, Area: f.Area}
	for _, k := range f.Kinds {
		out.Kinds = append(out.Kinds, string(k))
	}
	return out, r.checkPlaceAndTheme(ctx, "withinTerritory", f.Theme, f.WithinTerritory)
}

// checkPlaceAndTheme checks the territory (named placeField in errors) and
// theme IDs of a filter.
func (r *Resolver) checkPlaceAndTheme(ctx context.Context, placeField string, themeID, within *int) error {
	if within != nil {
		if err := r.territoryExists(ctx, placeField, *within); err != nil {
			return err
		}
	}
	if themeID != nil {
		return catalog.ThemeExists(ctx, r.db(ctx), "theme", *themeID)
	}
	return nil
}

// entities loads, in one query per type, the ent objects a response names.
type entities struct {
	actors      map[int]*ent.Actor
	relations   map[int]*ent.ActorRelation
	initiatives map[int]*ent.Initiative
	themes      map[int]*ent.Theme
	territories map[int]*ent.Territory
}

// wanted lists the IDs an answer names, in any order, repeats included
// (load reads each once).
type wanted struct{ actors, relations, initiatives, themes, territories []int }

// load reads the types a response names, at once on an idle server (ent's
// Overlap): the queries are independent, each fills its own map. A type with
// no ID is not queried (its map stays nil: read only). Each ID is asked for
// once: a statistics answer names the same région in many buckets.
func (r *Resolver) load(ctx context.Context, w wanted) (*entities, error) {
	for _, ids := range []*[]int{&w.actors, &w.relations, &w.initiatives, &w.themes, &w.territories} {
		slices.Sort(*ids)
		*ids = slices.Compact(*ids)
	}
	var e entities
	db := r.db(ctx)
	var loads []func(context.Context) error
	add := func(ids []int, load func(context.Context) error) {
		if len(ids) > 0 {
			loads = append(loads, load)
		}
	}
	add(w.actors, func(ctx context.Context) (err error) {
		e.actors, err = byID(ctx, db.Actor.Query().Where(actor.IDIn(w.actors...)).All, func(a *ent.Actor) int { return a.ID })
		return err
	})
	add(w.relations, func(ctx context.Context) (err error) {
		e.relations, err = byID(ctx, db.ActorRelation.Query().Where(actorrelation.IDIn(w.relations...)).All,
			func(a *ent.ActorRelation) int { return a.ID })
		return err
	})
	add(w.initiatives, func(ctx context.Context) (err error) {
		e.initiatives, err = byID(ctx, db.Initiative.Query().Where(initiative.IDIn(w.initiatives...)).All,
			func(a *ent.Initiative) int { return a.ID })
		return err
	})
	add(w.themes, func(ctx context.Context) (err error) {
		e.themes, err = byID(ctx, db.Theme.Query().Where(theme.IDIn(w.themes...)).All, func(a *ent.Theme) int { return a.ID })
		return err
	})
	add(w.territories, func(ctx context.Context) (err error) {
		e.territories, err = byID(ctx, db.Territory.Query().Where(territory.IDIn(w.territories...)).All,
			func(a *ent.Territory) int { return a.ID })
		return err
	})
	if err := db.Overlap(ctx, loads...); err != nil {
		return nil, err
	}
	return &e, nil
}

func byID[T any](ctx context.Context, all func(context.Context) ([]T, error), id func(T) int) (map[int]T, error) {
	rows, err := all(ctx)
	if err != nil {
		return nil, fmt.Errorf("load entities: %w", err)
	}
	out := make(map[int]T, len(rows))
	for _, row := range rows {
		out[id(row)] = row
	}
	return out, nil
}

func pick[T any](m map[int]T, ids []int) []T {
	out := make([]T, 0, len(ids))
	for _, id := range ids {
		if v, ok := m[id]; ok {
			out = append(out, v)
		}
	}
	return out
}

func relationIDs(rels []network.Relation) []int {
	ids := make([]int, len(rels))
	for i, r := range rels {
		ids[i] = r.ID
	}
	return ids
}
