package network

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/store"
)

// Symmetric relation kinds hold both ways: A PARTNER_OF B is B PARTNER_OF A.
var symmetric = map[actorrelation.Kind]bool{
	actorrelation.KindPARTNER_OF: true, actorrelation.KindAGREEMENT_WITH: true,
}

type relationFields struct {
	from, to     int
	kind         actorrelation.Kind
	since, until *time.Time
	exclude      int // the relation being updated
}

// CreateRelation adds an explicit relation after checking it: no
// self-relation, until not before since, existing actors, and no relation of
// the same kind between the same actors over an overlapping period.
func CreateRelation(ctx context.Context, client *ent.Client, dialect string, in ent.CreateActorRelationInput) (*ent.ActorRelation, error) {
	f := relationFields{from: in.FromID, to: in.ToID, kind: in.Kind, since: in.Since, until: in.Until}
	if err := checkRelation(ctx, client, dialect, f); err != nil {
		return nil, err
	}
	return client.ActorRelation.Create().SetInput(in).Save(ctx)
}

// UpdateRelation changes a relation with the same checks as CreateRelation.
func UpdateRelation(ctx context.Context, client *ent.Client, dialect string, id int, in ent.UpdateActorRelationInput) (*ent.ActorRelation, error) {
	cur, err := client.ActorRelation.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	f := relationFields{from: cur.FromID, to: cur.ToID, kind: cur.Kind, since: cur.Since, until: cur.Until, exclude: id}
	if in.FromID != nil {
		f.from = *in.FromID
	}
	if in.ToID != nil {
		f.to = *in.ToID
	}
	if in.Kind != nil {
		f.kind = *in.Kind
	}
	if in.ClearSince {
		f.since = nil
	}
	if in.Since != nil {
		f.since = in.Since
	}
	if in.ClearUntil {
		f.until = nil
	}
	if in.Until != nil {
		f.until = in.Until
	}
	if err := checkRelation(ctx, client, dialect, f); err != nil {
		return nil, err
	}
	return client.ActorRelation.UpdateOneID(id).SetInput(in).Save(ctx)
}

func checkRelation(ctx context.Context, client *ent.Client, dialect string, f relationFields) error {
	if f.from == f.to {
		return apierr.BadInput("toID", "an actor cannot be related to itself")
	}
	if f.since != nil && f.until != nil && f.until.Before(*f.since) {
		return apierr.BadInput("until", "until must not be before since")
	}
	for field, id := range map[string]int{"fromID": f.from, "toID": f.to} {
		ok, err := client.Actor.Query().Where(actor.ID(id)).Exist(ctx)
		if err != nil {
			return fmt.Errorf("check actor %d: %w", id, err)
		}
		if !ok {
			return apierr.BadInput(field, "%s: no actor has this ID", field)
		}
	}
	if err := lockPair(ctx, client, dialect, f); err != nil {
		return err
	}
	return checkDuplicate(ctx, client, f)
}

// lockPair serialises, until the transaction ends, the writes of relations of
// one kind between two actors, so that two concurrent requests cannot both
// pass the overlap check. PostgreSQL needs it (READ COMMITTED); SQLite
// already runs one writing transaction at a time.
func lockPair(ctx context.Context, client *ent.Client, dialect string, f relationFields) error {
	a, b := min(f.from, f.to), max(f.from, f.to)
	h := fnv.New64a()
	fmt.Fprintf(h, "actor_relation:%d:%d:%s", a, b, f.kind)
	if err := store.LockUntilCommit(ctx, client, dialect, int64(h.Sum64())); err != nil {
		return fmt.Errorf("lock relation pair: %w", err)
	}
	return nil
}

func checkDuplicate(ctx context.Context, client *ent.Client, f relationFields) error {
	same := actorrelation.And(actorrelation.FromID(f.from), actorrelation.ToID(f.to))
	if symmetric[f.kind] {
		same = actorrelation.Or(same, actorrelation.And(actorrelation.FromID(f.to), actorrelation.ToID(f.from)))
	}
	existing, err := client.ActorRelation.Query().
		Where(same, actorrelation.KindEQ(f.kind), actorrelation.IDNEQ(f.exclude)).All(ctx)
	if err != nil {
		return fmt.Errorf("check duplicate relation: %w", err)
	}
	for _, r := range existing {
		if overlap(f.since, f.until, r.Since, r.Until) {
			return apierr.BadInput("kind", "these actors already have a %s relation over an overlapping period", f.kind)
		}
	}
	return nil
}

// overlap treats a missing bound as open-ended.
func overlap(s1, u1, s2, u2 *time.Time) bool {
	startsBeforeEnd := func(s, u *time.Time) bool { return s == nil || u == nil || !s.After(*u) }
	return startsBeforeEnd(s1, u2) && startsBeforeEnd(s2, u1)
}
