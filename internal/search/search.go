// Package search provides ranked full-text search over initiatives, actors,
// themes and territories, on both stores.
//
// The user's text is reduced to words (letters and digits only), so quotes,
// operators and other query syntax typed by users are never interpreted; the
// words are then matched by the store's own full-text engine, set up by the
// search migration:
//
//   - PostgreSQL: the essaim_fr text search configuration (french stemming
//     after unaccent); the weighted document of every row (A name or
//     title, B summary, C description) is stored in search_documents, kept
//     in step by triggers and indexed by one GIN index per type.
//   - SQLite: one external-content FTS5 table per type (porter stemming,
//     unicode61 without diacritics) kept in step by triggers.
//
// Names and titles rank above summaries, above the rest: see statement.
//
// Every word must match; the last one also matches as a prefix, so results
// follow the user as they type. A page costs one statement per searched type
// (hits with their scores and the type's total up to MaxTotal), then one per
// type to load the nodes (plus one per edge nested under them).
package search

import (
	"context"
	"slices"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/area"
	"github.com/essaim/essaim/internal/catalog"
	places "github.com/essaim/essaim/internal/territory"
)

// Type is a searchable type.
type Type string

const (
	Initiative Type = "INITIATIVE"
	Actor      Type = "ACTOR"
	Theme      Type = "THEME"
	Territory  Type = "TERRITORY"
)

// MaxOffset is the deepest position a page may start from: each page reads
// every hit before it, and nobody reads ten thousand results.
const MaxOffset = 10000

// MaxTotal is where counting stops: a search with more results reports
// MaxTotal, read "at least MaxTotal". Counting every match of a word found
// in most rows costs as much as the rest of the search.
const MaxTotal = MaxOffset

// Types are the searchable types, in the order that breaks score ties.
var Types = []Type{Initiative, Actor, Theme, Territory}

// order is the rank of t among Types, for ties.
func (t Type) order() int { return slices.Index(Types, t) }

// Filter narrows the results like the list filters do. A filter that cannot
// apply to a type (an area for a theme, a theme for a territory) excludes
// that type from the results.
type Filter struct {
	// Area keeps initiatives and actors with a territory of this area, and
	// territories of this area.
	Area *area.Area
	// Within keeps initiatives and actors with a territory that is this one or
	// lies inside it (as withinTerritory does), and those territories.
	Within *int
	// Theme keeps initiatives and actors with this theme or a sub-theme, and
	// this theme and its sub-themes.
	Theme *int
}

// Request is one page of a search.
type Request struct {
	Query  string
	Types  []Type // empty: every type
	Filter Filter
	First  int
	// Offset is the number of hits before the page (0 for the first page).
	Offset int
}

// Hit is one result.
type Hit struct {
	Type  Type
	ID    int
	Score float64
	// Rank is the 1-based position of the hit among all results.
	Rank int
}

// Page is a page of hits.
type Page struct {
	Hits []Hit
	// Total is the number of results, up to MaxTotal.
	Total   int
	HasNext bool
}

// Search runs one page of a search.
func Search(ctx context.Context, client *ent.Client, dialectName string, req Request) (*Page, error) {
	words, err := check(ctx, client, req)
	if err != nil {
		return nil, err
	}
	types := req.Types
	if len(types) == 0 {
		types = Types
	}
	limit := req.Offset + req.First + 1
	var all []Hit
	total := 0
	for _, s := range subjects {
		if !slices.Contains(types, s.typ) {
			continue
		}
		pred, ok := s.filter(req.Filter)
		if !ok {
			continue
		}
		hits, n, err := run(ctx, client, dialectName, s, words, pred, limit)
		if err != nil {
			return nil, err
		}
		all = append(all, hits...)
		total += n
	}
	slices.SortStableFunc(all, compareHits)
	total = min(total, MaxTotal)
	page := &Page{Total: total, HasNext: req.Offset+req.First < min(total, MaxOffset)}
	if req.Offset < len(all) {
		page.Hits = all[req.Offset:min(len(all), req.Offset+req.First, MaxOffset)] // results end at MaxOffset
	}
	for i := range page.Hits {
		page.Hits[i].Rank = req.Offset + i + 1
	}
	return page, nil
}

// compareHits orders by score, best first, then by type and id so that
// pages are stable.
func compareHits(a, b Hit) int {
	switch {
	case a.Score > b.Score:
		return -1
	case a.Score < b.Score:
		return 1
	}
	if a.Type != b.Type {
		return a.Type.order() - b.Type.order()
	}
	return a.ID - b.ID
}

// check validates req and returns the words of its query.
func check(ctx context.Context, client *ent.Client, req Request) ([]string, error) {
	words, err := Words(req.Query)
	if err != nil {
		return nil, err
	}
	if req.First < 0 || req.Offset < 0 {
		return nil, apierr.BadInput("first", "first and the cursor position must not be negative")
	}
	if req.Offset > MaxOffset {
		return nil, apierr.BadInput("after", "after: search results end at %d: narrow the search", MaxOffset)
	}
	return words, checkFilter(ctx, client, req.Filter)
}

func checkFilter(ctx context.Context, client *ent.Client, f Filter) error {
	if f.Within != nil {
		if err := places.Exists(ctx, client, "withinTerritory", *f.Within); err != nil {
			return err
		}
	}
	if f.Theme != nil {
		return catalog.ThemeExists(ctx, client, "theme", *f.Theme)
	}
	return nil
}
