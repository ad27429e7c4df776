package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// peerProc is PostGraphile (bench/peer/server.js) over the same database.
type peerProc struct {
	cmd  *exec.Cmd
	base string
	docs map[string]string // workload operation -> PostGraphile document
	// pre holds, for an operation PostGraphile answers in two round trips,
	// the first document (<op>.pre.graphql): every "id" in its answer is
	// passed to the second as the list variable $ids.
	pre  map[string]string
	done chan struct{}
}

// startPeer starts PostGraphile from dir (npm ci already run there) on dsn and
// reads the PostGraphile twins of the workload operations (dir/<op>.graphql).
func startPeer(dir, dsn string, workers int, logTo *os.File) (*peerProc, error) {
	docs, pre := map[string]string{}, map[string]string{}
	files, _ := filepath.Glob(filepath.Join(dir, "*.graphql"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(filepath.Base(f), ".graphql")
		if op, ok := strings.CutSuffix(name, ".pre"); ok {
			pre[op] = string(b)
		} else {
			docs[name] = string(b)
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("no .graphql document in %s", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "postgraphile")); err != nil {
		return nil, fmt.Errorf("PostGraphile is not installed: run `npm ci` in %s", dir)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	_, port, _ := strings.Cut(addr, ":")
	cmd := exec.Command("node", "server.js", dsn, port, strconv.Itoa(workers))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NODE_ENV=production")
	cmd.Stdout, cmd.Stderr = logTo, logTo
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // never outlive the harness
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &peerProc{cmd: cmd, base: "http://" + addr, docs: docs, pre: pre, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	c := &http.Client{Timeout: 5 * time.Second}
	start := time.Now()
	for {
		select {
		case <-p.done:
			return nil, fmt.Errorf("postgraphile exited before ready")
		default:
		}
		if _, err := postBody(c, p.base, "", "{__typename}", nil); err == nil {
			fmt.Fprintf(os.Stderr, "PostGraphile ready in %s\n", time.Since(start).Round(time.Millisecond))
			return p, nil
		}
		if time.Since(start) > time.Minute {
			p.stop()
			return nil, fmt.Errorf("postgraphile not ready after a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *peerProc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// cpu is the CPU time of PostGraphile's primary and its workers.
func (p *peerProc) cpu() time.Duration {
	pid := p.cmd.Process.Pid
	total := procCPU(pid)
	for _, c := range p.children() {
		total += procCPU(c)
	}
	return total
}

func (p *peerProc) children() []int {
	pid := p.cmd.Process.Pid
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	var cs []int
	for f := range strings.FieldsSeq(string(b)) {
		if c, err := strconv.Atoi(f); err == nil {
			cs = append(cs, c)
		}
	}
	return cs
}

// rss is the resident memory of PostGraphile's primary and its workers.
func (p *peerProc) rss() uint64 {
	pid := p.cmd.Process.Pid
	total := procStatus(pid, "VmRSS")
	for _, c := range p.children() {
		total += procStatus(c, "VmRSS")
	}
	return total
}

// request runs the PostGraphile twin of op: one document, or two when op
// has a first round trip.
func (p *peerProc) request(c *http.Client, op string, vars map[string]any) (json.RawMessage, error) {
	vars, err := p.firstTrip(c, op, vars)
	if err != nil {
		return nil, err
	}
	return postBody(c, p.base, op, p.docs[op], vars)
}

// load is request under load: the last answer is read, not decoded, as
// Essaim's are (post).
func (p *peerProc) load(c *http.Client, op string, vars map[string]any) error {
	vars, err := p.firstTrip(c, op, vars)
	if err != nil {
		return err
	}
	return post(c, p.base, op, p.docs[op], vars)
}

// firstTrip runs op's first round trip, if it has one, and returns the
// variables of its second.
func (p *peerProc) firstTrip(c *http.Client, op string, vars map[string]any) (map[string]any, error) {
	first, ok := p.pre[op]
	if !ok {
		return vars, nil
	}
	data, err := postBody(c, p.base, op, first, vars)
	if err != nil {
		return nil, fmt.Errorf("first round trip: %w", err)
	}
	ids, _, err := fingerprint(data)
	if err != nil {
		return nil, err
	}
	vars = maps.Clone(vars)
	vars["ids"] = slices.Compact(ids)
	return vars, nil
}

// postBody posts one operation and returns its data, failing on transport,
// status or GraphQL errors.
func postBody(c *http.Client, base, op, query string, vars map[string]any) (json.RawMessage, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Load-Op", op)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("status %d: decode: %w", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
		return nil, fmt.Errorf("status %d: %+v", resp.StatusCode, out.Errors)
	}
	return out.Data, nil
}

// fingerprint is what both servers must agree on: every "id" value (sorted:
// the two shapes nest differently) and every "totalCount".
func fingerprint(data json.RawMessage) (ids []string, counts []float64, err error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, nil, err
	}
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch s := x.(type) {
				case string:
					if k == "id" {
						ids = append(ids, s)
					}
				case float64:
					if k == "totalCount" {
						counts = append(counts, s)
					}
				default:
					walk(x)
				}
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	slices.Sort(ids)
	slices.Sort(counts)
	return ids, counts, nil
}

// peerCheck is the outcome of comparing one operation's answers.
type peerCheck struct {
	ok      bool
	note    string        // what was compared, or why it differs
	single  time.Duration // PostGraphile, one request alone
	skipped bool          // too slow to run under load
}

// checkPeer runs the operation on both servers for a few variable sets and
// compares their fingerprints; a peer request slower than limit makes the
// operation skipped under load.
func checkPeer(essaim string, peer *peerProc, op, peerName, query string, vars func(int) map[string]any, limit time.Duration) peerCheck {
	c := &http.Client{Timeout: limit}
	var rows, n int
	var single time.Duration
	for i := range 3 {
		a, err := postBody(c, essaim, op, query, vars(i))
		if err != nil {
			return peerCheck{note: "Essaim: " + err.Error()}
		}
		t := time.Now()
		b, err := peer.request(c, peerName, vars(i))
		d := time.Since(t)
		single = d
		if err != nil {
			return peerCheck{note: fmt.Sprintf("PostGraphile after %s: %v", d.Round(time.Millisecond), err), single: d, skipped: true}
		}
		ia, ca, _ := fingerprint(a)
		ib, cb, _ := fingerprint(b)
		if !slices.Equal(ia, ib) || !slices.Equal(ca, cb) {
			return peerCheck{note: fmt.Sprintf("differ: Essaim %d ids, counts %v; PostGraphile %d ids, counts %v", len(ia), ca, len(ib), cb), single: d}
		}
		rows, n = len(ia), len(ca)
		if d > limit/2 {
			return peerCheck{ok: true, note: fmt.Sprintf("same %d ids and %d counts", rows, n), single: d, skipped: true}
		}
	}
	return peerCheck{ok: true, note: fmt.Sprintf("same %d ids and %d totalCounts", rows, n), single: single}
}
