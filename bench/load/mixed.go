package main

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync/atomic"
	"time"
)

// runMixed runs reads and writes together: of every ten requests, nine are
// reads cycling through the read operations (but cfg.mixedSkip) and one is a
// create-initiative mutation. Each write bumps the graph version, so network
// reads after it pay or wait for a cache rebuild: the figure the per-operation
// tables cannot show. It returns one row per operation and a total row.
// memMax is the peak that runStore's memory sampler keeps; the run resets it
// and reads the peak of its own phase.
func runMixed(client *http.Client, base string, ops []prepared, clients int, cfg runConfig, seq *int, memMax *atomic.Uint64) ([]*opStats, error) {
	var reads []prepared
	var write *prepared
	for _, p := range ops {
		switch {
		case p.op.Mutation:
			write = &p
		case !slices.Contains(cfg.mixedSkip, p.op.Name):
			reads = append(reads, p)
		}
	}
	if write == nil || len(reads) == 0 {
		return nil, fmt.Errorf("mixed run: needs read operations and create_initiative")
	}
	byName := map[string]*opStats{}
	var rows []*opStats
	for _, p := range append(slices.Clone(reads), *write) {
		s := &opStats{op: p.op.Name, clients: clients}
		s.start()
		byName[p.op.Name] = s
		rows = append(rows, s)
	}
	total := &opStats{op: "all (mixed)", clients: clients}
	total.start()
	pick := func(i int) prepared {
		if i%10 == 9 {
			return *write
		}
		return reads[(i-i/10)%len(reads)]
	}
	memMax.Store(0)
	mixedCfg := cfg
	mixedCfg.duration = 2 * cfg.duration
	*seq = runPhase(clients, mixedCfg, *seq, func(i int) error {
		p := pick(i)
		return post(client, base, p.op.Name, p.query, p.vars(i))
	}, func(i, w int, lat time.Duration, err error) {
		s := byName[pick(i).op.Name]
		for _, s := range []*opStats{s, total} {
			s.addLat(lat)
			if err != nil {
				s.errors.Add(1)
				s.firstErr.CompareAndSwap(nil, err.Error())
			}
		}
	})
	peak := memMax.Load()
	for _, s := range append(rows, total) {
		s.finish()
		s.heapMax = peak
	}
	fmt.Fprintf(os.Stderr, "mixed %2d clients: %d requests, %.0f req/s, %d errors\n", clients, len(total.lat),
		float64(len(total.lat))/total.elapsed.Seconds(), total.errors.Load())
	if e := total.firstErr.Load(); e != nil {
		fmt.Fprintf(os.Stderr, "  first error: %s\n", e)
	}
	return append(rows, total), nil
}
