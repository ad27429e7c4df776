package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

// config is everything the commands read from flags and the environment;
// main builds it once and passes it down.
type config struct {
	database string // postgres:// URL or SQLite file path
	maxConns int    // database connection pool size, 0: the store's default
	// statementCache is how many statements each PostgreSQL connection keeps
	// prepared, 0: none.
	statementCache int
	// countCache is how many row counts are kept until the next write.
	countCache int
	demo       bool
	logFormat  string
	server     server.Config
	// trustedDocuments is the JSON manifest of the only documents served.
	trustedDocuments string
	// operationSlotsSet tells whether -operation-slots (or its variable)
	// was given; if not, serve gives as many slots as the pool has
	// connections, whatever -db-max-conns made it.
	operationSlotsSet bool
}

// openStore opens and migrates the configured database.
func (c *config) openStore(ctx context.Context) (*store.Store, error) {
	if c.statementCache < 0 {
		return nil, fmt.Errorf("-db-statement-cache %d: want 0 (none) or more", c.statementCache)
	}
	if c.countCache < 0 {
		return nil, fmt.Errorf("-count-cache %d: want 0 (none) or more", c.countCache)
	}
	return store.OpenWith(ctx, c.database, store.Options{StatementCache: c.statementCache, CountCache: c.countCache})
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func envBool(name string, def bool) bool {
	if b, err := strconv.ParseBool(os.Getenv(name)); err == nil {
		return b
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(v string) []string {
	var out []string
	for s := range strings.SplitSeq(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// databaseDefault prefers DATABASE_URL (PostgreSQL), then ESSAIM_DB (SQLite file).
func databaseDefault() string {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u
	}
	return env("ESSAIM_DB", "essaim.db")
}

func storeFlags(fs *flag.FlagSet, c *config) {
	fs.StringVar(&c.database, "db", databaseDefault(),
		"database: a postgres:// URL, or the path of the embedded SQLite file (env DATABASE_URL, ESSAIM_DB)")
	fs.IntVar(&c.statementCache, "db-statement-cache", envInt("ESSAIM_DB_STATEMENT_CACHE", store.DefaultStatementCache),
		"statements each PostgreSQL connection keeps prepared; 0: none, for a PgBouncer older than 1.21 in transaction mode (env ESSAIM_DB_STATEMENT_CACHE)")
	fs.IntVar(&c.countCache, "count-cache", envInt("ESSAIM_COUNT_CACHE", store.DefaultCountCache),
		"row counts (totalCount) kept until the next write, one per distinct filter; 0: count every time (env ESSAIM_COUNT_CACHE)")
	fs.StringVar(&c.logFormat, "log-format", env("ESSAIM_LOG_FORMAT", "text"), "log format: text or json (env ESSAIM_LOG_FORMAT)")
}

func serveFlags(fs *flag.FlagSet, c *config) {
	d := server.DefaultConfig()
	storeFlags(fs, c)
	fs.IntVar(&c.maxConns, "db-max-conns", envInt("ESSAIM_DB_MAX_CONNS", 0),
		"database connections kept open (and at most in use); 0: 4 per CPU, at least 8, on PostgreSQL, 4 on SQLite (env ESSAIM_DB_MAX_CONNS)")
	fs.BoolVar(&c.demo, "demo", envBool("ESSAIM_DEMO", true), "load the demo knowledge base into an empty store (env ESSAIM_DEMO)")
	fs.StringVar(&c.server.Addr, "addr", env("ESSAIM_ADDR", d.Addr), "listen address (env ESSAIM_ADDR)")
	fs.Int64Var(&c.server.MaxBodyBytes, "max-body-bytes", int64(envInt("ESSAIM_MAX_BODY_BYTES", int(d.MaxBodyBytes))), "largest request body accepted (env ESSAIM_MAX_BODY_BYTES)")
	fs.Int64Var(&c.server.MaxUploadBytes, "max-upload-bytes", int64(envInt("ESSAIM_MAX_UPLOAD_BYTES", int(d.MaxUploadBytes))), "largest file upload (multipart request) accepted, 0: no uploads (env ESSAIM_MAX_UPLOAD_BYTES)")
	fs.IntVar(&c.server.Paging.Default, "page-size", envInt("ESSAIM_PAGE_SIZE", d.Paging.Default), "page size of connections without first/last (env ESSAIM_PAGE_SIZE)")
	fs.IntVar(&c.server.Paging.Max, "max-page-size", envInt("ESSAIM_MAX_PAGE_SIZE", d.Paging.Max), "largest first/last accepted (env ESSAIM_MAX_PAGE_SIZE)")
	fs.IntVar(&c.server.MaxNodes, "max-nodes", envInt("ESSAIM_MAX_NODES", d.MaxNodes), "largest nodes(ids:) list (env ESSAIM_MAX_NODES)")
	fs.IntVar(&c.server.MaxStatsBuckets, "max-stats-buckets", envInt("ESSAIM_MAX_STATS_BUCKETS", d.MaxStatsBuckets),
		"most buckets one initiativeStats/actorStats call may return; more is refused (env ESSAIM_MAX_STATS_BUCKETS)")
	fs.IntVar(&c.server.StatsCacheSize, "stats-cache", envInt("ESSAIM_STATS_CACHE", d.StatsCacheSize),
		"stats queries whose result is kept until the next write; 0: no cache (env ESSAIM_STATS_CACHE)")
	fs.IntVar(&c.server.ResponseCacheBytes, "response-cache-bytes", envInt("ESSAIM_RESPONSE_CACHE_BYTES", d.ResponseCacheBytes),
		"memory for whole answers to READER queries, kept until the next write; 0: no response cache (env ESSAIM_RESPONSE_CACHE_BYTES)")
	fs.DurationVar(&c.server.NetworkMaxStaleness, "network-max-staleness", envDuration("ESSAIM_NETWORK_MAX_STALENESS", d.NetworkMaxStaleness),
		"how long after it was last known current the actor-network snapshot may still be served while it is rebuilt; 0: reads wait for the rebuild (env ESSAIM_NETWORK_MAX_STALENESS)")
	fs.BoolVar(&c.server.Introspection, "introspection", envBool("ESSAIM_INTROSPECTION", d.Introspection), "allow schema introspection (env ESSAIM_INTROSPECTION)")
	fs.BoolVar(&c.server.FieldSuggestions, "field-suggestions", envBool("ESSAIM_FIELD_SUGGESTIONS", d.FieldSuggestions), `let validation errors suggest names ("Did you mean …?") (env ESSAIM_FIELD_SUGGESTIONS)`)
	fs.IntVar(&c.server.Limits.MaxDepth, "max-depth", envInt("ESSAIM_MAX_DEPTH", d.Limits.MaxDepth), "deepest nesting of fields in an operation, 0: no limit (env ESSAIM_MAX_DEPTH)")
	fs.IntVar(&c.server.Limits.MaxAliases, "max-aliases", envInt("ESSAIM_MAX_ALIASES", d.Limits.MaxAliases), "most aliases in a document, 0: no limit (env ESSAIM_MAX_ALIASES)")
	fs.IntVar(&c.server.Limits.MaxFields, "max-fields", envInt("ESSAIM_MAX_FIELDS", d.Limits.MaxFields), "most field selections in a document, 0: no limit (env ESSAIM_MAX_FIELDS)")
	fs.IntVar(&c.server.Limits.MaxTokens, "max-tokens", envInt("ESSAIM_MAX_TOKENS", d.Limits.MaxTokens), "most lexical tokens in a document, 0: no limit (env ESSAIM_MAX_TOKENS)")
	fs.IntVar(&c.server.Limits.MaxCost, "max-cost", envInt("ESSAIM_MAX_COST", d.Limits.MaxCost), "highest estimated cost of an operation, 0: no limit (env ESSAIM_MAX_COST)")
	fs.IntVar(&c.server.Limits.MaxFilterDepth, "max-filter-depth", envInt("ESSAIM_MAX_FILTER_DEPTH", d.Limits.MaxFilterDepth), "deepest nesting of and/or/not and has…With in a filter, 0: no limit (env ESSAIM_MAX_FILTER_DEPTH)")
	// A Func, so that serve knows whether it was set (from the command line
	// or, through checkEnv, the environment) and -h prints no fixed default.
	c.server.OperationSlots = d.OperationSlots
	fs.Func("operation-slots", "GraphQL operations that execute at once, the others waiting their turn (answers from the response cache wait for none); 0: no bound; default: the database pool's size (-db-max-conns) (env ESSAIM_OPERATION_SLOTS)",
		func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil {
				return err
			}
			c.server.OperationSlots, c.operationSlotsSet = n, true
			return nil
		})
	fs.IntVar(&c.server.HeavyOperationSlots, "heavy-operation-slots", envInt("ESSAIM_HEAVY_OPERATION_SLOTS", d.HeavyOperationSlots),
		"operations of estimated cost 1000 or more (a page of pages) that execute at once, the others waiting their turn before they wait for an operation slot; no effect unless below -operation-slots (or with -operation-slots 0); 0: no bound of their own (env ESSAIM_HEAVY_OPERATION_SLOTS)")
	fs.DurationVar(&c.server.RequestTimeout, "request-timeout", envDuration("ESSAIM_REQUEST_TIMEOUT", d.RequestTimeout), "time allowed to each GraphQL request, database included, 0: no limit (env ESSAIM_REQUEST_TIMEOUT)")
	fs.Func("cors-origins", "comma-separated origins allowed to call /graphql from a browser, * for any; none by default (env ESSAIM_CORS_ORIGINS)", func(v string) error {
		c.server.CORSOrigins = splitList(v)
		return nil
	})
	c.server.CORSOrigins = splitList(os.Getenv("ESSAIM_CORS_ORIGINS"))
	fs.StringVar(&c.trustedDocuments, "trusted-documents", env("ESSAIM_TRUSTED_DOCUMENTS", ""), "JSON manifest (sha256 to document) of the only documents served; none: any document (env ESSAIM_TRUSTED_DOCUMENTS)")
	accessFlags(fs, c, d)
	fs.DurationVar(&c.server.ShutdownTimeout, "shutdown-timeout", d.ShutdownTimeout, "time given to in-flight requests on shutdown")
}

// accessFlags sets access control and rate limits (see README "Access
// control and rate limits").
func accessFlags(fs *flag.FlagSet, c *config, d server.Config) {
	c.server.Access = d.Access
	fs.Func("anonymous-read", "let requests without an API key read (true or false; default true) (env ESSAIM_ANONYMOUS_READ)", func(v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return err
		}
		c.server.Access.AnonymousRole = anonymousRole(b)
		return nil
	})
	c.server.Access.AnonymousRole = anonymousRole(envBool("ESSAIM_ANONYMOUS_READ", d.Access.AnonymousRole != ""))
	fs.IntVar(&c.server.RateLimit.PerMinute, "rate-limit", envInt("ESSAIM_RATE_LIMIT", d.RateLimit.PerMinute), "cost budget per minute of each API key, and of each client IP without a key, 0: no rate limit (env ESSAIM_RATE_LIMIT)")
	fs.IntVar(&c.server.RateLimit.MaxIdentities, "rate-limit-identities", envInt("ESSAIM_RATE_LIMIT_IDENTITIES", d.RateLimit.MaxIdentities), "most rate-limit buckets kept in memory (env ESSAIM_RATE_LIMIT_IDENTITIES)")
	fs.BoolVar(&c.server.RateLimit.TrustForwardedFor, "trust-forwarded-for", envBool("ESSAIM_TRUST_FORWARDED_FOR", false), "take the client IP from X-Forwarded-For (only behind a proxy that sets it) (env ESSAIM_TRUST_FORWARDED_FOR)")
}

func anonymousRole(read bool) auth.Role {
	if read {
		return auth.Reader
	}
	return ""
}
