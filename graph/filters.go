package graph

import (
	"context"
	"sync"

	"github.com/essaim/essaim/ent"
	places "github.com/essaim/essaim/internal/territory"
)

// The hand-written where fields add SQL predicates to entgql's generated
// WhereInput; they apply inside and/or/not like any generated field.

func (r *Resolver) territorySet(ctx context.Context, field string, id *int, set func(int) places.Set) (places.Set, error) {
	if id == nil {
		return nil, nil
	}
	if err := r.territoryExists(ctx, field, *id); err != nil {
		return nil, err
	}
	return set(*id), nil
}

// The where argument of a nested connection is decoded once per parent node
// (and once more by ent's eager loading), so without a memo a page of 50
// initiatives with territories(where: {withinTerritory: …}) would send 50
// identical existence checks. The memo lives in the request's context, put
// there by WithRequestMemo, and dies with the request.

type memoKey struct{}

type checkKey struct {
	field string
	id    int
}

type checkOnce struct {
	once sync.Once
	err  error
}

// WithRequestMemo gives a request its own memo of territory checks; the
// server wraps every operation with it.
func WithRequestMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &sync.Map{})
}

func (r *Resolver) territoryExists(ctx context.Context, field string, id int) error {
	memo, ok := ctx.Value(memoKey{}).(*sync.Map)
	if !ok {
		return places.Exists(ctx, r.Client, field, id)
	}
	c, _ := memo.LoadOrStore(checkKey{field, id}, &checkOnce{})
	check := c.(*checkOnce)
	check.once.Do(func() { check.err = places.Exists(ctx, r.Client, field, id) })
	return check.err
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
