package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Indicator is a key figure about a territory: a share of employment, a
// number of establishments, a rank among régions…
type Indicator struct{ ent.Schema }

func (Indicator) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

func (Indicator) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(512).Annotations(entgql.OrderField("NAME")),
		field.Float("value"),
		field.String("unit").MaxLen(64).
			Comment(`What the value counts: "%", "établissements", "rang"…`),
		field.Int("year").Optional().Nillable().Range(1900, 2100).
			Comment("The year the figure refers to; null when unknown."),
		field.Int("territory_id"),
		sourceField(),
	}
}

func (Indicator) Edges() []ent.Edge {
	return []ent.Edge{
		// A territory with indicators cannot be deleted (see territory.Delete).
		edge.From("territory", Territory.Type).Ref("indicators").Unique().Required().Field("territory_id"),
	}
}

func (Indicator) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("territory_id", "name"),
		index.Fields("name"),
	}
}

func (Indicator) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
