// Package gqltest sends GraphQL requests through the real HTTP handler, for
// tests of the API as clients see it.
package gqltest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

// Client posts to the /graphql endpoint of an in-process server.
type Client struct {
	Handler http.Handler
	Store   *store.Store
	// Key, when set, is sent as Authorization: Bearer Key.
	Key string
	// Header is added to every request.
	Header http.Header
}

// Config is the default configuration, except that anonymous clients are
// EDITORs and nothing is rate limited: tests of what queries and mutations
// do need no key. Access control and rate limits have their own tests
// (internal/server/access_test.go), on the default configuration.
func Config() server.Config {
	cfg := server.DefaultConfig()
	cfg.Access.AnonymousRole = auth.Editor
	cfg.RateLimit.PerMinute = 0
	return cfg
}

// New builds the production handler over st with the test Config.
func New(st *store.Store) *Client { return NewWith(st, Config()) }

// NewWith builds the production handler over st with cfg.
func NewWith(st *store.Store, cfg server.Config) *Client {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &Client{Handler: server.Handler(cfg, st, log), Store: st}
}

// Error is one GraphQL error of a response.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code returns extensions.code.
func (e Error) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// Response is a decoded GraphQL response.
type Response struct {
	Status     int
	Data       json.RawMessage `json:"data"`
	Errors     []Error         `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
}

// Post sends a query with variables and decodes the response.
func (c *Client) Post(t testing.TB, query string, vars map[string]any) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatalf("encode request: %v", err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.Key != "" {
		req.Header.Set("Authorization", "Bearer "+c.Key)
	}
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	c.Handler.ServeHTTP(rec, req)
	var resp Response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode response %q: %v", rec.Body.String(), err)
	}
	resp.Status = rec.Code
	return resp
}

// MustData sends a query that must succeed and decodes its data into out.
func (c *Client) MustData(t testing.TB, query string, vars map[string]any, out any) {
	t.Helper()
	resp := c.Post(t, query, vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("query failed: %+v\nquery: %s", resp.Errors, query)
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		t.Fatalf("decode data %s: %v", resp.Data, err)
	}
}

// MustFail sends a query that must fail with code, and returns its errors.
func (c *Client) MustFail(t testing.TB, query string, vars map[string]any, code string) []Error {
	t.Helper()
	resp := c.Post(t, query, vars)
	if len(resp.Errors) == 0 {
		t.Fatalf("query succeeded, want error %s: data %s\nquery: %s", code, resp.Data, query)
	}
	for _, e := range resp.Errors {
		if e.Code() != code {
			t.Fatalf("error %q has code %q, want %q", e.Message, e.Code(), code)
		}
	}
	return resp.Errors
}
