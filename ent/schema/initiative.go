package schema

import (
	"context"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	gen "github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/hook"
	"github.com/essaim/essaim/internal/apierr"
)

// Initiative is a project or programme that actors take part in.
type Initiative struct{ ent.Schema }

func (Initiative) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

func (Initiative) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(512).Annotations(entgql.OrderField("TITLE")),
		field.String("summary").Optional().MaxLen(4096),
		field.Text("description").Optional(),
		field.Enum("status").Values("IDEA", "PLANNED", "ACTIVE", "COMPLETED", "ABANDONED").
			Optional().Nillable().
			Annotations(entgql.Type("InitiativeStatus")),
		field.Time("start_date").Optional().Nillable(),
		field.Time("end_date").Optional().Nillable().Comment("Never before start_date."),
		sourceField(),
		field.String("source_key").Optional().Nillable().Unique().NotEmpty().MaxLen(200).
			DefaultFunc(newSourceKey).
			Comment("Stable key of the initiative in its source dataset: imports update the initiative with the same key instead of adding another. Generated when not given."),
	}
}

func (Initiative) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("territories", Territory.Type).Annotations(entgql.RelayConnection()),
		edge.To("themes", Theme.Type).Annotations(entgql.RelayConnection()),
		edge.From("actors", Actor.Type).Ref("initiatives").
			Through("participations", Participation.Type).
			Annotations(entgql.RelayConnection(), skipInputs()),
	}
}

// The TITLE ordering pages through an index.
func (Initiative) Indexes() []ent.Index {
	return []ent.Index{index.Fields("title")}
}

func (Initiative) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

func (Initiative) Hooks() []ent.Hook {
	return []ent.Hook{
		hook.On(checkDates, ent.OpCreate|ent.OpUpdateOne),
	}
}

// checkDates enforces end >= start on every write path (API, import, seed),
// reading the stored value of whichever date the mutation leaves unchanged.
func checkDates(next ent.Mutator) ent.Mutator {
	return hook.InitiativeFunc(func(ctx context.Context, m *gen.InitiativeMutation) (gen.Value, error) {
		start, err := effectiveDate(ctx, m, m.StartDate, m.StartDateCleared, m.OldStartDate)
		if err != nil {
			return nil, err
		}
		end, err := effectiveDate(ctx, m, m.EndDate, m.EndDateCleared, m.OldEndDate)
		if err != nil {
			return nil, err
		}
		if start != nil && end != nil && end.Before(*start) {
			return nil, apierr.BadInput("endDate", "endDate (%s) must not be before startDate (%s)",
				end.Format(time.DateOnly), start.Format(time.DateOnly))
		}
		return next.Mutate(ctx, m)
	})
}

func effectiveDate(
	ctx context.Context, m *gen.InitiativeMutation,
	set func() (time.Time, bool), cleared func() bool,
	old func(context.Context) (*time.Time, error),
) (*time.Time, error) {
	if v, ok := set(); ok {
		return &v, nil
	}
	if cleared() || !m.Op().Is(ent.OpUpdateOne) {
		return nil, nil
	}
	return old(ctx)
}
