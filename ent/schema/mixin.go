package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"
)

// TimeMixin records when a row was created and last changed. Clients read
// these fields but never set them.
type TimeMixin struct{ mixin.Schema }

func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Immutable().Default(time.Now).
			Annotations(entgql.OrderField("CREATED_AT"), skipInputs()),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now).
			Annotations(entgql.OrderField("UPDATED_AT"), skipInputs()),
	}
}

// Indexes serve the CREATED_AT and UPDATED_AT orderings: a page of the
// newest initiatives reads 51 index entries instead of sorting the table.
func (TimeMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("created_at"), index.Fields("updated_at")}
}

// skipInputs keeps a field or edge out of the generated mutation inputs: it
// is derived or managed from the other side.
func skipInputs() entgql.Annotation {
	return entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
}

// sourceField says where a fact comes from: a URL or a dataset name.
func sourceField() ent.Field {
	return field.String("source").Optional().MaxLen(2048).
		Comment("Where the facts come from: a URL or a dataset name.")
}
