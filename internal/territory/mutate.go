package territory

import (
	"context"
	"fmt"
	"regexp"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/siren"
)

// rank orders kinds from the largest; a container always ranks lower than
// what it contains, which also rules out cycles.
var rank = map[territory.Kind]int{
	territory.KindCOUNTRY: 0, territory.KindREGION: 1, territory.KindDEPARTMENT: 2,
	territory.KindEPCI: 3, territory.KindCOMMUNE: 4,
}

var codePatterns = map[territory.Kind]*regexp.Regexp{
	territory.KindCOUNTRY:    regexp.MustCompile(`^[A-Z]{2}$`),
	territory.KindREGION:     regexp.MustCompile(`^[0-9]{2}$`),
	territory.KindDEPARTMENT: regexp.MustCompile(`^([0-9]{2}|2A|2B|97[0-9])$`),
	territory.KindCOMMUNE:    regexp.MustCompile(`^([0-9]{2}|2A|2B)[0-9]{3}$`),
}

func validateCode(kind territory.Kind, code string) error {
	if kind == territory.KindEPCI {
		if err := siren.Validate(code); err != nil {
			return apierr.BadInput("code", "an EPCI code is its SIREN number: %v", err)
		}
		return nil
	}
	if p := codePatterns[kind]; p != nil && !p.MatchString(code) {
		return apierr.BadInput("code", "%q is not a valid official code for a %s", code, kind)
	}
	return nil
}

// Create adds a territory after checking its code, density level and
// containment, then refreshes derived areas. client must be transactional.
func Create(ctx context.Context, client *ent.Client, dialect string, in ent.CreateTerritoryInput) (*ent.Territory, error) {
	if err := validateCode(in.Kind, in.Code); err != nil {
		return nil, err
	}
	if in.DensityLevel != nil && in.Kind != territory.KindCOMMUNE {
		return nil, apierr.BadInput("densityLevel", "only communes have a density level")
	}
	if err := checkCodeFree(ctx, client, in.Kind, in.Code); err != nil {
		return nil, err
	}
	if err := checkNesting(ctx, client, in.Kind, in.ContainedInIDs, in.ContainIDs); err != nil {
		return nil, err
	}
	t, err := client.Territory.Create().SetInput(in).Save(ctx)
	if err != nil {
		return nil, err
	}
	return refreshed(ctx, client, dialect, t.ID)
}

// Update changes a territory with the same checks as Create.
func Update(ctx context.Context, client *ent.Client, dialect string, id int, in ent.UpdateTerritoryInput) (*ent.Territory, error) {
	cur, err := client.Territory.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Code != nil {
		if err := validateCode(cur.Kind, *in.Code); err != nil {
			return nil, err
		}
		if *in.Code != cur.Code {
			if err := checkCodeFree(ctx, client, cur.Kind, *in.Code); err != nil {
				return nil, err
			}
		}
	}
	if in.DensityLevel != nil && cur.Kind != territory.KindCOMMUNE {
		return nil, apierr.BadInput("densityLevel", "only communes have a density level")
	}
	if err := checkNesting(ctx, client, cur.Kind, in.AddContainedInIDs, in.AddContainIDs); err != nil {
		return nil, err
	}
	if _, err := client.Territory.UpdateOneID(id).SetInput(in).Save(ctx); err != nil {
		return nil, err
	}
	return refreshed(ctx, client, dialect, id)
}

// Delete removes a territory that nothing references, so that no actor or
// initiative silently loses where it acts and no indicator is lost.
func Delete(ctx context.Context, client *ent.Client, dialect string, id int) error {
	t, err := client.Territory.Get(ctx, id)
	if err != nil {
		return err
	}
	checks := []struct {
		what  string
		count func() (int, error)
	}{
		{"territories inside it", func() (int, error) { return t.QueryContains().Count(ctx) }},
		{"actors", func() (int, error) {
			return client.Actor.Query().Where(actor.Or(
				actor.HasTerritoriesWith(territory.ID(id)), actor.HasHomeTerritoryWith(territory.ID(id)))).Count(ctx)
		}},
		{"initiatives", func() (int, error) {
			return client.Initiative.Query().Where(initiative.HasTerritoriesWith(territory.ID(id))).Count(ctx)
		}},
		{"indicators", func() (int, error) { return t.QueryIndicators().Count(ctx) }},
	}
	for _, c := range checks {
		n, err := c.count()
		if err != nil {
			return fmt.Errorf("check territory references: %w", err)
		}
		if n > 0 {
			return apierr.BadInput("id", "territory %s %s is still referenced by %d %s", t.Kind, t.Code, n, c.what)
		}
	}
	if err := client.Territory.DeleteOneID(id).Exec(ctx); err != nil {
		return err
	}
	return Derive(ctx, client, dialect)
}

// checkCodeFree refuses a (kind, code) pair another territory already has,
// with a clearer message than the unique index would give.
func checkCodeFree(ctx context.Context, client *ent.Client, kind territory.Kind, code string) error {
	taken, err := client.Territory.Query().Where(territory.KindEQ(kind), territory.Code(code)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("check territory code: %w", err)
	}
	if taken {
		return apierr.BadInput("code", "a %s with code %s already exists", kind, code)
	}
	return nil
}

func refreshed(ctx context.Context, client *ent.Client, dialect string, id int) (*ent.Territory, error) {
	if err := Derive(ctx, client, dialect); err != nil {
		return nil, err
	}
	return client.Territory.Get(ctx, id)
}

// checkNesting refuses containers that do not rank above kind and contents
// that do not rank below it, and unknown IDs.
func checkNesting(ctx context.Context, client *ent.Client, kind territory.Kind, containers, contents []int) error {
	for _, side := range []struct {
		field string
		ids   []int
		ok    func(other territory.Kind) bool
	}{
		{"containedInIDs", containers, func(o territory.Kind) bool { return rank[o] < rank[kind] }},
		{"containIDs", contents, func(o territory.Kind) bool { return rank[o] > rank[kind] }},
	} {
		if len(side.ids) == 0 {
			continue
		}
		found, err := client.Territory.Query().Where(territory.IDIn(side.ids...)).
			Select(territory.FieldKind).All(ctx)
		if err != nil {
			return fmt.Errorf("check containment: %w", err)
		}
		if len(found) != len(unique(side.ids)) {
			return apierr.BadInput(side.field, "%s names a territory that does not exist", side.field)
		}
		for _, o := range found {
			if !side.ok(o.Kind) {
				return apierr.BadInput(side.field, "a %s cannot be linked to a %s that way", kind, o.Kind)
			}
		}
	}
	return nil
}

func unique(ids []int) map[int]bool {
	m := make(map[int]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// Lookup finds a territory by its official code; nil when there is none.
func Lookup(ctx context.Context, client *ent.Client, kind territory.Kind, code string) (*ent.Territory, error) {
	t, err := client.Territory.Query().Where(territory.KindEQ(kind), territory.Code(code)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return t, err
}

// Exists checks that id is a territory, for filters given an ID.
func Exists(ctx context.Context, client *ent.Client, field string, id int) error {
	ok, err := client.Territory.Query().Where(territory.ID(id)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("check territory %d: %w", id, err)
	}
	if !ok {
		return apierr.BadInput(field, "%s: no territory has this ID", field)
	}
	return nil
}
