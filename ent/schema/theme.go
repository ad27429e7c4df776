package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
)

// Theme is a subject of action (inclusion, local logistics…), in a taxonomy.
type Theme struct{ ent.Schema }

func (Theme) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

func (Theme) Fields() []ent.Field {
	return []ent.Field{
		field.String("slug").NotEmpty().MaxLen(64).Unique().
			Match(slugPattern).
			Annotations(entgql.OrderField("SLUG")),
		field.String("label").NotEmpty().MaxLen(256).Annotations(entgql.OrderField("LABEL")),
		field.Text("description").Optional(),
	}
}

func (Theme) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Theme.Type).
			Annotations(entgql.RelayConnection()).
			From("parent").Unique(),
		edge.From("actors", Actor.Type).Ref("themes").
			Annotations(entgql.RelayConnection(), skipInputs()),
		edge.From("initiatives", Initiative.Type).Ref("themes").
			Annotations(entgql.RelayConnection(), skipInputs()),
	}
}

func (Theme) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
