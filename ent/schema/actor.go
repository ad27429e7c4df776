package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/essaim/essaim/internal/siren"
)

// Actor is an organisation of the field: association, cooperative, public body…
type Actor struct{ ent.Schema }

func (Actor) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

func (Actor) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(512).Annotations(entgql.OrderField("NAME")),
		field.Enum("kind").Values("ASSOCIATION", "COOPERATIVE", "MUTUAL", "FOUNDATION",
			"ESUS_COMPANY", "COMPANY", "PUBLIC_BODY", "NETWORK", "OTHER").
			Annotations(entgql.Type("ActorKind")),
		field.String("siren").Optional().Nillable().Unique().Validate(siren.Validate).
			Comment("French company number: 9 digits with a Luhn checksum."),
		field.Text("description").Optional(),
		field.String("website").Optional().MaxLen(2048).Match(websitePattern),
		sourceField(),
	}
}

func (Actor) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("home_territory", Territory.Type).Unique().
			Comment("Where the actor is based."),
		edge.To("territories", Territory.Type).
			Comment("Territories of action.").
			Annotations(entgql.RelayConnection()),
		edge.To("themes", Theme.Type).Annotations(entgql.RelayConnection()),
		edge.From("relations_out", ActorRelation.Type).Ref("from").
			Comment("Explicit relations from this actor.").
			Annotations(entgql.RelayConnection(), skipInputs()),
		edge.From("relations_in", ActorRelation.Type).Ref("to").
			Comment("Explicit relations to this actor.").
			Annotations(entgql.RelayConnection(), skipInputs()),
		edge.To("initiatives", Initiative.Type).
			Through("participations", Participation.Type).
			Annotations(entgql.RelayConnection(), skipInputs()),
	}
}

// The NAME ordering pages through an index.
func (Actor) Indexes() []ent.Index {
	return []ent.Index{index.Fields("name")}
}

func (Actor) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
