package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/server"
)

// TestTrustedDocumentsServe builds a manifest with the command, serves with
// -trusted-documents and checks that only its documents run, then /metrics.
func TestTrustedDocumentsServe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	doc := "query Count { themes(first: 1) { totalCount } }\n"
	if err := os.WriteFile(filepath.Join(dir, "count.graphql"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(dir, "trusted.json")
	if err := run(context.Background(), []string{"trusted-documents", "build", "-o", manifest, dir}, nil); err != nil {
		t.Fatalf("trusted-documents build: %v", err)
	}
	s := startServe(t, filepath.Join(t.TempDir(), "essaim.db"), "-demo=false", "-trusted-documents", manifest)
	post := func(body map[string]any) (string, string) {
		b, _ := json.Marshal(body)
		resp, err := httpClient.Post(s.base+"/graphql", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return string(out), resp.Header.Get("X-Request-Id")
	}
	byHash := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": server.DocumentHash(doc)}}}
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"listed, by hash", byHash, `"totalCount":0`},
		{"listed, full text", map[string]any{"query": doc}, `"totalCount":0`},
		{"not listed", map[string]any{"query": "{ themes(first: 2) { totalCount } }"}, `"PERSISTED_QUERY_NOT_ALLOWED"`},
	} {
		got, id := post(tc.body)
		if !strings.Contains(got, tc.want) || id == "" {
			t.Errorf("%s: %s (request id %q), want %s", tc.name, got, id, tc.want)
		}
	}
	code, _, metrics := s.get(t, "/metrics")
	if code != http.StatusOK || !strings.Contains(metrics, `essaim_graphql_requests_total{operation="Count",outcome="ok",type="query"} 2`) {
		t.Errorf("/metrics %d:\n%.2000s", code, metrics)
	}
	s.stop(t)
}

func TestTrustedDocumentsBuildErrors(t *testing.T) {
	t.Parallel()
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "broken.graphql"), []byte("query {"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"trusted-documents"},
		{"trusted-documents", "build"},
		{"trusted-documents", "build", t.TempDir()}, // no .graphql file
		{"trusted-documents", "build", bad},
	} {
		if err := run(context.Background(), args, nil); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
	if err := run(context.Background(), []string{"serve", "-trusted-documents", filepath.Join(bad, "missing.json")}, nil); err == nil {
		t.Error("serve with a missing manifest succeeded")
	}
}
