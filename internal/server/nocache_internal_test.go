package server

import "testing"

func TestWantsFresh(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   bool
	}{
		{nil, false},
		{[]string{"no-cache"}, true},
		{[]string{"No-Cache"}, true},
		{[]string{"max-age=0"}, true},
		{[]string{"max-age = 0"}, true},
		{[]string{"no-store, no-cache"}, true},
		{[]string{"public", "no-cache"}, true},
		{[]string{"max-age=60"}, false},
		{[]string{"no-store"}, false},
		{[]string{"no-cache-please"}, false},
	} {
		if got := wantsFresh(c.values); got != c.want {
			t.Errorf("wantsFresh(%q) = %v, want %v", c.values, got, c.want)
		}
	}
}
