package exchange

import (
	"context"
	"errors"
	"fmt"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/store"
)

// Progress is told how far an import has gone, per stage ("check", "write").
type Progress func(stage string, done, total int)

// Options say what to import and how.
type Options struct {
	Kind   Kind
	Format Format
	// DryRun checks every row, references included, and writes nothing.
	DryRun   bool
	Progress Progress
	// Dialect is the store's (ent's dialect name): on PostgreSQL the facets
	// of the imported initiatives are refreshed once, after every row.
	Dialect string
}

// WriteError is a row the store refused while writing, after every check
// passed: the caller must roll the transaction back. The report holds it too.
type WriteError struct{ Issue Issue }

func (e *WriteError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Issue.Line, e.Issue.Message)
}

// Import checks a whole file against the store reached by client, then,
// unless it is a dry run or a problem was found, writes every row. client
// should be a transaction's (see ImportTx): a *WriteError means some rows
// were written and must be rolled back. Other errors are failures of the
// database.
func Import(ctx context.Context, client *ent.Client, data []byte, opt Options) (*Report, error) {
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	rep := &Report{Kind: opt.Kind, Format: opt.Format, DryRun: opt.DryRun, Errors: []Issue{}}
	if opt.Format == JSONLD {
		rep.add(0, "", CodeSyntax, "JSON-LD is an export format only: import CSV or JSON")
		return rep, nil
	}
	recs, ok := readRecords(data, opt.Format, opt.Kind, rep)
	rep.Rows = len(recs)
	if !ok {
		return rep, nil
	}
	r := newRefs(client)
	var write func(context.Context) error
	switch opt.Kind {
	case Actors:
		rows, err := planActors(ctx, r, recs, rep, progress)
		if err != nil {
			return nil, err
		}
		count(rep, rows, func(r actorRow) bool { return r.id == 0 })
		write = func(ctx context.Context) error {
			return writeRows(rep, rows, progress, func(r actorRow) record { return r.rec },
				func(row actorRow) error { return writeActor(ctx, client, row) })
		}
	case Initiatives:
		rows, err := planInitiatives(ctx, r, recs, rep, progress)
		if err != nil {
			return nil, err
		}
		count(rep, rows, func(r initiativeRow) bool { return r.id == 0 })
		write = func(ctx context.Context) error {
			if err := store.DeferFacets(ctx, client, opt.Dialect); err != nil {
				return err
			}
			ids := make([]int, 0, len(rows))
			err := writeRows(rep, rows, progress, func(r initiativeRow) record { return r.rec },
				func(row initiativeRow) error {
					id, err := writeInitiative(ctx, client, row)
					ids = append(ids, id)
					return err
				})
			if err != nil {
				return err
			}
			return store.RefreshFacets(ctx, client, opt.Dialect, ids)
		}
	default:
		return nil, fmt.Errorf("unknown kind %q", opt.Kind)
	}
	progress("check", len(recs), len(recs))
	if !rep.OK() {
		rep.Created, rep.Updated = 0, 0
	}
	if !rep.OK() || opt.DryRun {
		return rep, nil
	}
	return rep, writeAll(ctx, client, write)
}

// writeAll runs write with the versions bumped once at the end rather than
// by every row (store.DeferBumps): nothing reads a cache meanwhile. They are
// bumped after a failed write too, for a client outside a transaction,
// whose rows before the failure stay (in a transaction the bump fails or
// rolls back with them).
func writeAll(ctx context.Context, client *ent.Client, write func(context.Context) error) error {
	ctx, bumps := store.DeferBumps(ctx)
	err := write(ctx)
	if ferr := bumps.Flush(ctx, client); err == nil {
		err = ferr
	}
	return err
}

func count[T any](rep *Report, rows []T, isNew func(T) bool) {
	for _, r := range rows {
		if isNew(r) {
			rep.Created++
		} else {
			rep.Updated++
		}
	}
}

func writeRows[T any](rep *Report, rows []T, progress Progress, rec func(T) record, write func(T) error) error {
	for i, row := range rows {
		progress("write", i, len(rows))
		if err := write(row); err != nil {
			if err := rejected(rec(row), err, rep); err != nil {
				return err
			}
			rep.Created, rep.Updated = 0, 0
			return &WriteError{Issue: rep.Errors[len(rep.Errors)-1]}
		}
	}
	progress("write", len(rows), len(rows))
	return nil
}

// ImportTx runs Import in a transaction of its own, committed only when
// the file is clean and it is not a dry run.
func ImportTx(ctx context.Context, client *ent.Client, data []byte, opt Options) (*Report, error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("import %s: begin: %w", opt.Kind, err)
	}
	defer func() { _ = tx.Rollback() }()
	rep, err := Import(ctx, tx.Client(), data, opt)
	var refused *WriteError
	if errors.As(err, &refused) {
		return rep, nil // in the report; the deferred rollback undoes the rows written
	}
	if err != nil {
		return nil, err
	}
	if !rep.OK() || opt.DryRun {
		return rep, nil
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("import %s: commit: %w", opt.Kind, err)
	}
	return rep, nil
}
