package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/essaim/essaim/internal/apierr"
)

const (
	// MaxQueryLen bounds the query text, in bytes.
	MaxQueryLen = 512
	// maxWords bounds the words of a query: more only slows the search down.
	maxWords = 12
	// maxWordLen bounds a word, in runes; no French word is longer.
	maxWordLen = 48
)

// Words splits a query into lower-case words of letters, marks and digits.
// Everything else separates words, so no character of the query can reach
// the store's query syntax. It refuses a query with no word.
func Words(query string) ([]string, error) {
	if len(query) > MaxQueryLen {
		return nil, apierr.BadInput("query", "query: at most %d bytes", MaxQueryLen)
	}
	if !utf8.ValidString(query) {
		return nil, apierr.BadInput("query", "query: not valid UTF-8")
	}
	fields := strings.FieldsFunc(query, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsMark(r) && !unicode.IsDigit(r)
	})
	if len(fields) == 0 {
		return nil, apierr.BadInput("query", "query: give at least one word to search for")
	}
	if len(fields) > maxWords {
		fields = fields[:maxWords]
	}
	words := make([]string, len(fields))
	for i, f := range fields {
		if r := []rune(f); len(r) > maxWordLen {
			f = string(r[:maxWordLen])
		}
		words[i] = strings.ToLower(f)
	}
	return words, nil
}

// ftsMatch is the FTS5 query of words: every word, the last as a prefix.
// Words hold no quote, so quoting each makes it a plain string.
func ftsMatch(words []string) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + w + `"`)
	}
	b.WriteByte('*')
	return b.String()
}

// tsQuery is the to_tsquery text of words, in the part of the document of
// the given weight ("" for anywhere), as two: the words but the last, each
// to match whole, and the last, to match as the start of a word. The caller
// reads the first through the stemming configuration, the second through
// both it and the unstemmed one (a stem may be shorter than what was typed:
// "numériq" is past 'numer'). Words hold no quote or operator; to_tsquery
// stems them and drops French stop words (which makes an empty query, which
// tsquery's && and || leave out).
func tsQuery(words []string, weight string) (whole, prefix string) {
	var b strings.Builder
	for i, w := range words[:len(words)-1] {
		if i > 0 {
			b.WriteString(" & ")
		}
		b.WriteString("'" + w + "'")
		if weight != "" {
			b.WriteString(":" + weight)
		}
	}
	return b.String(), "'" + words[len(words)-1] + "':*" + weight
}
