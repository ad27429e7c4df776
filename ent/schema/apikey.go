package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
)

// APIKey is a credential of a client application. Only the SHA-256 of the
// secret is stored; the secret is shown once, when the key is created.
// Keys are never exposed through the generated GraphQL schema (no Node, no
// query field, no input): access control is hand-written (internal/auth).
type APIKey struct{ ent.Schema }

func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("key_id").NotEmpty().MaxLen(32).Unique().Immutable().
			Comment("Public identifier, part of the secret token, shown in lists and audit entries."),
		field.String("name").NotEmpty().MaxLen(256),
		field.Enum("role").Values("READER", "EDITOR", "ADMIN"),
		field.String("secret_hash").NotEmpty().MaxLen(64).Sensitive().Immutable().
			Comment("Hex SHA-256 of the whole token."),
		field.Time("created_at").Immutable().Default(time.Now),
		field.Time("revoked_at").Optional().Nillable(),
		field.Time("last_used_at").Optional().Nillable(),
	}
}

func (APIKey) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
