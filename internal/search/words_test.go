package search

import (
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		query string
		want  []string // nil: refused
	}{
		{"Chalon-sur-Saône", []string{"chalon", "sur", "saône"}},
		{`"numérique" AND (coop*)`, []string{"numérique", "and", "coop"}},
		{"l'économie NEAR/2 sociale", []string{"l", "économie", "near", "2", "sociale"}},
		{"title:vélo -x {a}", []string{"title", "vélo", "x", "a"}},
		{"e\u0301cole", []string{"e\u0301cole"}}, // combining accent stays in the word
		{"", nil},
		{"  \t\n", nil},
		{`"*-:()'^{}`, nil},
		{strings.Repeat("a", MaxQueryLen+1), nil},
		{"\xff\xfe", nil},
		{strings.Repeat("mot ", 20), slices.Repeat([]string{"mot"}, maxWords)},
	} {
		got, err := Words(tc.query)
		if tc.want == nil {
			if err == nil {
				t.Errorf("Words(%q) = %q, want an error", tc.query, got)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Words(%q) = %q, %v; want %q", tc.query, got, err, tc.want)
		}
	}
}

func TestMatchExpressions(t *testing.T) {
	t.Parallel()
	words := []string{"épicerie", "solid"}
	if got, want := ftsMatch(words), `"épicerie" "solid"*`; got != want {
		t.Errorf("ftsMatch = %s, want %s", got, want)
	}
	if got, want := tsQuery(words, ""), `'épicerie' & 'solid':*`; got != want {
		t.Errorf("tsQuery = %s, want %s", got, want)
	}
	if got, want := tsQuery(words, "A"), `'épicerie':A & 'solid':*A`; got != want {
		t.Errorf("weighted tsQuery = %s, want %s", got, want)
	}
}
