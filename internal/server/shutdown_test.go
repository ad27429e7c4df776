package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
)

// TestShutdownDrains starts a GraphQL request that is held in flight, starts
// the shutdown, checks the listener no longer takes connections, then lets
// the request go on: it must complete with its data, and Run return nil.
func TestShutdownDrains(t *testing.T) {
	t.Parallel()
	st := dbtest.SQLite(t)
	cfg := server.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.ShutdownTimeout = 30 * time.Second
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	api := server.Handler(cfg, st, log)
	entered, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("slow") != "" {
			close(entered)
			<-release
		}
		api.ServeHTTP(w, r)
	})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- server.Run(ctx, cfg, h, log, func(a string) { addrc <- a }) }()
	base := "http://" + <-addrc

	type result struct {
		status int
		body   string
		err    error
	}
	resc := make(chan result, 1)
	reqBody := hJSONBody(t, hQuery)
	go func() {
		resp, err := http.Post(base+"/graphql?slow=1", "application/json", strings.NewReader(reqBody))
		if err != nil {
			resc <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		resc <- result{resp.StatusCode, string(b), err}
	}()
	<-entered
	cancel() // SIGTERM

	// The listener closes at once; the request in flight is not cut.
	probe := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	closed := false
	for range 200 {
		if resp, err := probe.Get(base + "/healthz"); err != nil {
			closed = true
			break
		} else {
			_ = resp.Body.Close()
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !closed {
		t.Error("the server still takes new connections after shutdown started")
	}
	select {
	case err := <-done:
		t.Fatalf("Run returned %v with a request in flight", err)
	default:
	}

	close(release)
	res := <-resc
	if res.err != nil || res.status != http.StatusOK {
		t.Fatalf("in-flight request: status %d, err %v", res.status, res.err)
	}
	var body hBody
	if err := json.Unmarshal([]byte(res.body), &body); err != nil || len(body.Errors) > 0 || len(body.Data) == 0 {
		t.Errorf("in-flight request answered %s (%v)", res.body, err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v after draining, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("Run did not return after the last request")
	}
}
