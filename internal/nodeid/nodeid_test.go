package nodeid

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestMarshalID(t *testing.T) {
	for _, tc := range []struct {
		id   int
		want string
	}{
		{0, `"0"`},
		{-42, `"-42"`},
		{1, `"1"`},
		{4294967522, `"4294967522"`},
		{math.MaxInt64, `"9223372036854775807"`},
		{math.MinInt64, `"-9223372036854775808"`},
	} {
		var buf bytes.Buffer
		MarshalID(tc.id).MarshalGQL(&buf)
		if buf.String() != tc.want {
			t.Errorf("MarshalID(%d) into a bytes.Buffer = %s, want %s", tc.id, buf.String(), tc.want)
		}
		var other strings.Builder
		MarshalID(tc.id).MarshalGQL(&other)
		if other.String() != tc.want {
			t.Errorf("MarshalID(%d) into another writer = %s, want %s", tc.id, other.String(), tc.want)
		}
	}
}

// The response buffer is gqlgen's; writing an ID into it must not allocate
// (a dashboard page writes hundreds).
func TestMarshalIDIntoBufferAllocatesNothing(t *testing.T) {
	var buf bytes.Buffer
	buf.Grow(1 << 16)
	m := MarshalID(4294967522)
	if n := testing.AllocsPerRun(100, func() { m.MarshalGQL(&buf) }); n != 0 {
		t.Errorf("MarshalGQL allocated %v times per ID, want 0", n)
	}
}

// TestUnmarshalID: an ID reads back only as this API writes it, so that one
// object has one ID.
func TestUnmarshalID(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want int
		ok   bool
	}{
		{"4294967522", 4294967522, true},
		{"1", 1, true},
		{int64(7), 7, true},
		{"01", 0, false},
		{"+1", 0, false},
		{" 1", 0, false},
		{"1.0", 0, false},
		{"0", 0, false},
		{"-1", 0, false},
		{"", 0, false},
		{"99999999999999999999", 0, false},
	} {
		got, err := UnmarshalID(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("UnmarshalID(%#v) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
