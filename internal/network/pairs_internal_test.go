package network

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// Pairs are built in blocks of 4,096 and frozen into one array: a pair on
// either side of a block's edge, or found again after its block filled,
// keeps its own initiatives and relations.
func TestPairsAcrossBlocks(t *testing.T) {
	s := &Snapshot{adj: map[int]map[int]*pairBuild{}}
	const actors = 2*4096 + 10 // actor 1 linked to each other one: three blocks
	for b := 2; b <= actors; b++ {
		p := s.addPair(b, 1) // given in either order
		p.initiatives = append(p.initiatives, 10*b)
	}
	for _, b := range []int{4096, 4097, 4098, 8193, 8194} { // around the edges, found again
		p := s.addPair(1, b)
		p.initiatives = append(p.initiatives, 10*b+1)
		s.relations = append(s.relations, []Relation{{ID: b, From: 1, To: b}})
		p.relations = int32(len(s.relations))
	}
	for id := 1; id <= actors; id++ {
		s.actorIDs = append(s.actorIDs, id)
	}
	if len(s.slabs) != 3 {
		t.Fatalf("%d blocks, want 3", len(s.slabs))
	}
	if err := s.checkSize(); err != nil {
		t.Fatal(err)
	}
	s.buildCompact()
	s.adj = nil
	s.freezePairs()

	seen := 0
	for other, p := range s.linksOf(1) {
		seen++
		want := []int{10 * other}
		relations := 0
		if slices.Contains([]int{4096, 4097, 4098, 8193, 8194}, other) {
			want, relations = append(want, 10*other+1), 1
		}
		if p.A != 1 || p.B != other {
			t.Fatalf("link to %d: pair (%d, %d)", other, p.A, p.B)
		}
		if got := s.initiativesOf(p); !slices.Equal(got, want) {
			t.Errorf("pair (1, %d): initiatives %v, want %v", other, got, want)
		}
		if got := s.relationsOf(p); len(got) != relations || relations == 1 && got[0].ID != other {
			t.Errorf("pair (1, %d): relations %v, want %d with ID %d", other, got, relations, other)
		}
	}
	if seen != actors-1 {
		t.Errorf("actor 1 has %d links, want %d", seen, actors-1)
	}
	if len(s.pairs) != actors-1 || len(s.pairInitiatives) != actors-1+5 {
		t.Errorf("%d pairs and %d pair initiatives, want %d and %d", len(s.pairs), len(s.pairInitiatives), actors-1, actors-1+5)
	}
}

// A network too large for the snapshot's int32 indexes is refused, naming
// what overflowed, instead of wrapping around.
func TestSizeError(t *testing.T) {
	for _, tc := range []struct {
		name                                      string
		actors, pairs, pairLinks, initiativeLinks int
		want                                      string // "" for no error
	}{
		{"reference size", 20_000, 400_000, 1_500_000, 150_000, ""},
		{"largest", math.MaxInt32, math.MaxInt32 / 2, math.MaxInt32, math.MaxInt32, ""},
		{"too many actors", math.MaxInt32 + 1, 1, 1, 1, "actors"},
		{"too many pairs", 1, math.MaxInt32/2 + 1, 1, 1, "neighbour entries"},
		{"too many pair links", 1, 1, math.MaxInt32 + 1, 1, "initiatives shared"},
		{"too many initiative links", 1, 1, 1, math.MaxInt32 + 1, "territories and themes"},
	} {
		err := sizeError(tc.actors, tc.pairs, tc.pairLinks, tc.initiativeLinks)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
