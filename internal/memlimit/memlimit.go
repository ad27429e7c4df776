// Package memlimit sets the Go runtime's memory limit and GC pace for a
// server process, unless the operator set them (GOMEMLIMIT, GOGC). `essaim
// serve` applies it; so do the benchmarks that serve in-process, to measure
// the server as it runs.
package memlimit

import (
	"log/slog"
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is the soft memory limit when GOMEMLIMIT is not set.
// The server's live heap is mostly the actor-network snapshot (about 42 MiB
// for 20,000 actors and 50,000 initiatives, two of them during a rebuild);
// with the default GOGC alone the heap grows to twice the live data before a
// collection, which put the reference load run at 280–300 MiB of RSS. The limit makes the collector work harder near it
// instead (issue #6: < 200 MB of RSS, which also holds the binary's code and
// SQLite's own memory, about 50 MiB); it is soft, so a larger network still
// fits, at some GC cost. GOMEMLIMIT (e.g. GOMEMLIMIT=1GiB, or off) overrides
// it.
const defaultMemoryLimit = 128 << 20

// sqliteMemoryLimit is the limit on SQLite, whose engine keeps its page
// caches and sorters outside the Go heap (~20 MiB more RSS than on
// PostgreSQL from the start): with 128 MiB the reference load run peaked at
// 203 MiB of RSS on SQLite, at 161 instead of 177–180 MiB with 112 in
// alternated mixed runs, at no throughput the noise would show (BENCHMARKS.md).
const sqliteMemoryLimit = 112 << 20

// defaultGCPercent is GOGC when neither GOGC nor GOMEMLIMIT is set. Under
// the memory limit above, a higher GOGC only matters while the live heap is
// small (no network snapshot yet, or a small knowledge base): with the
// default 100 a dashboard page (~2 MB of garbage) triggered a collection
// every few requests, and the collector took a quarter of the server's CPU. Without that limit (GOMEMLIMIT set by the
// operator, or off) the heap could grow to five times the live data, so GOGC
// is left alone then.
const defaultGCPercent = 400

// Apply sets the soft memory limit and GOGC as explained above, for a
// server on SQLite or on PostgreSQL.
func Apply(log *slog.Logger, sqlite bool) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := int64(defaultMemoryLimit)
	if sqlite {
		limit = sqliteMemoryLimit
	}
	debug.SetMemoryLimit(limit)
	log.Debug("soft memory limit", "bytes", limit)
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
}
