package store

import (
	"context"
	"slices"
	"strings"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/apierr"
)

// uniqueEdges are the edges held by a column of the mutated row: setting and
// clearing one in the same update would assign the column twice.
var uniqueEdges = []string{"home_territory", "parent"}

// refuseSetAndClear rejects an update that both sets and clears the same
// field or single-valued edge (`startDate` with `clearStartDate`): PostgreSQL
// refuses the resulting statement and SQLite would silently pick one, so the
// client gets a clear BAD_USER_INPUT on both stores instead.
func refuseSetAndClear(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		cleared := m.ClearedFields()
		for _, f := range m.Fields() {
			if slices.Contains(cleared, f) {
				return nil, apierr.BadInput(FieldName(f), "%s is both set and cleared: give one or the other", FieldName(f))
			}
		}
		clearedEdges := m.ClearedEdges()
		for _, e := range m.AddedEdges() {
			if slices.Contains(uniqueEdges, e) && slices.Contains(clearedEdges, e) {
				return nil, apierr.BadInput(FieldName(e), "%s is both set and cleared: give one or the other", FieldName(e))
			}
		}
		return next.Mutate(ctx, m)
	})
}

// FieldName turns an ent column name into its GraphQL field name
// (start_date -> startDate), the name clients wrote.
func FieldName(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}
