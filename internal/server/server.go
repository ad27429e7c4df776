// Package server serves Essaim over HTTP: the GraphQL endpoint, the GraphiQL
// page, health checks, with production timeouts and graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/essaim/essaim/graph"
	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dashboard"
	"github.com/essaim/essaim/internal/graphiql"
	"github.com/essaim/essaim/internal/network"
	"github.com/essaim/essaim/internal/respcache"
	"github.com/essaim/essaim/internal/stats"
	"github.com/essaim/essaim/internal/store"
)

// Config holds the HTTP server settings.
type Config struct {
	Addr         string
	MaxBodyBytes int64
	Paging       Paging
	MaxNodes     int
	// MaxStatsBuckets caps the buckets of one initiativeStats/actorStats
	// call; more is refused with BAD_USER_INPUT (0: stats.DefaultMaxBuckets).
	MaxStatsBuckets int
	// StatsCacheSize is how many distinct stats queries keep their result
	// until the next write (graph version); 0 turns the cache off.
	StatsCacheSize int
	// NetworkMaxStaleness lets actor-network reads use the previous
	// snapshot while it is rebuilt, if it was known current at most this
	// long ago; requests with Cache-Control: no-cache (or max-age=0) always
	// get a current one. 0: every read waits for the rebuild.
	NetworkMaxStaleness time.Duration
	Limits              Limits
	// RequestTimeout bounds each GraphQL request, database work included
	// (0: no bound).
	RequestTimeout time.Duration
	Introspection  bool
	// FieldSuggestions lets validation errors suggest names ("Did you
	// mean …?"); turn it off in production along with Introspection.
	FieldSuggestions bool
	// CORSOrigins are the origins allowed to call /graphql from a browser
	// ("*" for any); none: no CORS headers.
	CORSOrigins     []string
	ShutdownTimeout time.Duration
	// Metrics are served on /metrics; nil: Handler makes them.
	Metrics *Metrics
	// TrustedDocuments, when set, are the only documents that run (see
	// trustedOnly); automatic persisted queries are then off.
	TrustedDocuments *TrustedDocuments
	// MaxUploadBytes bounds a multipart request (file import); 0 refuses uploads.
	MaxUploadBytes int64
	// Access says who may call the API (API keys, anonymous reads).
	Access Access
	// RateLimit bounds the cost each key or client IP spends per minute.
	RateLimit RateLimit
	// ResponseCacheBytes bounds the answers to READER queries kept until the
	// next write (see cachedAnswers); 0 turns the cache off.
	ResponseCacheBytes int
	// OperationSlots is how many operations execute at once, the others
	// waiting their turn (see operationSlots); 0: no bound.
	OperationSlots int
	// HeavyOperationSlots is how many heavy operations (estimated cost of
	// 1000 or more) execute at once, within the operation slots (see
	// heavySlots); 0: no bound of their own.
	HeavyOperationSlots int
}

// DefaultConfig is what `essaim serve` uses unless told otherwise.
func DefaultConfig() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		MaxBodyBytes:    1 << 20,
		Paging:          Paging{Default: 20, Max: 100},
		MaxNodes:        100,
		MaxStatsBuckets: stats.DefaultMaxBuckets,
		StatsCacheSize:  256,
		// Dashboards' answers are 10-200 KB: a few hundred of them.
		ResponseCacheBytes: 16 << 20,
		// See README, "Links between actors": twice a rebuild of the
		// reference network on a saturated server.
		NetworkMaxStaleness: 10 * time.Second,
		Limits:              DefaultLimits(),
		RequestTimeout:      10 * time.Second,
		Introspection:       true,
		FieldSuggestions:    true,
		ShutdownTimeout:     15 * time.Second,
		MaxUploadBytes:      10 << 20,
		Access:              Access{AnonymousRole: auth.Reader},
		RateLimit:           DefaultRateLimit(),
		OperationSlots:      DefaultOperationSlots(),
		HeavyOperationSlots: DefaultHeavyOperationSlots(),
	}
}

// GraphQL builds the GraphQL handler over the store: protocol (see
// httpTransport), access control, limits, rate limit, audit, CORS and the
// request timeout. Handler shares its rate limiter with /export; a GraphQL
// handler built alone has its own.
func GraphQL(cfg Config, st *store.Store, log *slog.Logger) http.Handler {
	return graphQL(cfg, st, log, newRateLimiter(cfg))
}

// newRateLimiter is the limiter of cfg, nil when rate limiting is off.
func newRateLimiter(cfg Config) *limiter {
	if cfg.RateLimit.PerMinute <= 0 {
		return nil
	}
	return newLimiter(cfg.RateLimit, cfg.Metrics)
}

func graphQL(cfg Config, st *store.Store, log *slog.Logger, lim *limiter) http.Handler {
	log = withRequestIDs(log)
	schema := graph.NewSchema(&graph.Resolver{
		Client: st.Client, Dialect: st.Dialect, MaxNodes: cfg.MaxNodes,
		PageSize: cfg.Paging.Default, MaxPageSize: cfg.Paging.Max,
		Network: network.NewCache(st.Client, network.WithMaxStaleness(cfg.NetworkMaxStaleness), network.WithLogger(log)),
		Stats:   statsOptions(cfg),
	})
	srv := handler.New(schema)
	cfg.Paging.Schema = schema.Schema()
	srv.AddTransport(httpTransport{maxBodyBytes: cfg.MaxBodyBytes, maxUploadBytes: cfg.MaxUploadBytes})
	srv.SetDisableSuggestion(!cfg.FieldSuggestions)
	srv.SetQueryCache(pagingCache{Cache: lru.New[*ast.QueryDocument](1000), paging: cfg.Paging})
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(operationRecorder{}) // first: it sees refused requests too
	if !cfg.Introspection {
		srv.Use(noIntrospection{})
	}
	if cfg.TrustedDocuments != nil {
		srv.Use(trustedOnly{cfg.TrustedDocuments})
		cfg.Metrics.allowOperations(cfg.TrustedDocuments.operationNames())
	} else {
		srv.Use(persistedQueries{extension.AutomaticPersistedQuery{Cache: smallQueries{lru.New[string](1000)}}})
	}
	srv.Use(documentLimits{cfg.Limits}) // after APQ, which fills in the query
	srv.Use(pagingExtension{cfg.Paging})
	srv.Use(operationLimits{Limits: cfg.Limits, paging: cfg.Paging, statsBuckets: stats.Options{MaxBuckets: cfg.MaxStatsBuckets}.BucketCap()}) // after paging checks page sizes
	srv.Use(filterLimits{maxList: cfg.MaxNodes, maxDepth: cfg.Limits.MaxFilterDepth})
	srv.Use(accessControl{})
	if lim != nil {
		srv.Use(rateLimiter{}) // after operationLimits, which computes the cost
	}
	if answers := respcache.New(cfg.ResponseCacheBytes); answers != nil {
		srv.AroundOperations(cachedAnswers(answers, st.Client)) // after every check above
		cfg.Metrics.watchResponseCache(answers)
	}
	// Mutations wait for a mutation slot before an operation slot, so that
	// mutations queued behind one another never hold the slots reads need.
	srv.AroundOperations(mutationSlots(mutationConcurrency(st.MaxConns())))
	if heavy := newHeavySlots(cfg.HeavyOperationSlots, cfg.OperationSlots); heavy != nil {
		srv.AroundOperations(heavy.around) // before the operation slots: heavy ones queue apart
		cfg.Metrics.watchHeavySlots(heavy)
	}
	if slots := newOperationSlots(cfg.OperationSlots); slots != nil {
		srv.AroundOperations(slots.around) // after the response cache: its answers wait for nothing
		cfg.Metrics.watchOperationSlots(slots)
	}
	// Registered before the Transactioner so it sees its errors too.
	srv.Use(codedResponses{log: log})
	srv.Use(entgql.Transactioner{TxOpener: st.Client})
	srv.AroundFields(auditMutations)
	cfg.Metrics.watchCountCache(st.Counts)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		ctx = graph.WithRequestMemo(ctx)
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Query {
			ctx = store.WithVersionMemo(ctx) // its counts, statistics and network reads share one version read
		}
		return next(ctx)
	})
	srv.SetErrorPresenter(presenter(log, cfg.FieldSuggestions))
	srv.SetRecoverFunc(recoverer(log))
	var h http.Handler = srv
	if lim != nil {
		h = rateLimited(lim, h)
	}
	h = authenticate(cfg.Access, st.Client, log, h)
	return observe(log, cfg.Metrics, cors(cfg.CORSOrigins, withTimeout(cfg.RequestTimeout, noCache(h))))
}

// withTimeout gives each request a deadline, which reaches the database
// through the context: statements still running are cancelled, and the
// client gets TIMEOUT errors.
func withTimeout(d time.Duration, h http.Handler) http.Handler {
	if d <= 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Handler routes every endpoint of the server.
func Handler(cfg Config, st *store.Store, log *slog.Logger) http.Handler {
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", cfg.Metrics.Handler())
	lim := newRateLimiter(cfg) // one budget per identity, queries and exports together
	mux.Handle("/graphql", graphQL(cfg, st, log, lim))
	mux.Handle("GET /{$}", graphiql.Handler("Essaim GraphQL", "/graphql", "/graphiql/"))
	mux.Handle("GET /graphiql/", graphiql.Assets("/graphiql/"))
	mux.Handle("GET /dashboard/", dashboard.Handler("/dashboard/", "/graphql")) // /dashboard redirects here
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", readyz(st))
	// Open data (other maps may fetch it), but under the same keys as the
	// queries: no anonymous export when anonymous reads are off.
	// Any method, so that cors answers the browsers' OPTIONS preflight (a key
	// in Authorization needs one); exportHandler refuses all but GET and HEAD.
	exportLog := withRequestIDs(log)
	var export http.Handler = exportHandler(st, exportLog) // charges chargeExport's cost once the request is checked
	if lim != nil {
		export = rateLimited(lim, export) // the same budget as the identity's GraphQL operations
	}
	mux.Handle("/export", observeExport(exportLog, cors(cfg.CORSOrigins, authenticate(cfg.Access, st.Client, exportLog, export))))
	return mux
}

// readyz answers 200 when the database answers and every migration is applied.
func readyz(st *store.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		pending, err := store.Pending(ctx, st.DB, st.Dialect)
		switch {
		case err != nil:
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		case len(pending) > 0:
			http.Error(w, fmt.Sprintf("%d migrations pending", len(pending)), http.StatusServiceUnavailable)
		default:
			_, _ = w.Write([]byte("ready\n"))
		}
	}
}

// Run serves h on cfg.Addr until ctx is cancelled, then drains in-flight
// requests for up to cfg.ShutdownTimeout. ready, if not nil, receives the
// bound address once the server listens.
func Run(ctx context.Context, cfg Config, h http.Handler, log *slog.Logger, ready func(addr string)) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", "http://"+ln.Addr().String())
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

func statsOptions(cfg Config) stats.Options {
	o := stats.Options{MaxBuckets: cfg.MaxStatsBuckets}
	if cfg.StatsCacheSize > 0 {
		o.Cache = stats.NewCache(cfg.StatsCacheSize)
	}
	return o
}
