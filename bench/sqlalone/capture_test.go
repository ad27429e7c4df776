package main

import (
	"context"
	"errors"
	"testing"

	entsql "entgo.io/ent/dialect/sql"
)

// fakeRows stands for a driver's rows: only Close is called here.
type fakeRows struct {
	entsql.ColumnScanner
	closed *bool
}

func (r fakeRows) Close() error { *r.closed = true; return nil }

// fakeDriver answers every query with fakeRows, or with err.
type fakeDriver struct {
	closed *bool
	err    error
}

func (d fakeDriver) Query(_ context.Context, _ string, _, v any) error {
	if d.err != nil {
		return d.err
	}
	v.(*entsql.Rows).ColumnScanner = fakeRows{closed: d.closed}
	return nil
}

func (fakeDriver) Exec(context.Context, string, any, any) error { return nil }

// TestQueryRecorded: armed, a query is recorded with its arguments from its
// start to the close of its rows (or to the return of a failed call);
// unarmed, nothing is recorded and the rows are not wrapped; a close after
// the recording was taken changes nothing in it.
func TestQueryRecorded(t *testing.T) {
	errQuery := errors.New("query failed")
	for _, tc := range []struct {
		name        string
		armed       bool
		err         error
		closeBefore bool // close the rows before taking the recording
		wantEnd     bool
	}{
		{"armed, rows closed", true, nil, true, true},
		{"armed, recording taken before the close", true, nil, false, false},
		{"armed, failed query ends at once", true, errQuery, false, true},
		{"unarmed", false, nil, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rec recorder
			if tc.armed {
				rec.arm()
			}
			closed := false
			var rows entsql.Rows
			err := queryRecorded(context.Background(), &rec, fakeDriver{&closed, tc.err}, "SELECT $1", []any{7}, &rows)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if tc.err == nil {
				if _, wrapped := rows.ColumnScanner.(endOnClose); wrapped != tc.armed {
					t.Errorf("rows wrapped: %v, want %v (only while recording)", wrapped, tc.armed)
				}
				if tc.armed && !tc.closeBefore {
					ended := rec.got[0].end
					if !ended.IsZero() {
						t.Errorf("end recorded at the call's return, before the rows were closed")
					}
				}
				if tc.closeBefore {
					_ = rows.Close()
				}
			}
			got := rec.take()
			if tc.err == nil && !tc.closeBefore {
				_ = rows.Close() // too late: the recording was taken
			}
			if !tc.armed {
				if len(got) != 0 {
					t.Fatalf("recorded %d statements unarmed", len(got))
				}
				return
			}
			if len(got) != 1 || got[0].query != "SELECT $1" || len(got[0].args) != 1 || got[0].args[0] != 7 || got[0].start.IsZero() {
				t.Fatalf("recorded %+v, want SELECT $1 [7] with its start", got)
			}
			if hasEnd := !got[0].end.IsZero(); hasEnd != tc.wantEnd {
				t.Errorf("end recorded: %v, want %v", hasEnd, tc.wantEnd)
			}
			if tc.err == nil && !closed {
				t.Error("the driver's rows were not closed through the wrapper")
			}
		})
	}
}
