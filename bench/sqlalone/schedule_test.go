package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// ran is a statement the server ran from the from-th to the to-th
// millisecond; to < 0: its end was not seen (its rows closed after the
// recording was taken).
func ran(from, to int) stmt {
	at := func(ms int) time.Time { return time.Unix(0, 0).Add(time.Duration(ms) * time.Millisecond) }
	s := stmt{start: at(from), end: at(to)}
	if to < 0 {
		s.end = time.Time{}
	}
	return s
}

func TestScheduleOf(t *testing.T) {
	for _, tc := range []struct {
		name       string
		stmts      []stmt
		after      [][]int
		inline     []bool
		overlapped bool
	}{
		{"one after the other", []stmt{ran(0, 1), ran(1, 3), ran(4, 5)},
			[][]int{nil, {0}, {0, 1}}, []bool{true, true, true}, false},
		{"a count beside the page, then loads beside the count",
			[]stmt{ran(0, 2), ran(0, 9), ran(2, 4), ran(3, 5)},
			[][]int{nil, nil, {0}, {0}}, []bool{false, false, false, true}, true},
		{"loads beside each other, then one more",
			[]stmt{ran(0, 1), ran(1, 4), ran(1, 3), ran(5, 6)},
			[][]int{nil, {0}, {0}, {0, 1, 2}}, []bool{true, false, true, true}, true},
		{"an end not seen counts as ended before the next start",
			[]stmt{ran(0, -1), ran(1, 2)},
			[][]int{nil, {0}}, []bool{true, true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := scheduleOf(tc.stmts)
			if !reflect.DeepEqual(s.after, tc.after) {
				t.Errorf("after = %v, want %v", s.after, tc.after)
			}
			if !reflect.DeepEqual(s.inline, tc.inline) {
				t.Errorf("inline = %v, want %v", s.inline, tc.inline)
			}
			if got := s.overlapped(); got != tc.overlapped {
				t.Errorf("overlapped = %v, want %v", got, tc.overlapped)
			}
		})
	}
}

// TestReplayScheduled: a page (#0) with its count beside it (#1), then two
// loads (#2, #3) once the page has ended, beside the count and each other,
// as a dashboard page on an idle server. Each statement starts only once
// those that had ended before it in the server have ended, and the count
// runs beside the loads (it ends only once they have); a failing statement's
// error is returned once every statement has ended. (The schedule itself
// is TestScheduleOf's.)
func TestReplayScheduled(t *testing.T) {
	errFailing := errors.New("failing statement")
	stmts := []stmt{ran(0, 2), ran(0, 9), ran(2, 4), ran(3, 5)}
	for j := range stmts {
		stmts[j].query = strconv.Itoa(j)
	}
	s := scheduleOf(stmts)
	for _, failing := range []int{-1, 2} {
		t.Run(fmt.Sprintf("failing #%d", failing), func(t *testing.T) {
			ended := make([]chan struct{}, len(stmts))
			for j := range ended {
				ended[j] = make(chan struct{})
			}
			run := func(_ context.Context, st stmt) error {
				j, _ := strconv.Atoi(st.query)
				defer close(ended[j])
				for _, i := range s.after[j] {
					select {
					case <-ended[i]:
					default:
						return fmt.Errorf("#%d started before #%d ended", j, i)
					}
				}
				if j == 1 {
					for _, k := range []int{2, 3} {
						select {
						case <-ended[k]:
						case <-time.After(5 * time.Second):
							return fmt.Errorf("#1 ran alone: #%d did not run beside it", k)
						}
					}
				}
				if j == failing {
					return errFailing
				}
				return nil
			}
			err := replayScheduled(context.Background(), stmts, s, run)
			for j := range ended {
				select {
				case <-ended[j]:
				default:
					t.Errorf("#%d had not ended when the replay returned", j)
				}
			}
			switch {
			case failing < 0 && err != nil:
				t.Errorf("replay: %v", err)
			case failing >= 0 && !errors.Is(err, errFailing):
				t.Errorf("replay: %v, want the failing statement's error", err)
			}
		})
	}
}
