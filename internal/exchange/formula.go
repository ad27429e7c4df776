package exchange

import "strings"

// Spreadsheets run a CSV cell that starts with one of these as a formula
// (=HYPERLINK(…) can send the sheet's data anywhere): exports put an
// apostrophe, the spreadsheets' own "this is text" mark, before such a cell.
const formulaStarts = "=+-@\t\r"

// guarded reports whether v must be written with an apostrophe before it:
// when it starts like a formula, or is an apostrophe before such a text
// (so that unguard gives back exactly what was exported).
func guarded(v string) bool {
	for strings.HasPrefix(v, "'") {
		v = v[1:]
	}
	return v != "" && strings.ContainsRune(formulaStarts, rune(v[0]))
}

// guardFormula is the exported text of a CSV cell.
func guardFormula(v string) string {
	if guarded(v) {
		return "'" + v
	}
	return v
}

// unguardFormula undoes guardFormula on an imported CSV cell; an apostrophe
// before other text is kept.
func unguardFormula(v string) string {
	if rest, ok := strings.CutPrefix(v, "'"); ok && guarded(rest) {
		return rest
	}
	return v
}
