package search

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"entgo.io/contrib/entgql"

	"github.com/essaim/essaim/internal/apierr"
)

// A cursor is the API's opaque Cursor (entgql's encoding, which the paging
// checks of the server decode) holding the rank of a hit and a fingerprint
// of the search, so that a cursor of another search or of a list, or a
// forged one, is refused rather than silently paging something else.

// Cursor returns the cursor of the hit at rank for req.
func Cursor(req Request, rank int) entgql.Cursor[int] { return Cursors(req)(rank) }

// Cursors returns the cursor maker of the hits of req: a page's edges share
// one fingerprint, computed once.
func Cursors(req Request) func(rank int) entgql.Cursor[int] {
	fp := fingerprint(req)
	return func(rank int) entgql.Cursor[int] { return entgql.Cursor[int]{ID: rank, Value: fp} }
}

// Offset returns the number of hits before the page that follows cursor c.
func Offset(req Request, c *entgql.Cursor[int]) (int, error) {
	if c == nil {
		return 0, nil
	}
	if v, ok := c.Value.(string); !ok || v != fingerprint(req) || c.ID < 1 {
		return 0, apierr.BadInput("after", "after: not a cursor of this search: cursors are the opaque strings returned by this API")
	}
	return c.ID, nil
}

// fingerprint identifies what a search selects, whatever the page.
func fingerprint(req Request) string {
	h := fnv.New64a()
	words, _ := Words(req.Query)
	types := req.Types
	if len(types) == 0 {
		types = Types
	}
	types = slices.Sorted(slices.Values(types)) // a sorted copy: Types orders ties
	types = slices.Compact(types)
	f := req.Filter
	fmt.Fprintf(h, "%s|%v|%s|%s|%s", strings.Join(words, " "), types, ptr(f.Area), ptr(f.Within), ptr(f.Theme))
	return fmt.Sprintf("search:%x", h.Sum64())
}

func ptr[T any](p *T) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}
