package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

// tcpProxy stands between the server and PostgreSQL, so a test can cut the
// database away (every connection closed, new ones refused) and bring it
// back without touching the real server, which other tests share.
type tcpProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]struct{}
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	t.Cleanup(func() {
		_ = ln.Close()
		p.setCut(true)
	})
	go p.serve()
	return p
}

func (p *tcpProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.relay(c)
	}
}

func (p *tcpProxy) relay(client net.Conn) {
	p.mu.Lock()
	cut := p.cut
	p.mu.Unlock()
	if cut {
		_ = client.Close() // refused: the database is "down"
		return
	}
	upstream, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	if !p.track(client, upstream) {
		return
	}
	go func() { _, _ = io.Copy(upstream, client); _ = upstream.Close() }()
	_, _ = io.Copy(client, upstream)
	_ = client.Close()
}

// track records both ends, unless the proxy was cut meanwhile.
func (p *tcpProxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		for _, c := range conns {
			_ = c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

// setCut cuts (closing every connection) or restores the database.
func (p *tcpProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			_ = c.Close()
		}
		clear(p.conns)
	}
}

// proxiedPostgres is a migrated store on a new database reached through a
// tcpProxy.
func proxiedPostgres(t *testing.T) (*store.Store, *tcpProxy) {
	t.Helper()
	ctx := context.Background()
	db, dsn := dbtest.PostgresDB(t, "essaim_test")
	_ = db.Close()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	st, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatalf("open store through the proxy: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st, proxy
}

// TestDatabaseLost checks that requests fail cleanly while the database is
// unreachable, /readyz says so, and requests succeed again once it is back,
// with the same handler and store (no restart).
func TestDatabaseLost(t *testing.T) {
	t.Parallel()
	st, proxy := proxiedPostgres(t)
	h := hHandler(t, st, nil)
	mutation := func(slug string) hRequest {
		return hPost(`mutation { createTheme(input: {slug: "` + slug + `", label: "x"}) { id } }`)
	}
	ready := func() int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code
	}

	hStillServes(t, h)
	rec, body := mutation("before").send(t, h)
	hCheck(t, rec, body, 200, hJSON, "")
	if code := ready(); code != http.StatusOK {
		t.Fatalf("/readyz %d before the cut", code)
	}

	proxy.setCut(true)
	for _, tc := range []struct {
		name string
		req  hRequest
	}{
		{"query", hPost(hQuery)},
		{"query again", hPost(`query Named { initiatives(first: 5) { totalCount edges { node { title } } } }`)},
		{"mutation", mutation("during")},
	} {
		t.Run("down: "+tc.name, func(t *testing.T) {
			start := time.Now()
			rec, body := tc.req.send(t, h)
			hCheck(t, rec, body, 200, hJSON, "UNAVAILABLE")
			for _, leak := range []string{"pq:", "dial", "EOF", "127.0.0.1", "connection", "transaction"} {
				if strings.Contains(rec.Body.String(), leak) {
					t.Errorf("response leaks %q: %s", leak, rec.Body.String())
				}
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("a request with the database down took %v", took)
			}
		})
	}
	if code := ready(); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz %d while the database is down, want 503", code)
	}

	proxy.setCut(false)
	// Connections broken by the cut are dropped by database/sql as they
	// fail; allow a few requests for that, then demand success.
	deadline := time.Now().Add(10 * time.Second)
	for attempt := 1; ; attempt++ {
		rec, body := hPost(hQuery).send(t, h)
		if len(body.Errors) == 0 && rec.Code == 200 {
			t.Logf("back after %d attempts", attempt)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing after the database is back: %s", rec.Body.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	hStillServes(t, h)
	rec, body = mutation("after").send(t, h)
	hCheck(t, rec, body, 200, hJSON, "")
	if code := ready(); code != http.StatusOK {
		t.Errorf("/readyz %d after the database is back", code)
	}
	if n := hThemeCount(t, st); n != 2 {
		t.Errorf("%d themes, want 2 (before and after; none while down)", n)
	}
}
