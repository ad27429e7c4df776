package auth

import (
	"context"
	"fmt"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/auditentry"
)

// Entry is one mutation field that ran.
type Entry struct {
	KeyID       string
	Operation   string
	Field       string
	ObjectID    *int
	InputFields []string
}

// Record writes e with client, which must be the mutation's transaction so
// that the entry commits or rolls back with the change it describes.
func Record(ctx context.Context, client *ent.Client, e Entry) error {
	err := client.AuditEntry.Create().
		SetKeyID(e.KeyID).SetOperation(truncate(e.Operation, 256)).SetField(e.Field).
		SetNillableObjectID(e.ObjectID).SetInputFields(e.InputFields).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("record audit entry: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// Page is one page of the audit log, newest first.
type Page struct {
	Entries     []*ent.AuditEntry
	HasNextPage bool
	TotalCount  int
}

// Log returns up to first entries older than the entry with id after (0:
// from the newest), of one key when keyID is not empty.
func Log(ctx context.Context, client *ent.Client, first, after int, keyID string) (Page, error) {
	q := client.AuditEntry.Query()
	if keyID != "" {
		q = q.Where(auditentry.KeyID(keyID))
	}
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return Page{}, fmt.Errorf("count audit entries: %w", err)
	}
	if after > 0 {
		q = q.Where(auditentry.IDLT(after))
	}
	es, err := q.Order(ent.Desc(auditentry.FieldID)).Limit(first + 1).All(ctx)
	if err != nil {
		return Page{}, fmt.Errorf("read audit entries: %w", err)
	}
	p := Page{TotalCount: total, HasNextPage: len(es) > first}
	if p.HasNextPage {
		es = es[:first]
	}
	p.Entries = es
	return p, nil
}
