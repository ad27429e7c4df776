package main

import (
	"log/slog"
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is the soft memory limit of `essaim serve` when
// GOMEMLIMIT is not set. The server's live heap is mostly the actor-network
// snapshot (about 85 MiB for 20,000 actors and 50,000 initiatives); with the
// default GOGC alone the heap grows to twice the live data before a
// collection, which put the reference load run at 280–300 MiB of RSS. The
// limit makes the collector work harder near it instead (issue #6: < 200 MB);
// it is soft, so a larger network still fits, at some GC cost. GOMEMLIMIT
// (e.g. GOMEMLIMIT=1GiB, or off) overrides it.
const defaultMemoryLimit = 150 << 20

func applyMemoryLimit(log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(defaultMemoryLimit)
	log.Debug("soft memory limit", "bytes", defaultMemoryLimit)
}
