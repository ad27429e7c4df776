package main

import (
	"reflect"
	"testing"
	"time"
)

func TestScheduleOf(t *testing.T) {
	at := func(ms int) time.Time { return time.Unix(0, 0).Add(time.Duration(ms) * time.Millisecond) }
	ran := func(from, to int) stmt {
		s := stmt{start: at(from), end: at(to)}
		if to < 0 {
			s.end = time.Time{} // end not seen: the rows closed after the recording was taken
		}
		return s
	}
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
