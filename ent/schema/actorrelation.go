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

// ActorRelation is an explicit, sourced link between two actors. Directed
// kinds keep their direction: MEMBER_OF points from the member to the
// network, FUNDS from the funder, SUBSIDIARY_OF from the subsidiary.
// PARTNER_OF and AGREEMENT_WITH are symmetric.
type ActorRelation struct{ ent.Schema }

func (ActorRelation) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

func (ActorRelation) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("MEMBER_OF", "PARTNER_OF", "FUNDS", "AGREEMENT_WITH", "SUBSIDIARY_OF").
			Annotations(entgql.Type("ActorRelationKind")),
		field.Int("from_id"),
		field.Int("to_id"),
		field.Time("since").Optional().Nillable(),
		field.Time("until").Optional().Nillable().Comment("Never before since."),
		sourceField(),
		field.String("note").Optional().MaxLen(4096),
	}
}

func (ActorRelation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("from", Actor.Type).Unique().Required().Field("from_id").
			Annotations(entsql.OnDelete(entsql.Cascade)),
		edge.To("to", Actor.Type).Unique().Required().Field("to_id").
			Annotations(entsql.OnDelete(entsql.Cascade)),
	}
}

func (ActorRelation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("from_id", "kind"),
		index.Fields("to_id", "kind"),
	}
}

func (ActorRelation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
