package search

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
)

// run selects the best limit hits of one type, with the type's total.
func run(ctx context.Context, client *ent.Client, dialectName string, s subject, words []string,
	filter func(*entsql.Selector), limit int) ([]Hit, int, error) {
	q, args := statement(dialectName, s, words, filter, limit)
	rows, err := client.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("search %s: %w", s.table, err)
	}
	defer rows.Close()
	var hits []Hit
	total := 0
	for rows.Next() {
		h := Hit{Type: s.typ}
		if err := rows.Scan(&h.ID, &h.Score, &total); err != nil {
			return nil, 0, fmt.Errorf("search %s: %w", s.table, err)
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("search %s: %w", s.table, err)
	}
	return hits, total, nil
}

// statement is the query of one type: the matching ids with their score and
// the number of matches (a window count, so one statement does both), best
// first. User text only ever reaches it as a parameter.
func statement(dialectName string, s subject, words []string, filter func(*entsql.Selector), limit int) (string, []any) {
	d := entsql.Dialect(dialectName)
	t := d.Table(s.table).As("t")
	sel := d.Select(t.C("id")).From(t)
	if dialectName == dialect.Postgres {
		query := tsQuery(words)
		doc := document(t, s.document)
		sel.AppendSelectExprAs(entsql.ExprFunc(func(b *entsql.Builder) {
			b.WriteString("ts_rank(" + doc + ", to_tsquery('essaim_fr', ").Arg(query).WriteString("))")
		}), "score")
		sel.Where(entsql.P(func(b *entsql.Builder) {
			b.WriteString(doc + " @@ to_tsquery('essaim_fr', ").Arg(query).WriteString(")")
		}))
	} else {
		// bm25 and MATCH name the FTS table itself, which must not be aliased.
		name := "search_" + s.table
		fts := d.Table(name).As(name)
		sel.Join(fts).On(fts.C("rowid"), t.C("id"))
		sel.AppendSelectExprAs(entsql.Raw("-bm25(`"+name+"`, "+s.weights+")"), "score")
		sel.Where(entsql.P(func(b *entsql.Builder) {
			b.Ident(name).WriteString(" MATCH ").Arg(ftsMatch(words))
		}))
	}
	if filter != nil {
		filter(sel)
	}
	// The window count is taken outside: SQLite cannot evaluate bm25 in a
	// query with window functions.
	m := d.Table("m")
	out := d.Select(m.C("id"), m.C("score")).From(m).Prefix(d.With("m").As(sel)).
		AppendSelectExprAs(entsql.Raw("COUNT(*) OVER ()"), "total").
		OrderExpr(entsql.Raw("score DESC"), entsql.Raw(m.C("id"))).
		Limit(limit)
	return out.Query()
}

// document is the essaim_search_document call on the columns of t.
func document(t *entsql.SelectTable, args []string) string {
	cols := make([]string, len(args))
	for i, a := range args {
		if a == "NULL" {
			cols[i] = a
		} else {
			cols[i] = t.C(a)
		}
	}
	return "essaim_search_document(" + strings.Join(cols, ", ") + ")"
}
