package exchange

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/apierr"
)

// optText checks an optional text cell against the field's length limit
// (0: none) and ent's validator; an empty cell clears the field.
func optText(rec record, col string, max int, validate func(string) error, rep *Report) {
	v, ok := rec.cells[col]
	if !ok || v == "" {
		return
	}
	checkText(rec, col, v, max, validate, rep)
}

func checkText(rec record, col, v string, max int, validate func(string) error, rep *Report) {
	if validate == nil || validate(v) == nil {
		return
	}
	if max > 0 && len(v) > max {
		rep.add(rec.line, col, CodeInvalid, "%s is too long: at most %d bytes", col, max)
		return
	}
	rep.add(rec.line, col, CodeInvalid, "%s %q is not valid", col, shorten(v))
}

// required checks a required text cell.
func required(rec record, col string, max int, validate func(string) error, rep *Report) {
	v := rec.cells[col]
	if v == "" {
		rep.add(rec.line, col, CodeRequired, "%s is required", col)
		return
	}
	checkText(rec, col, v, max, validate, rep)
}

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:57]) + "…"
}

// enumCell reads an enum cell, ignoring case; ok is false (and the problem
// reported) when the value is not one of the enum's.
func enumCell(rec record, col string, validate func(string) error, values string, rep *Report) (string, bool) {
	v := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(rec.cells[col]), " ", "_"))
	if validate(v) != nil {
		rep.add(rec.line, col, CodeInvalid, "%s %q is not one of %s", col, rec.cells[col], values)
		return "", false
	}
	return v, true
}

// parseDate accepts 2024-03-01, 01/03/2024 (French spreadsheets) and RFC 3339.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, "02/01/2006", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: write YYYY-MM-DD (or DD/MM/YYYY)", s)
}

// formatDate writes a date as the import reads it: the day alone at midnight
// UTC, RFC 3339 otherwise.
func formatDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	u := t.UTC()
	if u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0 {
		return u.Format(time.DateOnly)
	}
	return u.Format(time.RFC3339Nano)
}

// rejected turns an error of a write into an issue of the row, or returns it
// when it is not about the data (the database failed).
func rejected(rec record, err error, rep *Report) error {
	var ve *ent.ValidationError
	var ce *ent.ConstraintError
	switch e, coded := apierr.As(err); {
	case coded:
		rep.add(rec.line, snake(e.Field), CodeRejected, "%s", e.Message)
	case errors.As(err, &ve):
		rep.add(rec.line, ve.Name, CodeInvalid, "%s is not valid", ve.Name)
	case errors.As(err, &ce):
		rep.add(rec.line, "", CodeRejected, "this row conflicts with existing data (a key already used)")
	default:
		return err
	}
	return nil
}

// snake turns a GraphQL field name into a column name (endDate -> end_date).
func snake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
