package respcache

import (
	"bytes"
	"testing"
)

func TestCache(t *testing.T) {
	a, b, c := NewKey("q", "a"), NewKey("q", "b"), NewKey("q", "c")
	data := func(n int) []byte { return bytes.Repeat([]byte("x"), n) }
	type step struct {
		put     bool
		version int64
		key     Key
		size    int // put: bytes filed; get: bytes expected, -1 for a miss
	}
	tests := []struct {
		name  string
		max   int
		steps []step
	}{
		{"an answer is found at its version", 1 << 20, []step{
			{true, 1, a, 10}, {false, 1, a, 10}, {false, 1, b, -1}}},
		{"a newer version drops everything", 1 << 20, []step{
			{true, 1, a, 10}, {false, 2, a, -1}, {false, 1, a, -1}}},
		{"an answer computed at an older version is not filed", 1 << 20, []step{
			{false, 2, b, -1}, {true, 1, a, 10}, {false, 2, a, -1}, {false, 1, a, -1}}},
		{"answers within the bound all stay", 16 * 100, []step{
			{true, 1, a, 90}, {true, 1, b, 90}, {true, 1, c, 90},
			{false, 1, a, 90}, {false, 1, b, 90}, {false, 1, c, 90}}},
		{"over the bound, the oldest use is evicted", 16 * 12, []step{
			{true, 1, a, 12}, {true, 1, b, 12}, {false, 1, a, 12}, // b is now the least recently used
			{true, 1, c, 12}, {true, 1, NewKey("d"), 12}, {true, 1, NewKey("e"), 12}, {true, 1, NewKey("f"), 12},
			{true, 1, NewKey("g"), 12}, {true, 1, NewKey("h"), 12}, {true, 1, NewKey("i"), 12}, {true, 1, NewKey("j"), 12},
			{true, 1, NewKey("k"), 12}, {true, 1, NewKey("l"), 12}, {true, 1, NewKey("m"), 12}, {true, 1, NewKey("n"), 12},
			{true, 1, NewKey("o"), 12}, {true, 1, NewKey("p"), 12}, // 16 answers of 12 bytes fill the bound
			{true, 1, NewKey("q"), 12}, // the 17th evicts the least recently used
			{false, 1, b, -1}, {false, 1, a, 12}}},
		{"an answer over a sixteenth of the bound is not kept", 16 * 100, []step{
			{true, 1, a, 101}, {false, 1, a, -1}, {true, 1, b, 100}, {false, 1, b, 100}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := New(tt.max)
			for i, s := range tt.steps {
				if s.put {
					cache.Put(s.version, s.key, data(s.size))
					continue
				}
				got, ok := cache.Get(s.version, s.key)
				switch {
				case s.size < 0 && ok:
					t.Errorf("step %d: found %d bytes, want a miss", i, len(got))
				case s.size >= 0 && (!ok || len(got) != s.size):
					t.Errorf("step %d: found %v (%d bytes), want %d bytes", i, ok, len(got), s.size)
				}
			}
			if _, _, held := cache.Stats(); held > tt.max {
				t.Errorf("holds %d bytes, over the bound %d", held, tt.max)
			}
		})
	}
}

func TestKeyPartsAreDelimited(t *testing.T) {
	if NewKey("ab", "c") == NewKey("a", "bc") {
		t.Error(`("ab", "c") and ("a", "bc") share a key`)
	}
	if New(0) != nil {
		t.Error("a cache of 0 bytes should be off (nil)")
	}
}
