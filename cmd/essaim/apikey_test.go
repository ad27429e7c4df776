package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

// TestAPIKeyCommands: create prints a working token once, list shows keys
// without secrets, audit shows the key's mutations, revoke refuses the token.
func TestAPIKeyCommands(t *testing.T) {
	t.Parallel()
	for _, s := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "essaim.db") }},
		{"postgres", func(t *testing.T) string {
			db, dsn, drop, err := dbtest.CreatePostgresDB(context.Background(), dbtest.PostgresURL(), "essaim_cmd")
			if err != nil {
				if dbtest.PostgresRequired() {
					t.Fatalf("PostgreSQL is required (ESSAIM_REQUIRE_POSTGRES=1) but unusable: %v", err)
				}
				t.Skipf("PostgreSQL unavailable, skipping: %v", err)
			}
			_ = db.Close()
			t.Cleanup(drop)
			return dsn
		}},
	} {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := s.dsn(t)
			cli := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := apikey(ctx, append(args[:1:1], append([]string{"-db", dsn}, args[1:]...)...), &out)
				return out.String(), err
			}
			out, err := cli("create", "-name", "mobile app", "-role", "editor")
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			m := regexp.MustCompile(`created key ([0-9a-f]{12}) \(mobile app, EDITOR\)[\s\S]*\n(essaim_[0-9a-f]{12}_[A-Za-z0-9_-]{43})\n$`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("create output: %q", out)
			}
			keyID, token := m[1], m[2]
			if _, err := cli("create", "-name", "x", "-role", "OWNER"); err == nil {
				t.Error("create with an unknown role succeeded")
			}
			if _, err := cli("create", "-role", "READER"); err == nil {
				t.Error("create without a name succeeded")
			}

			st, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			h := server.Handler(server.DefaultConfig(), st, slog.New(slog.NewTextHandler(io.Discard, nil)))
			post := func(q string) int {
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":`+q+`}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), `"errors"`) {
					t.Errorf("response: %s", rec.Body.String())
				}
				return rec.Code
			}
			if code := post(`"mutation Cli { createTheme(input: {slug: \"cli\", label: \"CLI\"}) { id } }"`); code != http.StatusOK {
				t.Fatalf("mutation with the new key: %d", code)
			}

			out, err = cli("list")
			if err != nil || !regexp.MustCompile(keyID+`\s+EDITOR\s+mobile app\s+\S+Z\s+\S+Z\s+-\n`).MatchString(out) || strings.Contains(out, token[20:]) {
				t.Errorf("list: %v\n%s", err, out)
			}
			out, err = cli("audit", "-key", keyID)
			if err != nil || !strings.Contains(out, keyID) || !strings.Contains(out, "Cli") || !strings.Contains(out, "createTheme") {
				t.Errorf("audit: %v\n%s", err, out)
			}

			if _, err := cli("revoke", keyID); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			if _, err := cli("revoke", "000000000000"); err == nil {
				t.Error("revoking an unknown key succeeded")
			}
			if out, _ := cli("list"); !regexp.MustCompile(keyID + `\s+EDITOR\s+mobile app\s+\S+Z\s+\S+Z\s+\S+Z\n`).MatchString(out) {
				t.Errorf("list after revoke:\n%s", out)
			}
			if code := post(`"{ themes(first: 1) { totalCount } }"`); code != http.StatusUnauthorized {
				t.Errorf("revoked key: status %d, want 401", code)
			}
		})
	}
}

// TestServeFlagsAccess: anonymous reads on by default, off by flag or
// environment; rate limit settings from both.
func TestServeFlagsAccess(t *testing.T) {
	parse := func(t *testing.T, args ...string) server.Config {
		t.Helper()
		var c config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		serveFlags(fs, &c)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return c.server
	}
	d := server.DefaultConfig()
	if c := parse(t); c.Access != d.Access || c.Access.AnonymousRole != auth.Reader || c.RateLimit.PerMinute != d.RateLimit.PerMinute || c.RateLimit.TrustForwardedFor {
		t.Errorf("defaults: %+v %+v", c.Access, c.RateLimit)
	}
	if c := parse(t, "-anonymous-read=false", "-rate-limit", "0", "-trust-forwarded-for"); c.Access.AnonymousRole != "" || c.RateLimit.PerMinute != 0 || !c.RateLimit.TrustForwardedFor {
		t.Errorf("flags: %+v %+v", c.Access, c.RateLimit)
	}
	t.Setenv("ESSAIM_ANONYMOUS_READ", "false")
	t.Setenv("ESSAIM_RATE_LIMIT", "500")
	if c := parse(t); c.Access.AnonymousRole != "" || c.RateLimit.PerMinute != 500 {
		t.Errorf("environment: %+v %+v", c.Access, c.RateLimit)
	}
	if c := parse(t, "-anonymous-read=true"); c.Access.AnonymousRole != auth.Reader {
		t.Errorf("flag over environment: %+v", c.Access)
	}
}
