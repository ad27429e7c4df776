package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/essaim/essaim/internal/area"
)

// Territory is a country, région, département, EPCI or commune, identified by
// its official code (INSEE, or SIREN for EPCIs).
type Territory struct{ ent.Schema }

func (Territory) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

func (Territory) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("COUNTRY", "REGION", "DEPARTMENT", "EPCI", "COMMUNE").Immutable().
			Annotations(entgql.Type("TerritoryKind")),
		field.String("code").NotEmpty().MaxLen(16).
			Comment("Official code: INSEE for communes, départements and régions, SIREN for EPCIs, FR for the country.").
			Annotations(entgql.OrderField("CODE")),
		field.String("name").NotEmpty().MaxLen(256).Annotations(entgql.OrderField("NAME")),
		field.Int("population").NonNegative().Default(0).Annotations(entgql.OrderField("POPULATION")),
		field.Int("density_level").Optional().Nillable().Range(1, 7).
			Comment("Communes only: INSEE 7-level density grid, 1 (dense) to 7 (very sparse)."),
		field.Enum("area").GoType(area.Area("")).Optional().Nillable().
			Comment("URBAN or RURAL, derived from the density grid; null when unknown.").
			Annotations(entgql.Type("Area"), skipInputs()),
		field.Float("rural_population_share").Optional().Nillable().
			Comment("Population of rural communes / population of classified communes it contains; 0 or 1 for a commune.").
			Annotations(skipInputs()),
	}
}

func (Territory) Edges() []ent.Edge {
	return []ent.Edge{
		// Both sides are connections: a département contains hundreds of
		// communes, and every list must page.
		edge.To("contains", Territory.Type).
			Annotations(entgql.RelayConnection()).
			From("contained_in").
			Annotations(entgql.RelayConnection()),
		edge.From("actors", Actor.Type).Ref("territories").
			Annotations(entgql.RelayConnection(), skipInputs()),
		edge.From("initiatives", Initiative.Type).Ref("territories").
			Annotations(entgql.RelayConnection(), skipInputs()),
		edge.To("indicators", Indicator.Type).
			Annotations(entgql.RelayConnection(), skipInputs()),
	}
}

func (Territory) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("kind", "code").Unique(),
		index.Fields("name"),
	}
}

func (Territory) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
