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
