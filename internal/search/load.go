package search

import (
	"context"
	"fmt"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/ent/theme"
)

// Load returns the nodes of hits, in order, in one query per type. A hit
// whose row vanished meanwhile has a nil node.
//
// When ctx carries a GraphQL field context whose field is the node of a
// search edge, what the request asks of the nodes (nested edges included) is
// loaded eagerly by ent's field collection, a query per edge for all the
// nodes of a type: the statements do not grow with the page.
func Load(ctx context.Context, client *ent.Client, hits []Hit) ([]ent.Noder, error) {
	ids := map[Type][]int{}
	for _, h := range hits {
		ids[h.Type] = append(ids[h.Type], h.ID)
	}
	byID := map[int]ent.Noder{}
	add := func(n ent.Noder, id int) { byID[id] = n }
	if l := ids[Initiative]; len(l) > 0 {
		q, err := client.Initiative.Query().Where(initiative.IDIn(l...)).CollectFields(ctx, "Initiative")
		if err != nil {
			return nil, fmt.Errorf("collect fields of initiatives: %w", err)
		}
		ns, err := q.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load initiatives: %w", err)
		}
		for _, n := range ns {
			add(n, n.ID)
		}
	}
	if l := ids[Actor]; len(l) > 0 {
		q, err := client.Actor.Query().Where(actor.IDIn(l...)).CollectFields(ctx, "Actor")
		if err != nil {
			return nil, fmt.Errorf("collect fields of actors: %w", err)
		}
		ns, err := q.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load actors: %w", err)
		}
		for _, n := range ns {
			add(n, n.ID)
		}
	}
	if l := ids[Theme]; len(l) > 0 {
		q, err := client.Theme.Query().Where(theme.IDIn(l...)).CollectFields(ctx, "Theme")
		if err != nil {
			return nil, fmt.Errorf("collect fields of themes: %w", err)
		}
		ns, err := q.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load themes: %w", err)
		}
		for _, n := range ns {
			add(n, n.ID)
		}
	}
	if l := ids[Territory]; len(l) > 0 {
		q, err := client.Territory.Query().Where(territory.IDIn(l...)).CollectFields(ctx, "Territory")
		if err != nil {
			return nil, fmt.Errorf("collect fields of territories: %w", err)
		}
		ns, err := q.All(ctx)
		if err != nil {
			return nil, fmt.Errorf("load territories: %w", err)
		}
		for _, n := range ns {
			add(n, n.ID)
		}
	}
	out := make([]ent.Noder, len(hits))
	for i, h := range hits {
		out[i] = byID[h.ID]
	}
	return out, nil
}
