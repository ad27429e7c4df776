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
	for _, tc := range []struct {
		words                 []string
		weight, whole, prefix string
	}{
		{words, "", `'épicerie'`, `'solid':*`},
		{words, "A", `'épicerie':A`, `'solid':*A`},
		{[]string{"mon"}, "", ``, `'mon':*`},
		{[]string{"a", "b", "c"}, "B", `'a':B & 'b':B`, `'c':*B`},
	} {
		whole, prefix := tsQuery(tc.words, tc.weight)
		if whole != tc.whole || prefix != tc.prefix {
			t.Errorf("tsQuery(%q, %q) = %s, %s; want %s, %s", tc.words, tc.weight, whole, prefix, tc.whole, tc.prefix)
		}
	}
}
