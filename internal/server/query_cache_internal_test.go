package server

import (
	"context"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestParsedCacheKeepsSmallDocuments: the parsed-document cache is keyed by
// the document's text: a valid 64 KiB document (a long string argument is
// one token) must not stay in memory, 1,000 of them being 64 MB.
func TestParsedCacheKeepsSmallDocuments(t *testing.T) {
	ctx := context.Background()
	c := pagingCache{Cache: lru.New[*ast.QueryDocument](10), paging: Paging{Default: 20, Max: 100}}
	for _, tc := range []struct {
		key  string
		kept bool
	}{
		{"{ __typename }", true},
		{`{ search(query: "` + strings.Repeat("x", 20<<10) + `") { totalCount } }`, false},
	} {
		c.Add(ctx, tc.key, &ast.QueryDocument{})
		if _, ok := c.Get(ctx, tc.key); ok != tc.kept {
			t.Errorf("document of %d bytes: kept %v, want %v", len(tc.key), ok, tc.kept)
		}
	}
}
