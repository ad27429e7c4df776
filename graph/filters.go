package graph

import (
	"context"

	"github.com/essaim/essaim/ent"
	places "github.com/essaim/essaim/internal/territory"
)

// The hand-written where fields add SQL predicates to entgql's generated
// WhereInput; they apply inside and/or/not like any generated field.

func (r *Resolver) territorySet(ctx context.Context, field string, id *int, set func(int) places.Set) (places.Set, error) {
	if id == nil {
		return nil, nil
	}
	if err := places.Exists(ctx, r.Client, field, *id); err != nil {
		return nil, err
	}
	return set(*id), nil
}

func (r *Resolver) addActorSet(ctx context.Context, obj *ent.ActorWhereInput, field string, id *int, set func(int) places.Set) error {
	s, err := r.territorySet(ctx, field, id, set)
	if s != nil {
		obj.AddPredicates(places.Actors(s))
	}
	return err
}

func (r *Resolver) addInitiativeSet(ctx context.Context, obj *ent.InitiativeWhereInput, field string, id *int, set func(int) places.Set) error {
	s, err := r.territorySet(ctx, field, id, set)
	if s != nil {
		obj.AddPredicates(places.Initiatives(s))
	}
	return err
}

func (r *Resolver) addTerritorySet(ctx context.Context, obj *ent.TerritoryWhereInput, field string, id *int, set func(int) places.Set) error {
	s, err := r.territorySet(ctx, field, id, set)
	if s != nil {
		obj.AddPredicates(places.Territories(s))
	}
	return err
}
