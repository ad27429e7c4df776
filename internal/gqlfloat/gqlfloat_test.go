package gqlfloat

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

func TestUnmarshalFloat(t *testing.T) {
	tests := []struct {
		in   any
		want float64
		ok   bool
	}{
		{1.5, 1.5, true},
		{int64(3), 3, true},
		{7, 7, true},
		{json.Number("2.25"), 2.25, true},
		{"-0.5", -0.5, true},
		{"NaN", 0, false},
		{"Infinity", 0, false},
		{"-Inf", 0, false},
		{"1e999", 0, false},
		{json.Number("1e999"), 0, false},
		{"abc", 0, false},
		{map[string]any{"a": 1}, 0, false},
		{true, 0, false},
	}
	for _, tc := range tests {
		got, err := UnmarshalFloat(context.Background(), tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("UnmarshalFloat(%#v) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && bytes.Contains([]byte(err.Error()), []byte("map[")) {
			t.Errorf("error names a Go type: %v", err)
		}
	}
}

func TestMarshalFloat(t *testing.T) {
	var b bytes.Buffer
	if err := MarshalFloat(0.25).MarshalGQLContext(context.Background(), &b); err != nil || b.String() != "0.25" {
		t.Errorf("MarshalFloat(0.25) wrote %q, %v", b.String(), err)
	}
}
