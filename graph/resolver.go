package graph

import (
	"cmp"
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/network"
	"github.com/essaim/essaim/internal/stats"
)

// Resolver is the one place where the GraphQL layer gets its dependencies.
type Resolver struct {
	Client  *ent.Client
	Dialect string
	// MaxNodes bounds nodes(ids:) and ID lists.
	MaxNodes int
	// Network caches the actor network for the link queries.
	Network *network.Cache
	// Stats are the settings of initiativeStats and actorStats (bucket cap).
	Stats stats.Options
	// PageSize and MaxPageSize are the server's page sizes (-page-size,
	// -max-page-size), for the lists that are not ent connections (links,
	// partners, coverage gaps); 0: 20 and 100.
	PageSize, MaxPageSize int

	answers answerBuffers
}

// first reads the first argument of a list that is not an ent connection:
// def when absent (at most the largest page size), else between 0 and the
// largest page size.
func (r *Resolver) first(first *int, def int) (int, error) {
	most := cmp.Or(r.MaxPageSize, 100)
	return inRange("first", first, min(def, most), 0, most)
}

// pageSize is the server's page size, the default of such lists.
func (r *Resolver) pageSize() int { return cmp.Or(r.PageSize, 20) }

// NewSchema builds the executable schema over r.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: r})
}

// db returns the request's transactional client when there is one (every
// mutation runs in one, opened by entgql.Transactioner), else the root client.
func (r *Resolver) db(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.Client
}
