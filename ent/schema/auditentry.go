package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AuditEntry records one mutation field that ran: who (the API key), when,
// in which operation, and what it touched. It is written in the mutation's
// own transaction, so a mutation that fails leaves none. Exposed through the
// hand-written auditLog query only (ADMIN).
type AuditEntry struct{ ent.Schema }

func (AuditEntry) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Immutable().Default(time.Now),
		field.String("key_id").MaxLen(32).Immutable().
			Comment("Public identifier of the API key; empty for an anonymous editor (test configurations)."),
		field.String("operation").MaxLen(256).Immutable().
			Comment("The operation name sent by the client, empty when anonymous."),
		field.String("field").NotEmpty().MaxLen(256).Immutable().
			Comment("The mutation field, e.g. createInitiative."),
		field.Int("object_id").Optional().Nillable().Immutable().
			Comment("The ID of the object the field created, changed or deleted, when known."),
		// json, not jsonb, on PostgreSQL: Essaim's connections send parameters
		// with lib/pq's binary_parameters (one round trip per statement), which
		// passes ent's marshalled JSON ([]byte) in binary format, and only
		// json's binary input is its text.
		field.Strings("input_fields").Optional().Immutable().
			SchemaType(map[string]string{dialect.Postgres: "json"}).
			Comment("The names of the arguments and input fields set (not their values)."),
	}
}

func (AuditEntry) Indexes() []ent.Index {
	return []ent.Index{index.Fields("key_id", "id")}
}

func (AuditEntry) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
