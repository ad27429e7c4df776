package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// schedule is how the server ran one request's statements, to replay them
// the same way: on an idle server a page's count and its edge loads run on
// connections of their own, beside each other (README, "Protocol and
// limits"), and PostgreSQL's time for the same SQL is then the time of the
// statements overlapped as they were, not one after the other.
type schedule struct {
	// after[j]: the statements that had ended when statement j started;
	// the replay starts j once they have ended.
	after [][]int
	// inline[j]: every later statement started after j had ended, so the
	// replay runs j on the calling goroutine (no goroutine of its own).
	inline []bool
}

// scheduleOf reads the schedule from when each statement started and ended
// (see stmt). A statement whose end was not seen (its rows closed after the
// recording was taken) counts as ended before every later one started.
func scheduleOf(stmts []stmt) schedule {
	s := schedule{after: make([][]int, len(stmts)), inline: make([]bool, len(stmts))}
	endedBefore := func(i, j int) bool {
		return stmts[i].end.IsZero() || !stmts[i].end.After(stmts[j].start)
	}
	for j := range stmts {
		s.inline[j] = true
		for i := range j {
			if endedBefore(i, j) {
				s.after[j] = append(s.after[j], i)
			}
		}
		for k := j + 1; k < len(stmts); k++ {
			if !endedBefore(j, k) {
				s.inline[j] = false
			}
		}
	}
	return s
}

// overlapped tells whether any statement ran beside another.
func (s schedule) overlapped() bool {
	for j, after := range s.after {
		if len(after) < j {
			return true
		}
	}
	return false
}

// describe names statement j's predecessors that it did not wait for.
func (s schedule) describe(j int) string {
	var beside []string
	waited := map[int]bool{}
	for _, i := range s.after[j] {
		waited[i] = true
	}
	for i := range j {
		if !waited[i] {
			beside = append(beside, fmt.Sprintf("#%d", i+1))
		}
	}
	if len(beside) == 0 {
		return ""
	}
	return " (beside " + strings.Join(beside, ", ") + ")"
}

// replayAsServed runs the statements on db as the schedule says: each once
// those that had ended before it in the server have ended, the ones the
// server overlapped on goroutines of their own, each on a pooled connection.
// When nothing overlapped, replayInTurn replays them itself: the bookkeeping
// of replayScheduled, small as it is, made node's one statement 10% slower.
func replayAsServed(ctx context.Context, db *sql.DB, stmts []stmt, s schedule) error {
	if !s.overlapped() {
		return replayInTurn(ctx, db, stmts, nil)
	}
	return replayScheduled(ctx, stmts, s, func(ctx context.Context, st stmt) error {
		_, err := runStatement(ctx, db, st)
		return err
	})
}

// replayScheduled runs each statement with run once those listed in
// s.after have ended, on the calling goroutine when s.inline says so and on
// a goroutine of its own otherwise; it returns when all have ended.
func replayScheduled(ctx context.Context, stmts []stmt, s schedule, run func(context.Context, stmt) error) error {
	done := make([]chan struct{}, len(stmts))
	for j := range done {
		done[j] = make(chan struct{})
	}
	errs := make([]error, len(stmts))
	runOne := func(j int) {
		defer close(done[j])
		for _, i := range s.after[j] {
			<-done[i]
		}
		errs[j] = run(ctx, stmts[j])
	}
	var wg sync.WaitGroup
	for j := range stmts {
		if s.inline[j] {
			runOne(j)
			continue
		}
		wg.Go(func() { runOne(j) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// replayInTurn runs the statements one after the other and appends the time
// of each to each[i] (each may be nil).
func replayInTurn(ctx context.Context, db *sql.DB, stmts []stmt, each [][]time.Duration) error {
	for i, s := range stmts {
		d, err := runStatement(ctx, db, s)
		if err != nil {
			return err
		}
		if each != nil {
			each[i] = append(each[i], d)
		}
	}
	return nil
}

// runStatement runs one statement and reads every row, as the server's
// driver would.
func runStatement(ctx context.Context, db *sql.DB, s stmt) (time.Duration, error) {
	t := time.Now()
	rows, err := db.QueryContext(ctx, s.query, s.args...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", s.query, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	dst := make([]any, len(cols))
	for i := range dst {
		dst[i] = new(sql.RawBytes)
	}
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return 0, err
		}
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	return time.Since(t), rows.Err()
}
