package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/store"
)

// Counts of the embedded reference (see internal/territory's import test):
// 1 country, 18 régions, 101 départements, 1255 EPCIs, 34,875 communes.
const wantTerritories = 1 + 18 + 101 + 1255 + 34875

// demoInitiatives is the number of initiatives of internal/demo.
const demoInitiatives = 4

// httpClient bounds every request, so that a hung server fails the test.
var httpClient = &http.Client{Timeout: time.Minute}

// instance is a running `essaim serve`.
type instance struct {
	base    string // http://host:port
	cancel  context.CancelFunc
	done    chan error
	stopped bool
	took    time.Duration // from run to listening
}

// startServe runs `essaim serve -db dsn -addr 127.0.0.1:0 args...` until the
// server listens. The test's cleanup stops it if the test did not.
func startServe(t *testing.T, dsn string, args ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	s := &instance{cancel: cancel, done: make(chan error, 1)}
	argv := append([]string{"serve", "-db", dsn, "-addr", "127.0.0.1:0"}, args...)
	start := time.Now()
	go func() { s.done <- run(ctx, argv, func(addr string) { addrc <- addr }) }()
	t.Cleanup(func() {
		if !s.stopped {
			cancel()
			<-s.done
		}
	})
	select {
	case addr := <-addrc:
		s.took = time.Since(start)
		s.base = "http://" + addr
	case err := <-s.done:
		s.stopped = true
		t.Fatalf("serve returned before listening: %v", err)
	case <-time.After(5 * time.Minute):
		t.Fatal("serve did not listen within 5 minutes")
	}
	return s
}

// stop cancels the context and expects a graceful shutdown: run returns nil.
func (s *instance) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.stopped = true
		if err != nil {
			t.Fatalf("run after cancel = %v, want nil (graceful shutdown)", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not stop within a minute of cancellation")
	}
	// The listener is closed.
	if _, err := httpClient.Get(s.base + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func (s *instance) get(t *testing.T, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := httpClient.Get(s.base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, resp.Header, string(body)
}

// query posts a GraphQL query and decodes data into out, failing on errors.
func (s *instance) query(t *testing.T, q string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q})
	resp, err := httpClient.Post(s.base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST /graphql: %v", err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("POST /graphql: status %d: %v", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("POST /graphql: status %d, errors %+v", resp.StatusCode, r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatalf("decode data %s: %v", r.Data, err)
	}
}

// contents is what a server holds, as a client sees it.
type contents struct {
	Territories struct{ TotalCount int } `json:"territories"`
	Communes    struct{ TotalCount int } `json:"communes"`
	Themes      struct{ TotalCount int } `json:"themes"`
	Actors      struct{ TotalCount int } `json:"actors"`
	Initiatives struct{ TotalCount int } `json:"initiatives"`
	ESSaim      struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				Title          string
				Participations struct {
					Edges []struct {
						Node struct {
							Role  string
							Actor struct{ Name string }
						}
					}
				}
			}
		}
	} `json:"essaim"`
}

const contentsQuery = `{
  territories { totalCount }
  communes: territories(where: {kind: COMMUNE}) { totalCount }
  themes { totalCount }
  actors { totalCount }
  initiatives { totalCount }
  essaim: initiatives(where: {title: "L'ESSaim"}) {
    totalCount
    edges { node { title participations(where: {role: LEAD}) { edges { node { role actor { name } } } } } }
  }
}`

func (s *instance) contents(t *testing.T) contents {
	t.Helper()
	var c contents
	s.query(t, contentsQuery, &c)
	return c
}

// checkEndpoints checks the health checks and the GraphiQL page.
func (s *instance) checkEndpoints(t *testing.T) {
	t.Helper()
	if code, _, body := s.get(t, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d %q, want 200", code, body)
	}
	if code, _, body := s.get(t, "/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q, want 200", code, body)
	}
	code, h, body := s.get(t, "/")
	if code != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/html") ||
		!strings.Contains(body, "<title>Essaim GraphQL</title>") || !strings.Contains(body, "/graphiql/") {
		t.Errorf("GET / = %d %s, want the GraphiQL page; body:\n%s", code, h.Get("Content-Type"), body)
	}
}

// checkFirstStart checks a store filled by a first start with the demo.
func checkFirstStart(t *testing.T, s *instance) contents {
	t.Helper()
	s.checkEndpoints(t)
	c := s.contents(t)
	if c.Territories.TotalCount != wantTerritories || c.Communes.TotalCount != 34875 {
		t.Errorf("%d territories (%d communes), want %d (34875)", c.Territories.TotalCount, c.Communes.TotalCount, wantTerritories)
	}
	if c.Initiatives.TotalCount != demoInitiatives || c.Actors.TotalCount == 0 || c.Themes.TotalCount == 0 {
		t.Errorf("demo: %d initiatives, %d actors, %d themes; want %d initiatives and some actors and themes",
			c.Initiatives.TotalCount, c.Actors.TotalCount, c.Themes.TotalCount, demoInitiatives)
	}
	e := c.ESSaim
	if e.TotalCount != 1 || len(e.Edges) != 1 {
		t.Fatalf("initiatives titled L'ESSaim: %+v, want exactly one", e)
	}
	leads := e.Edges[0].Node.Participations.Edges
	if len(leads) != 1 || leads[0].Node.Actor.Name != "La Poste" || leads[0].Node.Role != "LEAD" {
		t.Errorf("LEAD participations of L'ESSaim = %+v, want La Poste", leads)
	}
	return c
}

// lastTerritoryUpdate is the latest updated_at of the territories: an import
// touches every territory, so an unchanged value proves there was none.
func lastTerritoryUpdate(t *testing.T, dsn string) (time.Time, int) {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	defer st.Close()
	all, err := st.Client.Territory.Query().All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var last time.Time
	for _, tr := range all {
		if tr.UpdatedAt.After(last) {
			last = tr.UpdatedAt
		}
	}
	return last, len(all)
}

func TestServeSQLite(t *testing.T) {
	t.Parallel()
	dsn := filepath.Join(t.TempDir(), "essaim.db")

	first := startServe(t, dsn, "-demo=true")
	t.Logf("sqlite: first start (migrate, import, demo) took %v", first.took.Round(time.Millisecond))
	c1 := checkFirstStart(t, first)
	first.stop(t)
	updated, n := lastTerritoryUpdate(t, dsn)
	if n != wantTerritories {
		t.Fatalf("%d territories in the file, want %d", n, wantTerritories)
	}

	second := startServe(t, dsn, "-demo=true")
	t.Logf("sqlite: second start took %v", second.took.Round(time.Millisecond))
	second.checkEndpoints(t)
	if c2 := checkFirstStart(t, second); c2.Territories != c1.Territories || c2.Themes != c1.Themes ||
		c2.Actors != c1.Actors || c2.Initiatives != c1.Initiatives {
		t.Errorf("second start changed the contents: %+v, was %+v", c2, c1)
	}
	second.stop(t)
	if u, n := lastTerritoryUpdate(t, dsn); !u.Equal(updated) || n != wantTerritories {
		t.Errorf("second start re-imported: %d territories last updated %v, was %v", n, u, updated)
	}
	if second.took >= first.took {
		t.Errorf("second start took %v, not less than the first (%v)", second.took, first.took)
	}
}

func TestServeSQLiteWithoutDemo(t *testing.T) {
	t.Parallel()
	s := startServe(t, filepath.Join(t.TempDir(), "essaim.db"), "-demo=false")
	s.checkEndpoints(t)
	c := s.contents(t)
	if c.Territories.TotalCount != wantTerritories {
		t.Errorf("%d territories, want %d", c.Territories.TotalCount, wantTerritories)
	}
	if c.Themes.TotalCount+c.Actors.TotalCount+c.Initiatives.TotalCount != 0 || c.ESSaim.TotalCount != 0 {
		t.Errorf("-demo=false loaded data: %+v", c)
	}
	s.stop(t)
}

func TestServePostgres(t *testing.T) {
	t.Parallel()
	db, dsn, drop, err := dbtest.CreatePostgresDB(context.Background(), dbtest.PostgresURL(), "essaim_cmd")
	if err != nil {
		if dbtest.PostgresRequired() {
			t.Fatalf("PostgreSQL is required (ESSAIM_REQUIRE_POSTGRES=1) but unusable: %v", err)
		}
		t.Skipf("PostgreSQL unavailable, skipping (set ESSAIM_REQUIRE_POSTGRES=1 to fail instead): %v", err)
	}
	_ = db.Close()
	t.Cleanup(drop) // registered first, so it runs after the server stopped

	first := startServe(t, dsn, "-demo=true")
	t.Logf("postgres: first start (migrate, import, demo) took %v", first.took.Round(time.Millisecond))
	c1 := checkFirstStart(t, first)
	first.stop(t)
	updated, _ := lastTerritoryUpdate(t, dsn)

	second := startServe(t, dsn, "-demo=true")
	t.Logf("postgres: second start took %v", second.took.Round(time.Millisecond))
	if c2 := checkFirstStart(t, second); c2.Territories != c1.Territories || c2.Initiatives != c1.Initiatives {
		t.Errorf("second start changed the contents: %+v, was %+v", c2, c1)
	}
	second.stop(t)
	if u, n := lastTerritoryUpdate(t, dsn); !u.Equal(updated) || n != wantTerritories {
		t.Errorf("second start re-imported: %d territories last updated %v, was %v", n, u, updated)
	}
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	dsn := filepath.Join(t.TempDir(), "essaim.db")
	for range 2 { // the second run finds nothing to do
		if err := run(context.Background(), []string{"migrate", "-db", dsn}, nil); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if p, err := store.Pending(context.Background(), st.DB, st.Dialect); err != nil || len(p) != 0 {
		t.Errorf("pending after migrate: %v, %v", p, err)
	}
	if n, err := st.Client.Territory.Query().Count(context.Background()); err != nil || n != 0 {
		t.Errorf("migrate imported %d territories (%v), want none", n, err)
	}
}

func TestUnknownCommand(t *testing.T) {
	t.Parallel()
	if err := run(context.Background(), []string{"nope"}, nil); err == nil || !strings.Contains(err.Error(), `unknown command "nope"`) {
		t.Errorf("run(nope) = %v", err)
	}
	if err := run(context.Background(), []string{"import", "communes"}, nil); err == nil {
		t.Error("run(import communes) succeeded")
	}
}
