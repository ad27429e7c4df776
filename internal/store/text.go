package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/apierr"
)

// normalizeText is an ent hook on the knowledge base's own objects (not API
// keys nor audit entries) that, on every write:
//   - trims the spaces around each text value, as imports trim each cell:
//     an actor named " Coop " exported then imported came back as "Coop",
//     a second actor, where a round trip must change nothing;
//   - refuses a text holding a NUL character, on both stores: PostgreSQL
//     refuses it, SQLite stored it (and its export then failed to import).
func normalizeText(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		switch m.Type() {
		case ent.TypeAPIKey, ent.TypeAuditEntry:
			return next.Mutate(ctx, m)
		}
		for _, name := range m.Fields() {
			v, _ := m.Field(name)
			s, ok := v.(string)
			if !ok {
				continue
			}
			if strings.ContainsRune(s, 0) {
				return nil, apierr.BadInput(FieldName(name), "%s contains a NUL character", FieldName(name))
			}
			if trimmed := strings.TrimSpace(s); trimmed != s {
				if err := m.SetField(name, trimmed); err != nil {
					return nil, fmt.Errorf("trim %s: %w", name, err)
				}
			}
		}
		return next.Mutate(ctx, m)
	})
}
