package graph

import (
	"context"

	"github.com/essaim/essaim/ent"
	places "github.com/essaim/essaim/internal/territory"
)

// The hand-written where fields add SQL predicates to entgql's generated
// WhereInput; they apply inside and/or/not like any generated field.

func (r *Resolver) territorySet(ctx context.Context, field string, id *int, set func(int) places.Set) (*places.Set, error) {
	if id == nil {
		return nil, nil
	}
	if err := r.territoryExists(ctx, field, *id); err != nil {
		return nil, err
	}
	s := set(*id)
	return &s, nil
}

// checkKey names a territory existence check in the request memo: the where
// argument of a nested connection is decoded once per parent node (and once
// more by ent's eager loading), so without the memo a page of 50 initiatives
// with territories(where: {withinTerritory: …}) would send 50 identical checks.
type checkKey struct {
	field string
	id    int
}

func (r *Resolver) territoryExists(ctx context.Context, field string, id int) error {
	_, err := memoize(ctx, checkKey{field, id}, func() (struct{}, error) {
		return struct{}{}, places.Exists(ctx, r.db(ctx), field, id)
	})
	return err
}

func (r *Resolver) addActorSet(ctx context.Context, obj *ent.ActorWhereInput, field string, id *int, set func(int) places.Set) error {
	s, err := r.territorySet(ctx, field, id, set)
	if s != nil {
		obj.AddPredicates(places.Actors(*s))
	}
	return err
}

func (r *Resolver) addInitiativeSet(ctx context.Context, obj *ent.InitiativeWhereInput, field string, id *int, set func(int) places.Set) error {
	s, err := r.territorySet(ctx, field, id, set)
	if s != nil {
		obj.AddPredicates(places.Initiatives(*s))
	}
	return err
}

func (r *Resolver) addTerritorySet(ctx context.Context, obj *ent.TerritoryWhereInput, field string, id *int, set func(int) places.Set) error {
	s, err := r.territorySet(ctx, field, id, set)
	if s != nil {
		obj.AddPredicates(places.Territories(*s))
	}
	return err
}
