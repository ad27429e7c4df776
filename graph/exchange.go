package graph

import (
	"context"
	"errors"
	"fmt"
	"io"

	"entgo.io/ent/dialect"
	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/graph/model"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/exchange"
)

// importFile runs an import in the request's transaction. A file with
// problems writes nothing and returns its report; a row the store refuses
// while writing fails the mutation, so that the transaction rolls back.
func (r *Resolver) importFile(ctx context.Context, kind exchange.Kind, file graphql.Upload, format *model.ImportFormat, dryRun bool) (*exchange.Report, error) {
	f, err := exchange.FormatOf(file.Filename)
	if format != nil {
		f, err = exchange.ParseFormat(string(*format))
	}
	if err != nil {
		return nil, apierr.BadInput("format", "%s", err)
	}
	// One file variable may feed several fields (a dry run, then the
	// import): each reads it from the start.
	if _, err := file.File.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind upload: %w", err)
	}
	data, err := io.ReadAll(file.File) // the transport caps the request size
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	rep, err := exchange.Import(ctx, r.db(ctx), data, exchange.Options{Kind: kind, Format: f, DryRun: dryRun, Dialect: r.Dialect})
	var refused *exchange.WriteError
	if errors.As(err, &refused) {
		return nil, apierr.BadInput("file", "line %d, column %s: %s", refused.Issue.Line, refused.Issue.Column, refused.Issue.Message)
	}
	if err == nil && rep.StaleStatistics() && r.Dialect == dialect.SQLite {
		// SQLite never refreshes its statistics by itself; PostgreSQL's
		// autovacuum does, outside the request's transaction.
		if _, err := r.db(ctx).ExecContext(ctx, "ANALYZE"); err != nil {
			return nil, fmt.Errorf("refresh the planner's statistics: %w", err)
		}
	}
	return rep, err
}
