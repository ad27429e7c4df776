package search

import (
	"context"
	"fmt"
	"strconv"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/essaim/essaim/ent"
)

// run selects the best limit hits of one type, with the type's total
// (counted up to MaxTotal).
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

// statement is the query of one type: the matching ids with their score,
// best first, and the number of matches (see total). User text only ever
// reaches it as a parameter.
//
// The score never reads the text of a match: on SQLite it comes from index
// lookups (is the id among the rows whose title alone matches?), on
// PostgreSQL from the stored document with a weighted query (does the query
// match the part of weight A?). Computing ts_rank or bm25 for thousands of
// matches costs tens of microseconds each.
func statement(dialectName string, s subject, words []string, filter func(*entsql.Selector), limit int) (string, []any) {
	if dialectName != dialect.SQLite || filter != nil || len(s.boosts) == 0 {
		return scored(dialectName, s, words, filter, limit, nil)
	}
	return bestFirst(s, words, limit)
}

// bestFirst spares SQLite the scoring of every match when the page holds
// only best matches: FTS5 returns matches in rowid order, so the first limit
// rows whose name or title matches are found without reading the others.
// When there are limit of them they are the page (ties go to the oldest
// row); otherwise the scored query gives it.
func bestFirst(s subject, words []string, limit int) (string, []any) {
	fts := "`search_" + s.table + "`"
	best := "{" + s.boosts[0].column + "} : (" + ftsMatch(words) + ")"
	n := strconv.Itoa(limit)
	full := "(SELECT COUNT(*) FROM (SELECT 1 FROM " + fts + " WHERE " + fts + " MATCH ? LIMIT " + n + "))"
	q := "SELECT `id`, " + score(s.boosts[0].score) + " AS `score`, (SELECT COUNT(*) FROM (SELECT 1 FROM " + fts +
		" WHERE " + fts + " MATCH ? LIMIT " + strconv.Itoa(MaxTotal) + ")) AS `total` FROM (SELECT rowid AS `id` FROM " +
		fts + " WHERE " + fts + " MATCH ? ORDER BY rowid LIMIT " + n + ") WHERE " + full + " = " + n
	// The same condition in the scored query's matches: SQLite evaluates
	// the subquery once, and when it fails no match is scored.
	notFull := entsql.P(func(b *entsql.Builder) {
		b.WriteString("(SELECT COUNT(*) FROM (SELECT 1 FROM " + fts + " WHERE " + fts + " MATCH ").Arg(best).
			WriteString(" LIMIT " + n + ")) < " + n)
	})
	sq, sargs := scored(dialect.SQLite, s, words, nil, limit, notFull)
	return q + " UNION ALL SELECT * FROM (" + sq + ")", append([]any{ftsMatch(words), best, best}, sargs...)
}

// scored is the query of one type that scores every match.
// only is an extra condition on the matches (nil: none).
func scored(dialectName string, s subject, words []string, filter func(*entsql.Selector), limit int, only *entsql.Predicate) (string, []any) {
	d := entsql.Dialect(dialectName)
	m := d.Table("m")
	// A CTE rather than a subquery in FROM: an aliased selector would rename
	// the columns its filters refer to. Referenced once, it is inlined.
	ms := matches(d, dialectName, s, words, filter)
	if only != nil {
		ms.Where(only)
	}
	out := d.Select(m.C("id")).From(m).Prefix(d.With("m").As(ms))
	if dialectName == dialect.Postgres {
		out.AppendSelect(m.C("score")) // computed beside the document (see matches)
	} else {
		out.AppendSelectExprAs(scoreOf(s, words, func(b *entsql.Builder, bo boost) {
			b.WriteString(m.C("id") + " IN (SELECT rowid FROM search_" + s.table + " WHERE search_" + s.table + " MATCH ").
				Arg("{" + bo.column + "} : (" + ftsMatch(words) + ")").WriteString(")")
		}), "score")
	}
	out.AppendSelectExprAs(total(d, dialectName, s, words, filter), "total").
		OrderExpr(entsql.Raw("score DESC"), entsql.Raw(m.C("id"))).
		Limit(limit)
	return out.Query()
}

// scoreOf is the score of a match: the score of the first boost whose
// condition (written by cond) holds, else the base score.
func scoreOf(s subject, words []string, cond func(*entsql.Builder, boost)) entsql.Querier {
	return entsql.ExprFunc(func(b *entsql.Builder) {
		if len(s.boosts) == 0 {
			b.WriteString(score(s.base))
			return
		}
		b.WriteString("CASE")
		for _, bo := range s.boosts {
			b.WriteString(" WHEN ")
			cond(b, bo)
			b.WriteString(" THEN " + score(bo.score))
		}
		b.WriteString(" ELSE " + score(s.base) + " END")
	})
}

// total counts the matches. Without a filter, a subquery stops at MaxTotal:
// it reads only the index, where a window count would keep every match. With
// a filter, checking each match costs more than keeping it: a window count
// checks each once, where a separate count would check them again.
func total(d *entsql.DialectBuilder, dialectName string, s subject, words []string, filter func(*entsql.Selector)) entsql.Querier {
	if filter != nil {
		return entsql.Raw("COUNT(*) OVER ()")
	}
	return entsql.ExprFunc(func(b *entsql.Builder) {
		b.WriteString("(SELECT COUNT(*) FROM (").
			Join(matches(d, dialectName, s, words, nil).Limit(MaxTotal)).
			WriteString(") AS c)")
	})
}

// matches selects the ids of the rows that match words and filter (and, on
// PostgreSQL, their score, from the stored document).
func matches(d *entsql.DialectBuilder, dialectName string, s subject, words []string, filter func(*entsql.Selector)) *entsql.Selector {
	if dialectName == dialect.Postgres {
		docs := d.Table("search_documents").As("d")
		match := entsql.P(func(b *entsql.Builder) {
			b.WriteString(docs.C("kind") + " = ").Arg(s.table).WriteString(" AND " + docs.C("document") + " @@ ")
			writeTSQuery(b, words, "")
		})
		// The score is computed here, beside the document, so that only ids
		// and scores are sorted, never the documents.
		weighted := scoreOf(s, words, func(b *entsql.Builder, bo boost) {
			b.WriteString(docs.C("document") + " @@ ")
			writeTSQuery(b, words, bo.weight)
		})
		if filter == nil || !s.filterReadsRow {
			sel := d.Select(docs.C("id")).AppendSelectExprAs(weighted, "score").From(docs).Where(match)
			if filter == nil {
				return sel
			}
			filter(sel) // on the id of the document: no visit of the table
			// OFFSET 0 keeps the filtered matches a subquery of their own:
			// PostgreSQL would otherwise sort every match, documents and
			// all, before filtering (to disk on the worst case).
			return sel.Offset(0)
		}
		t := d.Table(s.table).As("t")
		sel := d.Select(t.C("id")).AppendSelectExprAs(weighted, "score").
			From(t).Join(docs).On(docs.C("id"), t.C("id")).Where(match)
		filter(sel)
		return sel.Offset(0) // see below
	}
	name := "search_" + s.table
	match := entsql.P(func(b *entsql.Builder) {
		b.Ident(name).WriteString(" MATCH ").Arg(ftsMatch(words))
	})
	if filter == nil {
		fts := d.Table(name)
		return d.Select().AppendSelectExprAs(entsql.Raw(fts.C("rowid")), "id").From(fts).Where(match)
	}
	// MATCH names the FTS table itself, so it must not be aliased.
	t := d.Table(s.table).As("t")
	fts := d.Table(name).As(name)
	sel := d.Select(t.C("id")).From(t).Join(fts).On(fts.C("rowid"), t.C("id")).Where(match)
	filter(sel)
	return sel
}

func score(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// writeTSQuery writes the tsquery of words (see tsQuery): the words but the
// last by their stems, and the last as the start of a stem or of a word as
// written (the documents hold both, migration 20261128160000). It is a
// scalar subquery so that PostgreSQL builds it once per statement: in the
// generic plan of a prepared statement, whose text is a parameter, a bare
// to_tsquery ran again for every match scored (72 against 12 ms for the
// 4,500 matches of a common word).
func writeTSQuery(b *entsql.Builder, words []string, weight string) {
	whole, prefix := tsQuery(words, weight)
	b.WriteString("(SELECT ")
	if whole != "" { // one word: no empty query to build (and no NOTICE about it)
		b.WriteString("to_tsquery('essaim_fr', ").Arg(whole).WriteString(") && ")
	}
	b.WriteString("(to_tsquery('essaim_fr', ").Arg(prefix).
		WriteString(") || to_tsquery('essaim_simple', ").Arg(prefix).WriteString(")))")
}
