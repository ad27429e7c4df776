package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// buildServer compiles cmd/essaim into dir, so that the server runs as its
// own process (its RSS is then the server's alone).
func buildServer(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "essaim")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/essaim")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/essaim (run from the repository root): %w", err)
	}
	return bin, nil
}

// serverProc is `essaim serve` in a child process.
type serverProc struct {
	cmd  *exec.Cmd
	base string
	rss  atomic.Uint64 // highest VmRSS sampled, bytes
	done chan struct{}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startServer starts `essaim serve` on dsn and returns once /readyz answers
// 200, with the time that took from the process start.
func startServer(bin, dsn string, logTo *os.File) (*serverProc, time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, 0, err
	}
	cmd := exec.Command(bin, "serve", "-db", dsn, "-addr", addr, "-demo=false", "-rate-limit", "0")
	cmd.Stdout, cmd.Stderr = logTo, logTo
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM} // never outlive the harness
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	p := &serverProc{cmd: cmd, base: "http://" + addr, done: make(chan struct{})}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); close(p.done) }()
	c := &http.Client{Timeout: time.Second}
	for {
		select {
		case err := <-exited:
			return nil, 0, fmt.Errorf("essaim serve exited before ready: %v", err)
		default:
		}
		if resp, err := c.Get(p.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, time.Since(start), nil
			}
		}
		if time.Since(start) > 2*time.Minute {
			p.stop()
			return nil, 0, fmt.Errorf("essaim serve not ready after 2 minutes")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// stop ends the server (SIGTERM, then SIGKILL) and waits for it.
func (p *serverProc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// status reads a "VmXXX:   123 kB" line of /proc/PID/status, in bytes.
func procStatus(pid int, key string) uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseUint(f[0], 10, 64)
				return n << 10
			}
		}
	}
	return 0
}

// sampleRSS records the current RSS (for the per-phase peaks).
func (p *serverProc) sampleRSS() uint64 {
	v := procStatus(p.cmd.Process.Pid, "VmRSS")
	for {
		cur := p.rss.Load()
		if v <= cur || p.rss.CompareAndSwap(cur, v) {
			return v
		}
	}
}

// hwm is the peak RSS of the process over its life (VmHWM).
func (p *serverProc) hwm() uint64 { return procStatus(p.cmd.Process.Pid, "VmHWM") }

// coldStarts starts and stops the server n times on an already-loaded
// store and returns the times to /readyz 200, sorted.
func coldStarts(bin, dsn string, n int, logTo *os.File) ([]time.Duration, error) {
	var ds []time.Duration
	for range n {
		p, d, err := startServer(bin, dsn, logTo)
		if err != nil {
			return nil, err
		}
		p.stop()
		ds = append(ds, d)
	}
	slices.Sort(ds)
	return ds, nil
}

// procCPU is the CPU time (user + system) a process has used so far.
func procCPU(pid int) time.Duration { return procTicks(pid, 11, 12) }

// procTicks sums the given fields of /proc/PID/stat, counted from the one
// after the command name (0: the state), as clock ticks.
func procTicks(pid int, fields ...int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The fields after the command name, which is in parentheses.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	var ticks int64
	for _, i := range fields {
		if i >= len(f) {
			return 0
		}
		n, _ := strconv.ParseInt(f[i], 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ
}

func (p *serverProc) cpu() time.Duration { return procCPU(p.cmd.Process.Pid) }

// postgresCPU is the CPU time used so far by the processes named postgres
// (the server and its backends: the harness runs beside PostgreSQL), or 0
// when there is none to read. The time of backends that have exited is in
// their parent's (the postmaster's) children's time, counted too:
// PostGraphile's pool closes connections idle for 10 s, between phases.
func postgresCPU() time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var total time.Duration
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile("/proc/" + e.Name() + "/comm")
		if err != nil || strings.TrimSpace(string(comm)) != "postgres" {
			continue
		}
		total += procTicks(pid, 11, 12, 13, 14) // utime, stime, cutime, cstime
	}
	return total
}
