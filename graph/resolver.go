package graph

import (
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
}

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
