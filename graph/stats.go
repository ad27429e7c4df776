package graph

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/ent/predicate"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/graph/model"
	"github.com/essaim/essaim/internal/area"
	"github.com/essaim/essaim/internal/stats"
)

// The stats resolvers convert between GraphQL and package stats, and load
// the themes and territories the keys name, in one query per type.

func (r *Resolver) initiativeStats(ctx context.Context, where *ent.InitiativeWhereInput, groupBy []model.InitiativeDimension) (*model.InitiativeStats, error) {
	var p predicate.Initiative
	if where != nil {
		var err error
		if p, err = where.P(); errors.Is(err, ent.ErrEmptyInitiativeWhereInput) {
			p = nil
		} else if err != nil {
			return nil, err
		}
	}
	dims := make([]stats.Dimension, len(groupBy))
	for i, d := range groupBy {
		dims[i] = stats.Dimension(d)
	}
	res, err := stats.Initiatives(ctx, r.Client, r.Dialect, r.Stats, p, dims)
	if err != nil {
		return nil, err
	}
	objs, err := r.statsObjects(ctx, res)
	if err != nil {
		return nil, err
	}
	out := &model.InitiativeStats{Total: res.Total, Buckets: make([]*model.InitiativeStatsBucket, len(res.Buckets))}
	for i, b := range res.Buckets {
		out.Buckets[i] = &model.InitiativeStatsBucket{Count: b.Count, Keys: bucketKeys(res, b, objs)}
	}
	return out, nil
}

func (r *Resolver) actorStats(ctx context.Context, where *ent.ActorWhereInput, groupBy []model.ActorDimension) (*model.ActorStats, error) {
	var p predicate.Actor
	if where != nil {
		var err error
		if p, err = where.P(); errors.Is(err, ent.ErrEmptyActorWhereInput) {
			p = nil
		} else if err != nil {
			return nil, err
		}
	}
	dims := make([]stats.Dimension, len(groupBy))
	for i, d := range groupBy {
		dims[i] = stats.Dimension(d)
	}
	res, err := stats.Actors(ctx, r.Client, r.Dialect, r.Stats, p, dims)
	if err != nil {
		return nil, err
	}
	objs, err := r.statsObjects(ctx, res)
	if err != nil {
		return nil, err
	}
	out := &model.ActorStats{Total: res.Total, Buckets: make([]*model.ActorStatsBucket, len(res.Buckets))}
	for i, b := range res.Buckets {
		keys := bucketKeys(res, b, objs)
		mb := &model.ActorStatsBucket{Count: b.Count, Keys: make([]*model.ActorStatsKey, len(keys))}
		for j, k := range keys {
			mb.Keys[j] = &model.ActorStatsKey{
				Dimension: model.ActorDimension(k.Dimension), Value: k.Value, Theme: k.Theme, Territory: k.Territory,
				Area: k.Area, DensityLevel: k.DensityLevel, ActorKind: k.ActorKind, Role: k.Role,
			}
		}
		out.Buckets[i] = mb
	}
	return out, nil
}

// bucketKeys turns the keys of a bucket into their GraphQL form. Actor keys
// carry a subset of the same fields (actors have no status or start year),
// so both resolvers share this one conversion.
func bucketKeys(res *stats.Result, b stats.Bucket, objs *entities) []*model.InitiativeStatsKey {
	keys := make([]*model.InitiativeStatsKey, len(b.Keys))
	for j, k := range b.Keys {
		d := res.Dimensions[j]
		mk := &model.InitiativeStatsKey{Dimension: model.InitiativeDimension(d), Value: keyValue(d, k)}
		keys[j] = mk
		if !k.Valid {
			continue
		}
		switch {
		case d.IsTheme():
			mk.Theme = objs.themes[k.Int]
		case d.IsTerritory():
			mk.Territory = objs.territories[k.Int]
		case d == stats.Area:
			mk.Area = ptr(area.Area(k.Str))
		case d == stats.DensityLevel:
			mk.DensityLevel = ptr(k.Int)
		case d == stats.Status:
			mk.Status = ptr(initiative.Status(k.Str))
		case d == stats.ActorKind:
			mk.ActorKind = ptr(actor.Kind(k.Str))
		case d == stats.Role:
			mk.Role = ptr(participation.Role(k.Str))
		case d == stats.StartYear:
			mk.StartYear = ptr(k.Int)
		}
	}
	return keys
}

func ptr[T any](v T) *T { return &v }

func keyValue(d stats.Dimension, k stats.Key) *string {
	switch {
	case !k.Valid:
		return nil
	case d.IsInt():
		return ptr(strconv.Itoa(k.Int))
	}
	return ptr(k.Str)
}

// statsObjects loads the themes and territories the keys name, through the
// network answers' load: each once, at most one query per type, both at
// once on an idle server.
func (r *Resolver) statsObjects(ctx context.Context, res *stats.Result) (*entities, error) {
	var w wanted
	for _, b := range res.Buckets {
		for j, k := range b.Keys {
			switch d := res.Dimensions[j]; {
			case !k.Valid:
			case d.IsTheme():
				w.themes = append(w.themes, k.Int)
			case d.IsTerritory():
				w.territories = append(w.territories, k.Int)
			}
		}
	}
	e, err := r.load(ctx, w)
	if err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	return e, nil
}

// coverageGaps checks the IDs and bounds, then asks package stats.
func (r *Resolver) coverageGaps(ctx context.Context, level territory.Kind, within, themeID *int, a *area.Area, first *int) ([]*model.CoverageGap, error) {
	n, err := r.first(first, r.pageSize())
	if err != nil {
		return nil, err
	}
	if err := r.checkPlaceAndTheme(ctx, "within", themeID, within); err != nil {
		return nil, err
	}
	ts, err := stats.CoverageGaps(ctx, r.Client, stats.GapQuery{Level: level, Within: within, Theme: themeID, Area: a, First: n})
	if err != nil {
		return nil, err
	}
	out := make([]*model.CoverageGap, len(ts))
	for i, t := range ts {
		out[i] = &model.CoverageGap{Territory: t, Population: t.Population}
	}
	return out, nil
}
