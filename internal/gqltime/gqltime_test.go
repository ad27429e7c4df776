package gqltime

import (
	"bytes"
	"testing"
	"time"
)

func TestUnmarshalTime(t *testing.T) {
	tests := []struct {
		in   any
		want time.Time
		ok   bool
	}{
		{"2019-09-20", time.Date(2019, 9, 20, 0, 0, 0, 0, time.UTC), true},
		{"2019-09-20T10:30:00Z", time.Date(2019, 9, 20, 10, 30, 0, 0, time.UTC), true},
		{"2019-09-20T12:30:00+02:00", time.Date(2019, 9, 20, 10, 30, 0, 0, time.UTC), true},
		{"", time.Time{}, false},
		{"2019-13-45", time.Time{}, false},
		{"2019-09-20 10:30", time.Time{}, false},
		{"20/09/2019", time.Time{}, false},
		{int64(1700000000), time.Time{}, false},
		{nil, time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := UnmarshalTime(tt.in)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("UnmarshalTime(%v) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestMarshalTimeIsUTC(t *testing.T) {
	var b bytes.Buffer
	MarshalTime(time.Date(2019, 9, 20, 12, 0, 0, 0, time.FixedZone("CEST", 7200))).MarshalGQL(&b)
	if got, want := b.String(), `"2019-09-20T10:00:00Z"`; got != want {
		t.Errorf("MarshalTime = %s, want %s", got, want)
	}
}
