package exchange

import (
	"context"
	"fmt"
	"regexp"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/ent/theme"
)

// refs resolves the references of a file (territory codes, theme slugs,
// actors) once each. Every lookup reads the store as it was before the
// import: the whole file is planned before anything is written.
type refs struct {
	client      *ent.Client
	territories map[territoryRef]int // 0: unknown
	themes      map[string]int       // 0: unknown
	actors      map[actorLookup]actorHit
}

// actorLookup is one way of finding an actor: by SIREN, by name, or by name
// among the actors without a SIREN.
type actorLookup struct{ by, value string }

func newRefs(client *ent.Client) *refs {
	return &refs{client: client, territories: map[territoryRef]int{}, themes: map[string]int{}, actors: map[actorLookup]actorHit{}}
}

func (r *refs) territory(ctx context.Context, ref territoryRef) (int, error) {
	if id, ok := r.territories[ref]; ok {
		return id, nil
	}
	id, err := r.client.Territory.Query().Where(territory.KindEQ(ref.Kind), territory.Code(ref.Code)).OnlyID(ctx)
	if ent.IsNotFound(err) {
		id, err = 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("look territory %s up: %w", ref, err)
	}
	r.territories[ref] = id
	return id, nil
}

func (r *refs) theme(ctx context.Context, slug string) (int, error) {
	if id, ok := r.themes[slug]; ok {
		return id, nil
	}
	id, err := r.client.Theme.Query().Where(theme.Slug(slug)).OnlyID(ctx)
	if ent.IsNotFound(err) {
		id, err = 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("look theme %s up: %w", slug, err)
	}
	r.themes[slug] = id
	return id, nil
}

var sirenLike = regexp.MustCompile(`^[0-9]{9}$`)

// actorHit is the outcome of an actor lookup.
type actorHit struct {
	id    int // 0: none
	count int // actors that matched (names may repeat)
}

func (r *refs) actorBySiren(ctx context.Context, siren string) (actorHit, error) {
	return r.actor(ctx, actorLookup{"siren", siren}, "SIREN "+siren, r.client.Actor.Query().Where(actor.Siren(siren)))
}

func (r *refs) actorByName(ctx context.Context, name string) (actorHit, error) {
	return r.actor(ctx, actorLookup{"name", name}, name, r.client.Actor.Query().Where(actor.Name(name)).Limit(2))
}

// actorByNameWithoutSiren finds the actor a file now gives a SIREN to.
func (r *refs) actorByNameWithoutSiren(ctx context.Context, name string) (actorHit, error) {
	return r.actor(ctx, actorLookup{"name without SIREN", name}, name,
		r.client.Actor.Query().Where(actor.Name(name), actor.SirenIsNil()).Limit(2))
}

// actor runs q once per lookup: a file where many initiatives name the same
// lead actor asks the store once.
func (r *refs) actor(ctx context.Context, key actorLookup, what string, q *ent.ActorQuery) (actorHit, error) {
	if h, ok := r.actors[key]; ok {
		return h, nil
	}
	ids, err := q.IDs(ctx)
	if err != nil {
		return actorHit{}, wrapLookup(err, what)
	}
	h := hit(ids)
	r.actors[key] = h
	return h, nil
}

func hit(ids []int) actorHit {
	if len(ids) == 1 {
		return actorHit{id: ids[0], count: 1}
	}
	return actorHit{count: len(ids)}
}

func wrapLookup(err error, what string) error {
	if err != nil {
		return fmt.Errorf("look actor %q up: %w", what, err)
	}
	return nil
}

// territoryIDs resolves a list cell of territory references.
func (r *refs) territoryIDs(ctx context.Context, rec record, col string, rep *Report) ([]int, error) {
	var ids []int
	seen := map[int]bool{}
	for _, item := range splitList(rec.cells[col]) {
		ref, err := parseTerritoryRef(item)
		if err != nil {
			rep.add(rec.line, col, CodeInvalid, "%s", err)
			continue
		}
		id, err := r.territory(ctx, ref)
		if err != nil {
			return nil, err
		}
		if id == 0 {
			rep.add(rec.line, col, CodeUnknownRef, "unknown %s code %q (%s)", kindWord(ref.Kind), ref.Code, ref)
			continue
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (r *refs) themeIDs(ctx context.Context, rec record, rep *Report) ([]int, error) {
	var ids []int
	seen := map[int]bool{}
	for _, slug := range splitList(rec.cells["themes"]) {
		id, err := r.theme(ctx, slug)
		if err != nil {
			return nil, err
		}
		if id == 0 {
			rep.add(rec.line, "themes", CodeUnknownRef, "unknown theme slug %q", slug)
			continue
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func kindWord(k territory.Kind) string {
	switch k {
	case territory.KindCOMMUNE:
		return "commune (INSEE)"
	case territory.KindEPCI:
		return "EPCI (SIREN)"
	case territory.KindDEPARTMENT:
		return "département"
	case territory.KindREGION:
		return "région"
	}
	return "country"
}
