package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/server"
)

// TestServeFlagsLimits checks the protocol and limit settings: defaults,
// environment, and flags over the environment.
func TestServeFlagsLimits(t *testing.T) {
	parse := parseServeFlags
	t.Run("defaults", func(t *testing.T) {
		got, want := parse(t), server.DefaultConfig()
		if got.Limits != want.Limits || got.RequestTimeout != want.RequestTimeout ||
			got.FieldSuggestions != want.FieldSuggestions || len(got.CORSOrigins) != 0 {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	t.Run("environment and flags", func(t *testing.T) {
		t.Setenv("ESSAIM_MAX_COST", "123")
		t.Setenv("ESSAIM_MAX_DEPTH", "4")
		t.Setenv("ESSAIM_REQUEST_TIMEOUT", "3s")
		t.Setenv("ESSAIM_MAX_FILTER_DEPTH", "6")
		t.Setenv("ESSAIM_FIELD_SUGGESTIONS", "false")
		t.Setenv("ESSAIM_CORS_ORIGINS", "https://a.example, https://b.example")
		c := parse(t, "-max-depth", "7", "-max-aliases", "5", "-max-fields", "50", "-max-tokens", "300")
		want := server.Limits{MaxDepth: 7, MaxAliases: 5, MaxFields: 50, MaxTokens: 300, MaxCost: 123, MaxFilterDepth: 6}
		if c.Limits != want || c.RequestTimeout != 3*time.Second || c.FieldSuggestions ||
			!slices.Equal(c.CORSOrigins, []string{"https://a.example", "https://b.example"}) {
			t.Errorf("got %+v", c)
		}
		c = parse(t, "-cors-origins", "*", "-request-timeout", "0", "-field-suggestions")
		if !slices.Equal(c.CORSOrigins, []string{"*"}) || c.RequestTimeout != 0 || !c.FieldSuggestions {
			t.Errorf("got %+v", c)
		}
	})
}

// TestServeFlagsRefuseBadEnvironment: a variable that cannot be parsed stops
// the program instead of silently leaving the default (ESSAIM_ANONYMOUS_READ=off
// must not keep anonymous reads on); a flag on the command line wins.
func TestServeFlagsRefuseBadEnvironment(t *testing.T) {
	cases := []struct {
		name, value string
		args        []string
		wantErr     bool
	}{
		{"ESSAIM_ANONYMOUS_READ", "off", nil, true},
		{"ESSAIM_INTROSPECTION", "no", nil, true},
		{"ESSAIM_MAX_COST", "lots", nil, true},
		{"ESSAIM_REQUEST_TIMEOUT", "10", nil, true},
		{"ESSAIM_RATE_LIMIT", "1e3", nil, true},
		{"ESSAIM_ANONYMOUS_READ", "false", nil, false},
		{"ESSAIM_MAX_COST", "lots", []string{"-max-cost", "5"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			t.Setenv(tc.name, tc.value)
			var c config
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			serveFlags(fs, &c)
			err := parseFlags(fs, tc.args)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tc.name) {
				t.Errorf("error %q does not name %s", err, tc.name)
			}
		})
	}
	t.Run("a valid variable still applies", func(t *testing.T) {
		t.Setenv("ESSAIM_ANONYMOUS_READ", "false")
		var c config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		serveFlags(fs, &c)
		if err := parseFlags(fs, nil); err != nil || c.server.Access.AnonymousRole != "" {
			t.Errorf("err %v, anonymous role %q; want none", err, c.server.Access.AnonymousRole)
		}
	})
}

// TestServeFlagsNetworkStaleness: default, environment, flag over the
// environment, and 0 (strict).
func TestServeFlagsNetworkStaleness(t *testing.T) {
	parse := func(t *testing.T, args ...string) time.Duration {
		return parseServeFlags(t, args...).NetworkMaxStaleness
	}
	if got := parse(t); got != 10*time.Second || got != server.DefaultConfig().NetworkMaxStaleness {
		t.Errorf("default %s, want 10s", got)
	}
	t.Setenv("ESSAIM_NETWORK_MAX_STALENESS", "2s")
	for _, c := range []struct {
		args []string
		want time.Duration
	}{
		{nil, 2 * time.Second},
		{[]string{"-network-max-staleness", "30s"}, 30 * time.Second},
		{[]string{"-network-max-staleness", "0"}, 0},
	} {
		if got := parse(t, c.args...); got != c.want {
			t.Errorf("%v: %s, want %s", c.args, got, c.want)
		}
	}
}

// TestServeRefusesAPoolOfOne: a mutation reading the actor network needs a
// second connection beside its transaction.
func TestServeRefusesAPoolOfOne(t *testing.T) {
	for _, n := range []string{"1", "-1"} {
		err := run(context.Background(), []string{"serve", "-db", filepath.Join(t.TempDir(), "e.db"),
			"-addr", "127.0.0.1:0", "-db-max-conns", n}, nil)
		if err == nil || !strings.Contains(err.Error(), "-db-max-conns") {
			t.Errorf("-db-max-conns %s: err = %v, want a refusal naming the flag", n, err)
		}
	}
}

// TestServeFlagsOperationSlots: unset, serve's default (replaced by the
// pool's size when it serves, see TestServeOperationSlotsFollowThePool); the
// environment over the default, the flag over both, each marking the slots
// as set; a negative bound is refused.
func TestServeFlagsOperationSlots(t *testing.T) {
	parse := func(t *testing.T, args ...string) (int, bool) {
		t.Helper()
		c := parseServeConfig(t, args...)
		return c.server.OperationSlots, c.operationSlotsSet
	}
	if got, set := parse(t); got != max(8, 4*runtime.GOMAXPROCS(0)) || set {
		t.Errorf("default: %d (set %v), want %d, not set", got, set, max(8, 4*runtime.GOMAXPROCS(0)))
	}
	if got, set := parse(t, "-operation-slots", "6"); got != 6 || !set {
		t.Errorf("-operation-slots 6: %d (set %v)", got, set)
	}
	t.Setenv("ESSAIM_OPERATION_SLOTS", "3")
	if got, set := parse(t); got != 3 || !set {
		t.Errorf("ESSAIM_OPERATION_SLOTS=3: %d (set %v)", got, set)
	}
	if got, set := parse(t, "-operation-slots", "0"); got != 0 || !set {
		t.Errorf("-operation-slots 0 over the environment: %d (set %v)", got, set)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a server that starts fails the test, not hangs it
	defer cancel()
	err := run(ctx, []string{"serve", "-db", filepath.Join(t.TempDir(), "e.db"),
		"-addr", "127.0.0.1:0", "-operation-slots", "-1"}, nil)
	if err == nil || !strings.Contains(err.Error(), "-operation-slots") {
		t.Errorf("-operation-slots -1: err = %v, want a refusal naming the flag", err)
	}
}

// TestServeFlagsHeavyOperationSlots: two per CPU by default; the environment
// over the default, the flag over both; a negative bound is refused.
func TestServeFlagsHeavyOperationSlots(t *testing.T) {
	heavy := func(t *testing.T, args ...string) int {
		t.Helper()
		return parseServeConfig(t, args...).server.HeavyOperationSlots
	}
	for _, tc := range []struct {
		name string
		env  string
		args []string
		want int
	}{
		{"default", "", nil, 2 * runtime.GOMAXPROCS(0)},
		{"flag", "", []string{"-heavy-operation-slots", "3"}, 3},
		{"environment", "5", nil, 5},
		{"flag over environment", "5", []string{"-heavy-operation-slots", "0"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("ESSAIM_HEAVY_OPERATION_SLOTS", tc.env)
			}
			if got := heavy(t, tc.args...); got != tc.want {
				t.Errorf("heavy operation slots %d, want %d", got, tc.want)
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := run(ctx, []string{"serve", "-db", filepath.Join(t.TempDir(), "e.db"),
		"-addr", "127.0.0.1:0", "-heavy-operation-slots", "-1"}, nil)
	if err == nil || !strings.Contains(err.Error(), "-heavy-operation-slots") {
		t.Errorf("-heavy-operation-slots -1: err = %v, want a refusal naming the flag", err)
	}
}

// TestServeOperationSlotsFollowThePool: unless -operation-slots is given,
// a served instance has as many operation slots as its pool connections,
// whatever -db-max-conns made the pool (read on /metrics).
func TestServeOperationSlotsFollowThePool(t *testing.T) {
	t.Parallel()
	// The heavy operations' own bound shows only when it is tighter than the
	// operation slots'.
	heavyGauge := func(slots int) string {
		if n := 2 * runtime.GOMAXPROCS(0); slots == 0 || n < slots {
			return fmt.Sprintf("essaim_heavy_operation_slots %d", n)
		}
		return ""
	}
	for _, tc := range []struct {
		name      string
		args      []string
		want      string // the gauge's line, or "" for none
		wantHeavy string
	}{
		{"SQLite's pool", nil, "essaim_operation_slots 4", heavyGauge(4)},
		{"a larger pool", []string{"-db-max-conns", "12"}, "essaim_operation_slots 12", heavyGauge(12)},
		{"slots given", []string{"-db-max-conns", "12", "-operation-slots", "5"}, "essaim_operation_slots 5", heavyGauge(5)},
		{"no bound", []string{"-operation-slots", "0"}, "", heavyGauge(0)},
		{"heavy slots given", []string{"-db-max-conns", "12", "-heavy-operation-slots", "3"}, "essaim_operation_slots 12", "essaim_heavy_operation_slots 3"},
		{"heavy slots as many", []string{"-operation-slots", "3", "-heavy-operation-slots", "3"}, "essaim_operation_slots 3", ""},
		{"heavy slots off", []string{"-db-max-conns", "12", "-heavy-operation-slots", "0"}, "essaim_operation_slots 12", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := startServe(t, filepath.Join(t.TempDir(), "essaim.db"), append([]string{"-demo=false"}, tc.args...)...)
			code, _, metrics := s.get(t, "/metrics")
			if code != http.StatusOK {
				t.Fatalf("/metrics: %d", code)
			}
			line, heavy := "", ""
			for l := range strings.SplitSeq(metrics, "\n") {
				switch {
				case strings.HasPrefix(l, "essaim_operation_slots "):
					line = l
				case strings.HasPrefix(l, "essaim_heavy_operation_slots "):
					heavy = l
				}
			}
			if line != tc.want {
				t.Errorf("operation slots gauge %q, want %q", line, tc.want)
			}
			if heavy != tc.wantHeavy {
				t.Errorf("heavy operation slots gauge %q, want %q", heavy, tc.wantHeavy)
			}
			s.stop(t)
		})
	}
}

// parseServeFlags parses serve's flags (and the environment) as the
// program does, and returns the server's configuration.
func parseServeFlags(t *testing.T, args ...string) server.Config {
	t.Helper()
	return parseServeConfig(t, args...).server
}

// parseServeConfig parses serve's flags (and the environment) as the
// program does.
func parseServeConfig(t *testing.T, args ...string) config {
	t.Helper()
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	serveFlags(fs, &c)
	if err := parseFlags(fs, args); err != nil {
		t.Fatal(err)
	}
	return c
}
