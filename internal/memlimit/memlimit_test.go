package memlimit

import (
	"io"
	"log/slog"
	"math"
	"runtime/debug"
	"testing"
)

// Apply sets the soft limit for the store unless GOMEMLIMIT is set, and
// GOGC under it unless GOGC is set. (Not parallel: the settings are the
// process's; each case restores them.)
func TestApply(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		name             string
		sqlite           bool
		gomemlimit, gogc string
		wantLimit        int64 // -1: left as it was
		wantGCPercent    int   // -1: left as it was
	}{
		{"PostgreSQL", false, "", "", 128 << 20, 400},
		{"SQLite", true, "", "", 112 << 20, 400},
		{"GOGC set", false, "", "150", 128 << 20, -1},
		{"GOMEMLIMIT set", true, "1GiB", "", -1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
			t.Setenv("GOGC", tc.gogc)
			const sentinelLimit, sentinelGC = math.MaxInt64 - 1, 123
			oldLimit, oldGC := debug.SetMemoryLimit(sentinelLimit), debug.SetGCPercent(sentinelGC)
			defer func() { debug.SetMemoryLimit(oldLimit); debug.SetGCPercent(oldGC) }()
			Apply(log, tc.sqlite)
			limit, gc := debug.SetMemoryLimit(-1), debug.SetGCPercent(sentinelGC)
			if want := tc.wantLimit; want == -1 && limit != sentinelLimit || want != -1 && limit != want {
				t.Errorf("memory limit %d, want %d (-1: unchanged)", limit, want)
			}
			if want := tc.wantGCPercent; want == -1 && gc != sentinelGC || want != -1 && gc != want {
				t.Errorf("GOGC %d, want %d (-1: unchanged)", gc, want)
			}
		})
	}
}
