package store

import (
	"context"
	"strconv"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
)

// Flights runs a computation once for all the callers that ask for the same
// key at the same time (golang.org/x/sync/singleflight): after a write moves
// the graph version, every busy dashboard misses the same counts and
// statistics at once, and each would send its own query. One rule of its
// own: a caller that joined a run which failed, and is itself still in
// time, runs its own (the failure may be the first caller's timeout or
// cancellation, not a fault of the query).
type Flights[T any] struct {
	group   singleflight.Group
	joining atomic.Int64
}

// Run returns run's result for key at graph version, and whether it came
// from another caller's run.
func (f *Flights[T]) Run(ctx context.Context, version int64, key string, run func() (T, error)) (v T, joined bool, err error) {
	f.joining.Add(1)
	led := false // only the first caller's function runs
	res, err, _ := f.group.Do(strconv.FormatInt(version, 10)+"\x00"+key, func() (any, error) {
		led = true
		return run()
	})
	f.joining.Add(-1)
	switch {
	case err == nil:
		return res.(T), !led, nil
	case !led && ctx.Err() == nil:
		v, err = run()
		return v, false, err
	}
	return v, !led, err
}

// Joining is how many callers are in Run (tests wait on it).
func (f *Flights[T]) Joining() int64 { return f.joining.Load() }
