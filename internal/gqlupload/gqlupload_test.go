package gqlupload

import (
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

func TestUnmarshalUpload(t *testing.T) {
	file := graphql.Upload{Filename: "actors.csv", Size: 3, File: strings.NewReader("a,b")}
	if got, err := UnmarshalUpload(file); err != nil || got.Filename != "actors.csv" {
		t.Errorf("UnmarshalUpload(file) = %+v, %v", got, err)
	}
	for _, v := range []any{map[string]any{"a": 1}, "actors.csv", nil, 3} {
		_, err := UnmarshalUpload(v)
		if err == nil {
			t.Errorf("UnmarshalUpload(%#v) accepted", v)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "map[") || strings.Contains(msg, "interface") || strings.Contains(msg, "string is") {
			t.Errorf("UnmarshalUpload(%#v): message names a Go type: %q", v, msg)
		}
	}
}
