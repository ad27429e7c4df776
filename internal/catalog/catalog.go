// Package catalog holds the write rules of themes, actors, initiatives and
// participations that go beyond ent's field validators.
package catalog

import (
	"context"
	"fmt"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/participation"
	themeent "github.com/essaim/essaim/ent/theme"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/store"
)

// DeleteTheme removes a theme that has no sub-themes: deleting a parent would
// silently orphan its children.
func DeleteTheme(ctx context.Context, client *ent.Client, id int) error {
	t, err := client.Theme.Get(ctx, id)
	if err != nil {
		return err
	}
	n, err := t.QueryChildren().Count(ctx)
	if err != nil {
		return fmt.Errorf("count sub-themes: %w", err)
	}
	if n > 0 {
		return apierr.BadInput("id", "theme %q still has %d sub-themes: delete or move them first", t.Slug, n)
	}
	return client.Theme.DeleteOneID(id).Exec(ctx)
}

// CreateParticipation links an actor to an initiative, once per pair.
func CreateParticipation(ctx context.Context, client *ent.Client, in ent.CreateParticipationInput) (*ent.Participation, error) {
	if err := checkParticipation(ctx, client, in.ActorID, in.InitiativeID); err != nil {
		return nil, err
	}
	return client.Participation.Create().SetInput(in).Save(ctx)
}

// checkParticipation refuses unknown ends and a second participation of the
// same actor in the same initiative.
func checkParticipation(ctx context.Context, client *ent.Client, actorID, initiativeID int) error {
	if _, err := client.Actor.Get(ctx, actorID); ent.IsNotFound(err) {
		return apierr.BadInput("actorID", "no actor has this ID")
	} else if err != nil {
		return err
	}
	if _, err := client.Initiative.Get(ctx, initiativeID); ent.IsNotFound(err) {
		return apierr.BadInput("initiativeID", "no initiative has this ID")
	} else if err != nil {
		return err
	}
	dup, err := client.Participation.Query().
		Where(participation.ActorID(actorID), participation.InitiativeID(initiativeID)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("check participation: %w", err)
	}
	if dup {
		return apierr.BadInput("actorID", "this actor already takes part in this initiative: update its role instead")
	}
	return nil
}

// CreateTheme adds a theme, refusing sub-themes that are its own parent or
// lie above it: a cycle could never be deleted and would loop every walk up
// the taxonomy.
func CreateTheme(ctx context.Context, client *ent.Client, dialect string, in ent.CreateThemeInput) (*ent.Theme, error) {
	if in.ParentID != nil && len(in.ChildIDs) > 0 {
		if err := lockThemeTree(ctx, client, dialect); err != nil {
			return nil, err
		}
	}
	if in.ParentID != nil {
		for _, child := range in.ChildIDs {
			cycle, err := isAncestorOrSelf(ctx, client, child, *in.ParentID)
			if err != nil {
				return nil, err
			}
			if cycle {
				return nil, apierr.BadInput("childIDs", "a theme cannot have its own parent or one of its ancestors as a sub-theme")
			}
		}
	}
	return client.Theme.Create().SetInput(in).Save(ctx)
}

// UpdateTheme changes a theme with the same rule: the theme never ends up
// inside its own subtree, whether through parentID, addChildIDs or both.
func UpdateTheme(ctx context.Context, client *ent.Client, dialect string, id int, in ent.UpdateThemeInput) (*ent.Theme, error) {
	if in.ParentID != nil || len(in.AddChildIDs) > 0 {
		// The checks below and the write must see the same taxonomy.
		if err := lockThemeTree(ctx, client, dialect); err != nil {
			return nil, err
		}
	}
	if in.ParentID != nil {
		cycle, err := isAncestorOrSelf(ctx, client, id, *in.ParentID)
		if err != nil {
			return nil, err
		}
		for _, child := range in.AddChildIDs {
			// The new parent must not lie under a theme about to become a child.
			under, err := isAncestorOrSelf(ctx, client, child, *in.ParentID)
			if err != nil {
				return nil, err
			}
			cycle = cycle || under
		}
		if cycle {
			return nil, apierr.BadInput("parentID", "a theme cannot be placed under itself or one of its sub-themes")
		}
	}
	for _, child := range in.AddChildIDs {
		cycle, err := isAncestorOrSelf(ctx, client, child, id)
		if err != nil {
			return nil, err
		}
		if cycle {
			return nil, apierr.BadInput("addChildIDs", "a theme cannot contain itself or one of its ancestors")
		}
	}
	return client.Theme.UpdateOneID(id).SetInput(in).Save(ctx)
}

// UpdateParticipation changes a participation with the checks of
// CreateParticipation when it moves to another actor or initiative.
func UpdateParticipation(ctx context.Context, client *ent.Client, id int, in ent.UpdateParticipationInput) (*ent.Participation, error) {
	cur, err := client.Participation.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	actorID, initiativeID := cur.ActorID, cur.InitiativeID
	if in.ActorID != nil {
		actorID = *in.ActorID
	}
	if in.InitiativeID != nil {
		initiativeID = *in.InitiativeID
	}
	if actorID != cur.ActorID || initiativeID != cur.InitiativeID {
		if err := checkParticipation(ctx, client, actorID, initiativeID); err != nil {
			return nil, err
		}
	}
	return client.Participation.UpdateOneID(id).SetInput(in).Save(ctx)
}

// lockThemeTree makes the theme-tree changes of concurrent transactions run
// one after the other, until the end of the transaction of client: each then
// checks the ancestors it reads against every change committed before it
// (two moves checked at once could each find the other's theme still at the
// root and make a cycle). A lock of its own, not a row's: taking the
// versions' row first deadlocked with another write of the same theme (a new
// label), which locks the theme's row, then the versions'.
func lockThemeTree(ctx context.Context, client *ent.Client, dialect string) error {
	if err := store.LockUntilCommit(ctx, client, dialect, themeTreeLock); err != nil {
		return fmt.Errorf("lock the theme tree: %w", err)
	}
	return nil
}

// themeTreeLock is the advisory lock key of theme-tree changes (beside the
// migrations' constant and the relation pairs' hashed keys).
const themeTreeLock = 0x65737361 // "essa"

// isAncestorOrSelf reports whether ancestor is theme or lies above it.
func isAncestorOrSelf(ctx context.Context, client *ent.Client, ancestor, theme int) (bool, error) {
	for cur, seen := theme, map[int]bool{}; !seen[cur]; {
		if cur == ancestor {
			return true, nil
		}
		seen[cur] = true
		parent, err := client.Theme.Query().Where(themeent.ID(cur)).QueryParent().OnlyID(ctx)
		if ent.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("walk theme parents: %w", err)
		}
		cur = parent
	}
	return true, nil // an existing cycle: refuse rather than extend it
}

// ThemeExists checks a theme ID given in a filter, reported as field.
func ThemeExists(ctx context.Context, client *ent.Client, field string, id int) error {
	ok, err := client.Theme.Query().Where(themeent.ID(id)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("check theme %d: %w", id, err)
	}
	if !ok {
		return apierr.BadInput(field, "%s: no theme has this ID", field)
	}
	return nil
}

// ThemeTreeSQL writes th(id) AS (…), a recursive common table expression
// (to follow WITH RECURSIVE) selecting the theme id and its sub-themes at any
// depth.
func ThemeTreeSQL(b *entsql.Builder, id int) {
	b.WriteString("th(id) AS (SELECT id FROM themes WHERE id = ").Arg(id).
		WriteString(" UNION SELECT t.id FROM themes t JOIN th ON t.theme_children = th.id)")
}
