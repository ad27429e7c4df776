package server

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/respcache"
	"github.com/essaim/essaim/internal/store"
)

// cachedAnswers serves a query sent again by a READER (anonymous dashboards
// and public apps) from the response cache while the graph version is the
// one its answer was computed at. It runs after access control, limits and
// the rate limiter, which a cached answer still goes through. Only complete
// answers are kept: none with errors, and none with extensions besides the
// cost, which is the request's own (answers from the actor-network snapshot
// carry extensions.network and may lag the data within the staleness bound,
// so they are never kept). Editors and admins always get a computed answer.
func cachedAnswers(c *respcache.Cache, client *ent.Client) func(context.Context, graphql.OperationHandler) graphql.ResponseHandler {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		op := graphql.GetOperationContext(ctx)
		role := auth.FromContext(ctx).Role
		if op.Operation == nil || op.Operation.Operation != ast.Query || role != auth.Reader {
			return next(ctx)
		}
		vars, err := json.Marshal(op.Variables) // map keys sorted: one key per set of variables
		if err != nil {
			return next(ctx)
		}
		// Read before computing: an answer is never filed under a version
		// newer than the data it saw.
		vs, err := store.ReadVersions(ctx, client)
		if err != nil {
			return next(ctx) // the operation reports the outage itself
		}
		key := respcache.NewKey(string(role), op.OperationName, op.RawQuery, string(vars))
		v := vs.Graph
		if data, ok := c.Get(v, key); ok {
			return graphql.OneShot(withCost(ctx, &graphql.Response{Data: data}))
		}
		h := next(store.WithRequestVersions(ctx, vs)) // the stats and network caches reuse this read
		return func(ctx context.Context) *graphql.Response {
			resp := h(ctx)
			if keepable(resp) {
				c.Put(v, key, resp.Data)
			}
			return resp
		}
	}
}

func keepable(resp *graphql.Response) bool {
	if resp == nil || len(resp.Errors) > 0 || resp.HasNext != nil || resp.Data == nil {
		return false
	}
	for name := range resp.Extensions {
		if name != costExtension {
			return false
		}
	}
	return true
}

// watchResponseCache exports the cache's hits, misses and size.
func (m *Metrics) watchResponseCache(c *respcache.Cache) {
	if m == nil || c == nil {
		return
	}
	hits := func() float64 { h, _, _ := c.Stats(); return float64(h) }
	misses := func() float64 { _, mi, _ := c.Stats(); return float64(mi) }
	size := func() float64 { _, _, b := c.Stats(); return float64(b) }
	for _, col := range []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "essaim_response_cache_hits_total",
			Help: "READER queries answered from the response cache."}, hits),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "essaim_response_cache_misses_total",
			Help: "READER queries the response cache did not hold (computed, then kept if complete)."}, misses),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "essaim_response_cache_bytes",
			Help: "Bytes of answers held by the response cache."}, size),
	} {
		m.registerHandlerSeries(col)
	}
}

// registerHandlerSeries registers a series of a GraphQL handler's own (its
// caches, its slots): one handler per registry, a second GraphQL handler on
// the same metrics keeps the first one's series.
func (m *Metrics) registerHandlerSeries(col prometheus.Collector) {
	if err := m.registry.Register(col); err != nil && !errors.As(err, &prometheus.AlreadyRegisteredError{}) {
		panic(err)
	}
}

// watchCountCache exports the count cache's hits and misses.
func (m *Metrics) watchCountCache(c *store.CountCache) {
	if m == nil || c == nil {
		return
	}
	hits := func() float64 { h, _ := c.Stats(); return float64(h) }
	misses := func() float64 { _, mi := c.Stats(); return float64(mi) }
	for _, col := range []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "essaim_count_cache_hits_total",
			Help: "Row counts (totalCount) answered from the count cache, or shared with a request counting them."}, hits),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "essaim_count_cache_misses_total",
			Help: "Row counts (totalCount) sent to the database, then kept until the next write."}, misses),
	} {
		m.registerHandlerSeries(col)
	}
}
