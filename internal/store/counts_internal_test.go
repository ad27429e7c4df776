package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/essaim/essaim/ent/territory"
)

// Only counts whose arguments print the same for the same value are kept.
func TestCountKey(t *testing.T) {
	t.Parallel()
	n := int64(3)
	tests := []struct {
		name string
		args any
		ok   bool
	}{
		{"ints and strings", []any{int64(1), "RURAL", 2}, true},
		{"a time", []any{time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}, true},
		{"an enum", []any{territory.KindCOMMUNE}, true},
		{"no arguments", []any{}, true},
		{"a pointer prints as its address", []any{&n}, false},
		{"a byte slice", []any{[]byte("x")}, false},
		{"not ent's argument list", []int{1}, false},
		{"over the key bound", []any{strings.Repeat("x", maxCountKey)}, false},
	}
	for _, tc := range tests {
		if _, ok := countKey("SELECT COUNT(*)", tc.args); ok != tc.ok {
			t.Errorf("%s: kept %v, want %v", tc.name, ok, tc.ok)
		}
	}
	a, _ := countKey("q", []any{"a b"})
	b, _ := countKey("q", []any{"a", "b"})
	if a == b {
		t.Errorf("one key for [\"a b\"] and [\"a\", \"b\"]: %q", a)
	}
}

// A full cache starts over instead of refusing new counts until the next
// write; a count read at an older version is never kept.
func TestCountCacheBounds(t *testing.T) {
	t.Parallel()
	c := NewCountCache(2)
	c.get(5, "")
	c.put(5, "a", 1)
	c.put(5, "b", 2)
	c.put(5, "c", 3) // full: dropped a and b
	for key, want := range map[string]bool{"a": false, "b": false, "c": true} {
		if _, ok := c.get(5, key); ok != want {
			t.Errorf("%s kept: %v, want %v", key, ok, want)
		}
	}
	c.put(4, "old", 9)
	if _, ok := c.get(5, "old"); ok {
		t.Error("a count of version 4 served at version 5")
	}
	if _, ok := c.get(6, "c"); ok {
		t.Error("a count of version 5 served at version 6")
	}
}

// A query request's caches share one read of the versions; a failed read is
// not remembered.
func TestVersionMemo(t *testing.T) {
	t.Parallel()
	ctx := WithVersionMemo(context.Background())
	reads := 0
	fail := true
	read := func() (Versions, error) {
		reads++
		if fail {
			return Versions{}, errors.New("down")
		}
		return Versions{Graph: 7, Network: 3}, nil
	}
	if _, _, err := requestVersionsOr(ctx, read); err == nil {
		t.Fatal("the failed read succeeded")
	}
	fail = false
	first, at, err := requestVersionsOr(ctx, read)
	if err != nil || first.Graph != 7 || !at.IsZero() {
		t.Fatalf("first read: %+v at %v, %v", first, at, err)
	}
	again, at, err := requestVersionsOr(ctx, read)
	if err != nil || again != first || at.IsZero() || reads != 2 {
		t.Errorf("second read: %+v at %v, %v; %d reads, want 2", again, at, err, reads)
	}
	// A request whose versions were read before (the response cache) keeps them.
	fixed := WithVersionMemo(WithRequestVersions(context.Background(), Versions{Graph: 1}))
	if vs, _, _ := requestVersionsOr(fixed, read); vs.Graph != 1 || reads != 2 {
		t.Errorf("versions read before: %+v, %d reads", vs, reads)
	}
}
