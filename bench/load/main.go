// Command load runs the Essaim workload (bench/workload) against the real
// GraphQL handler (`essaim serve` in a process of its own, or in-process with
// -in-process) over loopback HTTP, on a copy of the synthetic reference
// dataset, at several numbers of concurrent clients, and prints a markdown
// table per store: throughput, latency percentiles, SQL statements per
// request and the server's memory. See BENCHMARKS.md.
//
//	CGO_ENABLED=0 go run ./bench/load -sqlite /tmp/essaim-bench.db \
//	  -postgres 'postgres://postgres@127.0.0.1:5432/essaim_bench?sslmode=disable' -write BENCHMARKS.md
//
// The datasets are never written: the SQLite file is copied to a temporary
// directory and the PostgreSQL database is cloned (CREATE DATABASE …
// TEMPLATE, which needs no other session on it) and dropped afterwards.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/lib/pq"

	"github.com/essaim/essaim/bench/report"
	"github.com/essaim/essaim/bench/workload"
	"github.com/essaim/essaim/internal/auth"
	"github.com/essaim/essaim/internal/memlimit"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/sqlcount"
	"github.com/essaim/essaim/internal/store"
)

func main() {
	sqlitePath := flag.String("sqlite", "", "SQLite file holding the reference dataset (copied, never written)")
	pgURL := flag.String("postgres", "", "postgres:// URL of the database holding the reference dataset (cloned, never written)")
	duration := flag.Duration("duration", 4*time.Second, "how long each operation runs at each concurrency level")
	maxReq := flag.Int("max", 20000, "at most this many requests per operation and level")
	levelsFlag := flag.String("clients", "1,8,32", "concurrency levels")
	only := flag.String("ops", "", "comma-separated operations to run (default: all)")
	write := flag.String("write", "", "markdown file whose <!-- SECTION:begin --> … <!-- SECTION:end --> section receives the tables")
	section := flag.String("section", "load", "the SECTION of -write")
	inProcess := flag.Bool("in-process", false, "serve from this process (counts SQL statements per request) instead of an `essaim serve` child process (measures its RSS and cold start)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the harness process (with -in-process: server and clients) to this file")
	cold := flag.Int("cold", 5, "cold starts to time on each store before the run (separate process only)")
	peerDir := flag.String("peer", "", "directory of the PostGraphile peer (bench/peer, after `npm ci`): run it on the same PostgreSQL clone and compare")
	peerWorkers := flag.Int("peer-workers", runtime.NumCPU(), "PostGraphile processes (node:cluster)")
	peerLevels := flag.String("peer-clients", "1,8,32", "concurrency levels at which PostGraphile is measured too")
	peerLimit := flag.Duration("peer-limit", 20*time.Second, "a PostGraphile request slower than half this in the answer check is not run under load")
	mixedLevels := flag.String("mixed", "8,32", "concurrency levels of the mixed run (90% reads, 10% create_initiative); empty: none")
	readsWithKey := flag.Bool("reads-with-key", false, "send the EDITOR key with reads too (one key lookup more per request); default: reads are anonymous, as PostGraphile's")
	mixedSkip := flag.String("mixed-skip", "initiative_stats", "read operations left out of the mixed run")
	flag.Parse()
	if *sqlitePath == "" && *pgURL == "" {
		log.Fatal("give -sqlite and/or -postgres (seed them with `essaim seed synthetic --actors 20000 --initiatives 50000 --seed 42`)")
	}
	ops := workload.Ops
	if *only != "" {
		want := strings.Split(*only, ",")
		ops = slices.DeleteFunc(slices.Clone(ops), func(o workload.Op) bool { return !slices.Contains(want, o.Name) })
	}
	cfg := runConfig{levels: levels(*levelsFlag), duration: *duration, max: *maxReq, ops: ops, cold: *cold,
		peerDir: *peerDir, peerWorkers: *peerWorkers, peerLevels: levels(*peerLevels), peerLimit: *peerLimit,
		mixedLevels: levels(*mixedLevels), mixedSkip: strings.Split(*mixedSkip, ","), readsWithKey: *readsWithKey, log: os.Stderr}
	ctx := context.Background()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	if !*inProcess {
		dir, err := os.MkdirTemp("", "essaim-load-bin-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
		if cfg.bin, err = buildServer(ctx, dir); err != nil {
			log.Fatal(err)
		}
		logf, err := os.Create(filepath.Join(dir, "server.log"))
		if err != nil {
			log.Fatal(err)
		}
		defer logf.Close()
		cfg.log = logf
	} else {
		memlimit.Apply(slog.Default(), false) // the server's GC settings on PostgreSQL, as `essaim serve` applies them (both stores share this process)
	}

	var out bytes.Buffer
	where := "the clients run in the same process as the server"
	if !*inProcess {
		where = "the server runs as its own process (`essaim serve`, default configuration unless said below), the clients in the harness; both share the machine"
	}
	fmt.Fprintf(&out, "Generated by `go run ./bench/load` on %s, GOMAXPROCS %d, %s per operation and level (at most %d requests); %s.\n",
		time.Now().UTC().Format("2 January 2006 15:04 MST"), runtime.GOMAXPROCS(0), *duration, *maxReq, where)
	if env := serverEnv(); len(env) > 0 {
		fmt.Fprintf(&out, "Server settings from the environment: `%s`.\n", strings.Join(env, " "))
	}
	if *readsWithKey {
		out.WriteString("Every request sends an EDITOR API key (one indexed key lookup per request).\n")
	} else {
		out.WriteString("Reads are anonymous (READER, the default), as a public dashboard's and PostGraphile's; `create_initiative` sends an EDITOR API key.\n")
	}
	if *sqlitePath != "" {
		res, err := runSQLite(ctx, *sqlitePath, cfg)
		if err != nil {
			log.Fatalf("sqlite: %v", err)
		}
		res.markdown(&out)
	}
	if *pgURL != "" {
		res, err := runPostgres(ctx, *pgURL, cfg)
		if err != nil {
			log.Fatalf("postgres: %v", err)
		}
		res.markdown(&out)
	}
	fmt.Print(out.String())
	if *write != "" {
		if err := report.WriteSection(*write, *section, out.String()+"\n"); err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "wrote the tables into %s\n", *write)
	}
}

func levels(flagValue string) []int {
	var ls []int
	for f := range strings.SplitSeq(flagValue, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			log.Fatalf("bad list of client counts %q", flagValue)
		}
		ls = append(ls, n)
	}
	return ls
}

type runConfig struct {
	levels      []int
	duration    time.Duration
	max         int
	ops         []workload.Op
	bin         string   // essaim binary: the server runs as a child process
	cold        int      // cold starts to time
	log         *os.File // the child processes' output
	peerDir     string
	peerWorkers int
	peerLevels  []int
	peerLimit   time.Duration
	mixedLevels []int
	mixedSkip   []string
	// readsWithKey sends the EDITOR key with reads too (default: anonymous).
	readsWithKey bool
}

func runSQLite(ctx context.Context, path string, cfg runConfig) (*storeResult, error) {
	dir, err := os.MkdirTemp("", "essaim-load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	dst := filepath.Join(dir, "essaim.db")
	for _, suffix := range []string{"", "-wal"} {
		if err := copyFile(path+suffix, dst+suffix); err != nil && !(suffix != "" && errors.Is(err, os.ErrNotExist)) {
			return nil, fmt.Errorf("copy %s: %w", path+suffix, err)
		}
	}
	return runStore(ctx, "SQLite", dst, cfg)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

func runPostgres(ctx context.Context, src string, cfg runConfig) (*storeResult, error) {
	u, err := url.Parse(src)
	if err != nil {
		return nil, err
	}
	source := strings.TrimPrefix(u.Path, "/")
	adminURL := *u
	adminURL.Path = "/postgres"
	admin, err := sql.Open("postgres", adminURL.String())
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	clone := "essaim_load_" + hex.EncodeToString(b)
	start := time.Now()
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY", clone, quoteIdent(source))); err != nil {
		return nil, fmt.Errorf("clone %s (no other session may use it meanwhile): %w", source, err)
	}
	fmt.Fprintf(os.Stderr, "cloned %s into %s in %s\n", source, clone, time.Since(start).Round(time.Millisecond))
	defer func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+clone+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "drop %s: %v\n", clone, err)
		}
	}()
	// A runaway statement (PostGraphile's unrolled territory walk) must not
	// keep a core busy after its client gave up.
	// (Essaim's own requests stop at 10 s.)
	timeout := max(cfg.peerLimit, 15*time.Second).Milliseconds()
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s SET statement_timeout = %d", clone, timeout)); err != nil {
		return nil, err
	}
	cloneURL := *u
	cloneURL.Path = "/" + clone
	return runStore(ctx, "PostgreSQL", cloneURL.String(), cfg)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// opStats accumulates the measures of one operation at one level.
type opStats struct {
	op       string
	clients  int
	mu       sync.Mutex
	lat      []time.Duration
	t0       time.Time
	elapsed  time.Duration
	stmts    atomic.Int64 // statements of the measured requests (the harness's middleware, or the server's /metrics)
	counted  atomic.Int64 // requests those statements were counted over
	errors   atomic.Int64
	firstErr atomic.Value
	heapMax  uint64        // heap in use (in-process) or server RSS (separate process), peak of the phase
	peerRSS  uint64        // PostGraphile's RSS, peak of the phase
	cpu      time.Duration // CPU time of the serving process(es) during the phase; 0: not measured
	dbCPU    time.Duration // CPU time of PostgreSQL's processes during the phase; 0: not measured
}

// cpuPerReq is the serving process's CPU time per request, in milliseconds.
func (s *opStats) cpuPerReq() string { return s.perReq(s.cpu) }

// dbCPUPerReq is PostgreSQL's CPU time per request, in milliseconds.
func (s *opStats) dbCPUPerReq() string { return s.perReq(s.dbCPU) }

func (s *opStats) perReq(d time.Duration) string {
	if d <= 0 || len(s.lat) == 0 {
		return "–"
	}
	return strconv.FormatFloat(float64(d.Microseconds())/1000/float64(len(s.lat)), 'f', 2, 64)
}

func (s *opStats) start() { s.t0 = time.Now() }

func (s *opStats) addLat(d time.Duration) {
	if s.t0.IsZero() {
		panic("opStats: start not called")
	}
	s.mu.Lock()
	s.lat = append(s.lat, d)
	s.mu.Unlock()
}

func (s *opStats) finish() { s.elapsed = time.Since(s.t0) }

// pct returns the p-th latency percentile in milliseconds.
func (s *opStats) pct(p float64) float64 {
	lat := slices.Clone(s.lat)
	slices.Sort(lat)
	if len(lat) == 0 {
		return 0
	}
	return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
}

func (s *opStats) rate() float64 { return float64(len(s.lat)) / s.elapsed.Seconds() }

type storeResult struct {
	name        string
	process     bool // the server ran as its own process: memory is its RSS
	stats       []*opStats
	peerStats   []*opStats
	checks      map[string]peerCheck
	mixed       []*opStats
	heapPeak    uint64 // sampled during the run
	heapIdle    uint64 // after the run (and a GC, in-process)
	rssHWM      uint64 // VmHWM of the server process
	peerRSSPeak uint64
	cold        []time.Duration
	warm        time.Duration
	load        [2]string // /proc/loadavg before and after: other processes skew the figures
}

// counting is the harness middleware: it counts the SQL statements of each
// request and adds them to the operation named by the X-Load-Op header.
type counting struct {
	next    http.Handler
	mu      sync.Mutex
	current *opStats
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The phase is the one current when the request starts: the client may
	// read the response, and the phase end, before this handler returns.
	c.mu.Lock()
	s := c.current
	c.mu.Unlock()
	ctx, n := sqlcount.With(r.Context())
	c.next.ServeHTTP(w, r.WithContext(ctx))
	if s != nil && r.Header.Get("X-Load-Op") == s.op {
		s.stmts.Add(n.Count())
		s.counted.Add(1)
	}
}

func (c *counting) measure(s *opStats) {
	c.mu.Lock()
	c.current = s
	c.mu.Unlock()
}

func runStore(ctx context.Context, name, dsn string, cfg runConfig) (*storeResult, error) {
	// The variables' IDs; the in-process server, whose count cache follows
	// ESSAIM_COUNT_CACHE as the child process's would (see run.sh).
	counts := store.DefaultCountCache
	if n, err := strconv.Atoi(os.Getenv("ESSAIM_COUNT_CACHE")); err == nil {
		counts = n
	}
	st, err := store.OpenWith(ctx, dsn, store.Options{StatementCache: store.DefaultStatementCache, CountCache: counts})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	// One EDITOR key for the mutation (and the reads with -reads-with-key).
	_, token, err := auth.Create(ctx, st.Client, "load test", auth.Editor)
	if err != nil {
		return nil, err
	}
	res := &storeResult{name: name, process: cfg.bin != ""}
	var base string
	var mw *counting
	var mem func() uint64                                       // the memory figure sampled during the run
	var serverCPU func() time.Duration                          // the server process's CPU time, when it runs apart
	var statements func(operation string) (int64, int64, error) // its SQL statements and requests so far, from /metrics
	if cfg.bin != "" {
		if cfg.cold > 0 {
			if res.cold, err = coldStarts(cfg.bin, dsn, cfg.cold, cfg.log); err != nil {
				return nil, fmt.Errorf("cold start: %w", err)
			}
			fmt.Fprintf(os.Stderr, "%s: cold starts %v\n", name, res.cold)
		}
		proc, _, err := startServer(cfg.bin, dsn, cfg.log)
		if err != nil {
			return nil, err
		}
		defer func() { res.rssHWM = proc.hwm(); proc.stop() }()
		base, mem, serverCPU = proc.base, proc.sampleRSS, proc.cpu
		statements = statementsFromMetrics(proc.base)
	} else {
		srvCfg := server.DefaultConfig()
		srvCfg.RateLimit.PerMinute = 0 // the load generator is one client
		// As the child process would read it (see run.sh).
		if n, err := strconv.Atoi(os.Getenv("ESSAIM_RESPONSE_CACHE_BYTES")); err == nil {
			srvCfg.ResponseCacheBytes = n
		}
		mw = &counting{next: server.Handler(srvCfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))}
		srv := httptest.NewServer(mw) // 127.0.0.1, random port
		defer srv.Close()
		base = srv.URL
		mem = func() uint64 {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			return ms.HeapInuse
		}
	}
	var peer *peerProc
	if cfg.peerDir != "" && store.IsPostgres(dsn) {
		if peer, err = startPeer(cfg.peerDir, dsn, cfg.peerWorkers, cfg.log); err != nil {
			return nil, err
		}
		defer peer.stop()
	}
	keyed := func(t http.RoundTripper) http.RoundTripper {
		return withKey{token: token, writes: writeOps(cfg.ops), all: cfg.readsWithKey, next: t}
	}
	client := &http.Client{Transport: keyed(&http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}), Timeout: time.Minute}
	defer client.CloseIdleConnections()

	var ops []prepared
	for _, op := range cfg.ops {
		vars, err := op.Prepare(ctx, st.Client)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op.Name, err)
		}
		ops = append(ops, prepared{op, op.Query(), vars})
	}
	res.load[0] = report.LoadAvg()

	// Memory sampler: the peak of each phase.
	var memMax, peerMax atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				storeMax(&memMax, mem())
				if peer != nil {
					storeMax(&peerMax, peer.rss())
				}
			}
		}
	}()

	// Warm the network cache once (as the first request after start does).
	start := time.Now()
	for _, p := range ops {
		if !p.op.Mutation {
			if err := post(client, base, p.op.Name, p.query, p.vars(0)); err != nil {
				return nil, fmt.Errorf("warm-up %s: %w", p.op.Name, err)
			}
		}
	}
	res.warm = time.Since(start)
	fmt.Fprintf(os.Stderr, "%s: warm-up (network cache build) %s\n", name, res.warm.Round(time.Millisecond))

	// Same answers from both servers, before any write.
	if peer != nil {
		res.checks = map[string]peerCheck{}
		for _, p := range ops {
			if p.op.Mutation {
				continue
			}
			// The twin, and its variants (<op>_<variant>.graphql: other ways to
			// write it, only checked).
			for name := range peer.docs {
				isOp := slices.ContainsFunc(workload.Ops, func(o workload.Op) bool { return o.Name == name })
				if name != p.op.Name && (isOp || !strings.HasPrefix(name, p.op.Name+"_")) {
					continue
				}
				c := checkPeer(base, peer, p.op.Name, name, p.query, p.vars, cfg.peerLimit)
				res.checks[name] = c
				fmt.Fprintf(os.Stderr, "peer check %s: %+v\n", name, c)
				if !c.ok && c.skipped {
					time.Sleep(2 * time.Second) // PostgreSQL cancels the statement at the same timeout
				}
			}
		}
	}

	// Warm every PostGraphile process (node:cluster spreads connections).
	if peer != nil {
		for name, c := range res.checks {
			if !c.ok || c.skipped || peer.docs[name] == "" {
				continue
			}
			for _, p := range ops {
				if p.op.Name == name {
					var wg sync.WaitGroup
					for range 2 * cfg.peerWorkers {
						wg.Go(func() {
							c := &http.Client{Transport: keyed(&http.Transport{}), Timeout: time.Minute} // a connection of its own
							_, _ = peer.request(c, name, p.vars(0))
						})
					}
					wg.Wait()
				}
			}
		}
	}

	seq := 0 // request index, so that mutations never repeat a title
	phase := func(target string, p prepared, clients int, count bool, cpu func() time.Duration, do func(i int) error) *opStats {
		s := &opStats{op: p.op.Name, clients: clients}
		// Read before the phase's clock and CPU start: the scrape is no part of it.
		var stmts0, reqs0 int64
		var stmtsErr error
		opName := operationName(p.op.Query())
		if count && statements != nil {
			if stmts0, reqs0, stmtsErr = statements(opName); stmtsErr != nil {
				fmt.Fprintf(os.Stderr, "%s %s: SQL statements not read: %v\n", name, p.op.Name, stmtsErr)
			}
		}
		var cpu0, db0 time.Duration
		if cpu != nil {
			cpu0 = cpu()
		}
		if name == "PostgreSQL" {
			db0 = postgresCPU()
		}
		s.start()
		memMax.Store(0)
		peerMax.Store(0)
		if count && mw != nil {
			mw.measure(s)
		}
		seq = runPhase(clients, cfg, seq, do, func(i int, w int, lat time.Duration, err error) {
			s.addLat(lat)
			if err != nil {
				s.errors.Add(1)
				s.firstErr.CompareAndSwap(nil, err.Error())
			}
		})
		s.finish()
		if cpu != nil {
			s.cpu = cpu() - cpu0
		}
		if db0 > 0 {
			s.dbCPU = postgresCPU() - db0
		}
		if mw != nil {
			mw.measure(nil)
			time.Sleep(50 * time.Millisecond) // let the last handlers add their statement counts
		}
		if count && statements != nil && stmtsErr == nil {
			time.Sleep(50 * time.Millisecond) // the server observes a request once it has answered it
			switch stmts1, reqs1, err := statements(opName); {
			case err != nil:
				fmt.Fprintf(os.Stderr, "%s %s: SQL statements not read: %v\n", name, p.op.Name, err)
			case reqs1 == reqs0 && len(s.lat) > 0:
				fmt.Fprintf(os.Stderr, "%s %s: no request in the server's essaim_graphql_sql_statements\n", name, p.op.Name)
			default:
				s.stmts.Store(stmts1 - stmts0)
				s.counted.Store(reqs1 - reqs0)
			}
		}
		s.heapMax = memMax.Load()
		s.peerRSS = peerMax.Load()
		res.heapPeak = max(res.heapPeak, s.heapMax)
		res.peerRSSPeak = max(res.peerRSSPeak, s.peerRSS)
		fmt.Fprintf(os.Stderr, "%s %-10s %-22s %2d clients: %6d requests, %5.0f req/s, %d errors\n", name, target, s.op, clients, len(s.lat),
			float64(len(s.lat))/s.elapsed.Seconds(), s.errors.Load())
		if e := s.firstErr.Load(); e != nil {
			fmt.Fprintf(os.Stderr, "  first error: %s\n", e)
		}
		return s
	}
	// The reads at every level first, then the writes: a write phase adds
	// hundreds of initiatives, the newest, which every dashboard page after
	// it would show (one territory, one theme, no actor: a much lighter page
	// than the dataset's).
	for _, writes := range []bool{false, true} {
		for _, clients := range cfg.levels {
			for _, p := range ops {
				if p.op.Mutation != writes {
					continue
				}
				if !p.op.Mutation {
					// One unmeasured request: the network cache and the counts of
					// a clone the server has not read yet.
					if err := post(client, base, p.op.Name, p.query, p.vars(0)); err != nil {
						fmt.Fprintf(os.Stderr, "%s %s: unmeasured request: %v\n", name, p.op.Name, err) // the phase counts the errors
					}
				}
				res.stats = append(res.stats, phase("Essaim", p, clients, true, serverCPU, func(i int) error {
					return post(client, base, p.op.Name, p.query, p.vars(i))
				}))
				if peer == nil || !slices.Contains(cfg.peerLevels, clients) {
					continue
				}
				if c, ok := res.checks[p.op.Name]; ok && c.ok && !c.skipped {
					res.peerStats = append(res.peerStats, phase("PostGraphile", p, clients, false, peer.cpu, func(i int) error {
						return peer.load(client, p.op.Name, p.vars(i))
					}))
				}
			}
		}
	}
	for _, clients := range cfg.mixedLevels {
		m, err := runMixed(client, base, ops, clients, cfg, &seq, &memMax)
		if err != nil {
			return nil, err
		}
		res.mixed = append(res.mixed, m...)
	}
	close(stop)
	<-sampled
	if mw != nil {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		res.heapIdle = ms.HeapInuse
	} else {
		res.heapIdle = mem()
	}
	res.load[1] = report.LoadAvg()
	return res, nil
}

type prepared struct {
	op    workload.Op
	query string
	vars  func(int) map[string]any
}

func storeMax(m *atomic.Uint64, v uint64) {
	for {
		cur := m.Load()
		if v <= cur || m.CompareAndSwap(cur, v) {
			return
		}
	}
}

// runPhase runs clients concurrent loops for cfg.duration (at most cfg.max
// requests), request i being do(i), and reports each request to done; it
// returns the next request index.
func runPhase(clients int, cfg runConfig, seq int, do func(i int) error, done func(i, worker int, lat time.Duration, err error)) int {
	var next atomic.Int64
	next.Store(int64(seq))
	limit := int64(seq + cfg.max)
	deadline := time.Now().Add(cfg.duration)
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				i := next.Add(1) - 1
				if i >= limit {
					return
				}
				t := time.Now()
				err := do(int(i))
				done(int(i), w, time.Since(t), err)
			}
		})
	}
	wg.Wait()
	return int(min(next.Load(), limit))
}

// post sends one operation and fails on a transport error, a non-200 status
// or GraphQL errors. Under load it reads the answer without decoding it (the
// answers were compared in full before the load, see checkPeer): decoding
// some 70 kB of JSON cost the harness 0.3 ms of the 2 CPUs it shares with the
// servers, for every request, Essaim's and PostGraphile's alike.
func post(c *http.Client, base, op, query string, vars map[string]any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Load-Op", op)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf := answerBuffers.Get().(*bytes.Buffer)
	defer answerBuffers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return fmt.Errorf("status %d: read: %w", resp.StatusCode, err)
	}
	return answerError(resp.StatusCode, buf.Bytes())
}

var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// answerError tells a failed answer from a good one without decoding it:
// an object with a data key and no errors key at its top level. The usual
// answers are settled by a prefix and a search (the harness shares the
// machine with the servers: scanning every byte of each answer twice was
// 1.5% of a busy run's CPU); only an answer holding "errors": somewhere, or
// not starting with its data, is scanned.
func answerError(status int, body []byte) error {
	hasData := bytes.HasPrefix(body, []byte(`{"data":`)) || hasTopLevelKey(body, "data")
	hasErrors := bytes.Contains(body, []byte(`"errors":`)) && hasTopLevelKey(body, "errors")
	if status != http.StatusOK || !bytes.HasPrefix(body, []byte("{")) || !hasData || hasErrors {
		return fmt.Errorf("status %d: %.300s", status, body)
	}
	return nil
}

// hasTopLevelKey tells whether the JSON object body has key among its own
// keys (not its values'), in one pass without allocating: a string opened
// at depth 1 right after { or , is a key.
func hasTopLevelKey(body []byte, key string) bool {
	depth, afterOpenOrComma := 0, false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '{', '[':
			depth++
			afterOpenOrComma = c == '{'
		case '}', ']':
			depth--
			afterOpenOrComma = false
		case ',':
			afterOpenOrComma = true
		case '"':
			start := i + 1
			for i++; i < len(body) && body[i] != '"'; i++ {
				if body[i] == '\\' {
					i++
				}
			}
			if depth == 1 && afterOpenOrComma && string(body[start:min(i, len(body))]) == key {
				return true
			}
			afterOpenOrComma = false
		}
	}
	return false
}

func (r *storeResult) markdown(w io.Writer) {
	fmt.Fprintf(w, "\n### %s\n\n", r.name)
	memCol := "heap peak MiB"
	if r.process {
		memCol = "server RSS peak MiB"
		fmt.Fprintf(w, "Server process: peak RSS (VmHWM) %.0f MiB over its life, %.0f MiB at the end of the run (VmRSS sampled every 100 ms). ",
			mib(r.rssHWM), mib(r.heapIdle))
		if len(r.cold) > 0 {
			fmt.Fprintf(w, "Cold start on the loaded store (process start to `/readyz` 200), median of %d: %s (min %s, max %s). ",
				len(r.cold), r.cold[len(r.cold)/2].Round(time.Millisecond), r.cold[0].Round(time.Millisecond), r.cold[len(r.cold)-1].Round(time.Millisecond))
		}
	} else {
		fmt.Fprintf(w, "Heap in use: peak %.0f MiB during the run (sampled every 100 ms), %.0f MiB after it and a GC. ", mib(r.heapPeak), mib(r.heapIdle))
	}
	fmt.Fprintf(w, "Warm-up (first request of each operation, building the network cache): %s. "+
		"Load average (1 min) %s before, %s after.\n\n", r.warm.Round(10*time.Millisecond), r.load[0], r.load[1])
	fmt.Fprintf(w, "| operation | clients | requests | req/s | p50 ms | p95 ms | p99 ms | SQL / req | %s | errors |\n", memCol)
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, s := range r.stats {
		perReq := "–"
		if n := s.counted.Load(); n > 0 {
			perReq = strconv.FormatFloat(float64(s.stmts.Load())/float64(n), 'f', 1, 64)
			perReq = strings.TrimSuffix(perReq, ".0")
		}
		fmt.Fprintf(w, "| %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %s | %.0f | %d |\n", s.op, s.clients, len(s.lat),
			s.rate(), s.pct(0.50), s.pct(0.95), s.pct(0.99), perReq, mib(s.heapMax), s.errors.Load())
	}
	r.peerMarkdown(w)
	if len(r.mixed) > 0 {
		fmt.Fprintf(w, "\n#### %s, mixed reads and writes\n\n", r.name)
		fmt.Fprintln(w, "Nine requests in ten cycle through the read operations (initiative_stats left out), one in ten is `create_initiative`; "+
			"req/s is that operation's share of the throughput.")
		fmt.Fprintf(w, "\n| operation | clients | requests | req/s | p50 ms | p95 ms | p99 ms | %s | errors |\n", memCol)
		fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|")
		for _, s := range r.mixed {
			name := s.op
			if strings.HasPrefix(name, "all") {
				name = "**" + name + "**"
			}
			fmt.Fprintf(w, "| %s | %d | %d | %.0f | %.1f | %.1f | %.1f | %.0f | %d |\n", name, s.clients, len(s.lat),
				s.rate(), s.pct(0.50), s.pct(0.95), s.pct(0.99), mib(s.heapMax), s.errors.Load())
		}
	}
}

// peerMarkdown writes the comparison with PostGraphile, phase by phase.
func (r *storeResult) peerMarkdown(w io.Writer) {
	if r.checks == nil {
		return
	}
	fmt.Fprintf(w, "\n#### %s: Essaim and PostGraphile, same run, same database\n\n", r.name)
	fmt.Fprintf(w, "PostGraphile's RSS (all its processes): peak %.0f MiB. Answers compared before the load (the ids, sorted, and the totalCounts, for 3 variable sets):\n\n", mib(r.peerRSSPeak))
	names := make([]string, 0, len(r.checks))
	for n := range r.checks {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		c := r.checks[n]
		verdict := "same answers"
		if !c.ok {
			verdict = "**not compared**"
		}
		extra := ""
		if c.skipped {
			extra = fmt.Sprintf("; one PostGraphile request took %s, too slow to run under load", c.single.Round(time.Millisecond))
		}
		fmt.Fprintf(w, "- `%s`: %s (%s%s)\n", n, verdict, c.note, extra)
	}
	fmt.Fprintln(w, "\nCPU ms / req: CPU time (user + system, /proc/PID/stat) of the Essaim server process, or of PostGraphile's processes, "+
		"during the phase, per request; PG CPU ms / req: the same for PostgreSQL's processes (all of them: the server and every backend), "+
		"what each side's statements cost the database.")
	fmt.Fprintln(w, "\n| operation | clients | Essaim req/s | PostGraphile req/s | ratio Essaim/PostGraphile | Essaim p95 ms | PostGraphile p95 ms | Essaim CPU ms / req | PostGraphile CPU ms / req | PG CPU ms / req, Essaim | PG CPU ms / req, PostGraphile | errors E/P |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, p := range r.peerStats {
		for _, e := range r.stats {
			if e.op == p.op && e.clients == p.clients {
				fmt.Fprintf(w, "| %s | %d | %.0f | %.0f | **%.2f** | %.1f | %.1f | %s | %s | %s | %s | %d/%d |\n", p.op, p.clients, e.rate(), p.rate(),
					e.rate()/p.rate(), e.pct(0.95), p.pct(0.95), e.cpuPerReq(), p.cpuPerReq(), e.dbCPUPerReq(), p.dbCPUPerReq(), e.errors.Load(), p.errors.Load())
			}
		}
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// serverEnv lists the ESSAIM_ variables the server inherits (its settings
// besides the defaults), database locations left out.
func serverEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "ESSAIM_") && !strings.HasPrefix(kv, "ESSAIM_DB=") && !strings.HasPrefix(kv, "ESSAIM_BENCH") {
			out = append(out, kv)
		}
	}
	slices.Sort(out)
	return out
}

// withKey sends Essaim's API key with the requests of the writing
// operations (named by their X-Load-Op header), or with all when all is set
// (-reads-with-key). Reads go anonymous by default, as a public dashboard's
// do, and as PostGraphile's clients do (it refuses tokens it was not
// configured for, and checks none).
type withKey struct {
	token  string
	writes map[string]bool
	all    bool
	next   http.RoundTripper
}

func (k withKey) RoundTrip(r *http.Request) (*http.Response, error) {
	if !k.all && !k.writes[r.Header.Get("X-Load-Op")] {
		return k.next.RoundTrip(r)
	}
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+k.token)
	return k.next.RoundTrip(r)
}

// writeOps names the operations that need the EDITOR key.
func writeOps(ops []workload.Op) map[string]bool {
	w := map[string]bool{}
	for _, op := range ops {
		if op.Mutation {
			w[op.Name] = true
		}
	}
	return w
}
