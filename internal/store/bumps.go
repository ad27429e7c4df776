package store

import (
	"context"
	"sync"

	"github.com/essaim/essaim/ent"
)

// Bumps collects the version bumps of a bulk writer's transaction, run once
// by Flush. On PostgreSQL each bump of the one counter row in a transaction
// adds a row version that the next bump walks past: n writes in one
// transaction took time in n² (an import of 2,000 initiatives ran 10,000
// bumps, 0.05 ms each at first and 0.2 ms at the end; one of 50,000 would
// have spent most of its time there).
type Bumps struct {
	mu   sync.Mutex
	stmt string // the widest bump recorded, "" for none
}

type bumpsKey struct{}

// DeferBumps returns a context under which ent writes record their bumps in
// the returned Bumps instead of running them. The caller must Flush it in
// the same transaction before committing, and nothing may fill a cache from
// that transaction meanwhile (it would be filed under the version before).
func DeferBumps(ctx context.Context) (context.Context, *Bumps) {
	b := &Bumps{}
	return context.WithValue(ctx, bumpsKey{}, b), b
}

func deferredBumps(ctx context.Context) *Bumps {
	b, _ := ctx.Value(bumpsKey{}).(*Bumps)
	return b
}

func (b *Bumps) add(stmt string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stmt != bumpBothSQL {
		b.stmt = stmt // both counters cover the graph's alone
	}
}

// Flush runs the recorded bumps, once, through client (the transaction's).
func (b *Bumps) Flush(ctx context.Context, client *ent.Client) error {
	b.mu.Lock()
	stmt := b.stmt
	b.stmt = ""
	b.mu.Unlock()
	if stmt == "" {
		return nil
	}
	return bump(ctx, client, stmt)
}
