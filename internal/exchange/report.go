package exchange

import (
	"fmt"
	"io"
)

// Report says what an import did, or would do on a dry run, and what is wrong
// with the file. It is the same for the command line and GraphQL.
type Report struct {
	Kind   Kind   `json:"kind"`
	Format Format `json:"format"`
	DryRun bool   `json:"dryRun"`
	// Rows is the number of data rows read.
	Rows    int `json:"rows"`
	Created int `json:"created"`
	Updated int `json:"updated"`
	// Errors lists every problem; when there is one, nothing was written.
	Errors []Issue `json:"errors"`
}

// Issue is one problem of a file, at a line (1 = the header of a CSV file;
// for JSON, the number of the record) and column when known.
type Issue struct {
	Line    int    `json:"line,omitempty"`
	Column  string `json:"column,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Issue codes, stable for programs reading the report.
const (
	CodeEncoding      = "ENCODING"
	CodeSyntax        = "SYNTAX"
	CodeMissingColumn = "MISSING_COLUMN"
	CodeUnknownColumn = "UNKNOWN_COLUMN"
	CodeRequired      = "REQUIRED"
	CodeInvalid       = "INVALID_VALUE"
	CodeUnknownRef    = "UNKNOWN_REFERENCE"
	CodeAmbiguous     = "AMBIGUOUS_REFERENCE"
	CodeDuplicate     = "DUPLICATE_KEY"
	CodeTooLarge      = "TOO_LARGE"
	CodeRejected      = "REJECTED" // refused by the store's own rules while writing
)

// OK reports whether the file had no problem.
func (r *Report) OK() bool { return len(r.Errors) == 0 }

func (r *Report) add(line int, column, code, format string, args ...any) {
	r.Errors = append(r.Errors, Issue{Line: line, Column: column, Code: code, Message: fmt.Sprintf(format, args...)})
}

// maxIssues bounds a report: past it, the file is badly off and more lines
// would not help.
const maxIssues = 1000

func (r *Report) full() bool { return len(r.Errors) >= maxIssues }

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) {
	for _, e := range r.Errors {
		switch {
		case e.Line > 0 && e.Column != "":
			fmt.Fprintf(w, "line %d, column %s: %s\n", e.Line, e.Column, e.Message)
		case e.Line > 0:
			fmt.Fprintf(w, "line %d: %s\n", e.Line, e.Message)
		default:
			fmt.Fprintf(w, "%s\n", e.Message)
		}
	}
	switch {
	case !r.OK():
		fmt.Fprintf(w, "%d %s rows read, %d problems: nothing was written\n", r.Rows, r.Kind, len(r.Errors))
	case r.DryRun:
		fmt.Fprintf(w, "%d %s rows checked, no problem (dry run, nothing written): %d would be created, %d updated\n",
			r.Rows, r.Kind, r.Created, r.Updated)
	default:
		fmt.Fprintf(w, "%d %s rows imported: %d created, %d updated\n", r.Rows, r.Kind, r.Created, r.Updated)
	}
}

// AnalyzeAfterRows is the size of an import after which the planner's
// statistics are refreshed (ANALYZE): SQLite never refreshes them by
// itself, and stale ones can mislead its plans badly (BENCHMARKS.md: one
// shared created_at turned "newest first" pages into seconds-long scans).
const AnalyzeAfterRows = 1000

// StaleStatistics reports whether the import wrote enough rows for the
// planner's statistics to need refreshing.
func (r *Report) StaleStatistics() bool {
	return r.OK() && !r.DryRun && r.Created+r.Updated >= AnalyzeAfterRows
}
