package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Participation links an actor to an initiative with a role, so who leads
// what is data rather than prose.
type Participation struct{ ent.Schema }

func (Participation) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

func (Participation) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("role").Values("LEAD", "PARTNER", "FUNDER", "BENEFICIARY").
			Annotations(entgql.Type("ParticipationRole")),
		field.Int("actor_id"),
		field.Int("initiative_id"),
	}
}

func (Participation) Edges() []ent.Edge {
	return []ent.Edge{
		// A participation means nothing without both ends: it goes with either.
		edge.To("actor", Actor.Type).Unique().Required().Field("actor_id").
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("initiative", Initiative.Type).Unique().Required().Field("initiative_id").
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

// ent adds a unique index on (actor_id, initiative_id): one role per actor and
// initiative. The reverse lookup needs its own index.
func (Participation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("initiative_id"),
	}
}

func (Participation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		// A connection, so that nested participations are batch-loaded and paged.
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
