package exchange

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// record is one data row: line is where it starts (CSV) or its number in the
// array (JSON); cells holds the columns it has, trimmed.
type record struct {
	line  int
	cells map[string]string
}

func (r record) has(col string) bool { _, ok := r.cells[col]; return ok }

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// checkEncoding strips a UTF-8 byte order mark and refuses anything that is
// not UTF-8, saying on which line the first bad byte is.
func checkEncoding(data []byte, rep *Report) ([]byte, bool) {
	if bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) {
		rep.add(0, "", CodeEncoding, "the file is in UTF-16: save it as UTF-8 (in a spreadsheet: \"CSV UTF-8\")")
		return nil, false
	}
	data = bytes.TrimPrefix(data, bomUTF8)
	if utf8.Valid(data) {
		return data, true
	}
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	rep.add(line, "", CodeEncoding, "the file is not UTF-8 (first bad byte on this line; Windows-1252 or Latin-1?): save it as UTF-8 (in a spreadsheet: \"CSV UTF-8\")")
	return nil, false
}

// normalizeColumn lets spreadsheet headers like "Start date" name start_date.
func normalizeColumn(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}

// readRecords decodes a whole file into records, reporting what prevents it.
func readRecords(data []byte, f Format, kind Kind, rep *Report) ([]record, bool) {
	data, ok := checkEncoding(data, rep)
	if !ok {
		return nil, false
	}
	var recs []record
	if f == JSON {
		recs, ok = readJSON(data, kind, rep)
	} else {
		recs, ok = readCSV(data, kind, rep)
	}
	return recs, refuseNUL(recs, kind, rep) && ok
}

// refuseNUL reports cells with a NUL character: PostgreSQL refuses them
// (the whole import would fail on a database error, without a line) and
// SQLite would store them; either way the file is at fault.
func refuseNUL(recs []record, kind Kind, rep *Report) bool {
	ok := true
	for _, r := range recs {
		for _, col := range Columns(kind) {
			if strings.IndexByte(r.cells[col], 0) >= 0 {
				rep.add(r.line, col, CodeInvalid, "the cell contains a NUL character")
				ok = false
			}
		}
	}
	return ok
}

// delimiter picks ',' or ';' (French spreadsheets) from the header line,
// whichever occurs more often outside quotes.
func delimiter(data []byte) rune {
	commas, semis, quoted := 0, 0, false
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			if semis > commas {
				return ';'
			}
			return ','
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

func readCSV(data []byte, kind Kind, rep *Report) ([]record, bool) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = delimiter(data)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		rep.add(0, "", CodeSyntax, "the file is empty: the first line must name the columns")
		return nil, false
	}
	if err != nil {
		rep.add(1, "", CodeSyntax, "the header line cannot be read: %s", csvProblem(err))
		return nil, false
	}
	cols := make([]string, len(header))
	for i, h := range header {
		cols[i] = normalizeColumn(h)
	}
	if !checkHeader(cols, kind, rep) {
		return nil, false
	}
	var out []record
	for !rep.full() {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			rep.add(line, "", CodeSyntax, "%s", csvProblem(err))
			return nil, false
		}
		line, _ := cr.FieldPos(0)
		if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
			continue // a blank line
		}
		if len(fields) != len(cols) {
			rep.add(line, "", CodeSyntax, "this line has %d cells where the header has %d columns", len(fields), len(cols))
			continue
		}
		r := record{line: line, cells: make(map[string]string, len(cols))}
		for i, c := range cols {
			r.cells[c] = unguardFormula(strings.TrimSpace(fields[i]))
		}
		out = append(out, r)
	}
	return out, rep.OK()
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			return "a quote is misplaced: a cell with quotes must be wholly quoted, with inner quotes doubled"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

// checkHeader refuses unknown, repeated and missing required columns.
func checkHeader(cols []string, kind Kind, rep *Report) bool {
	known := Columns(kind)
	seen := map[string]bool{}
	for _, c := range cols {
		switch {
		case !slices.Contains(known, c):
			rep.add(1, c, CodeUnknownColumn, "unknown column %q; the columns are: %s", c, strings.Join(known, ", "))
		case seen[c]:
			rep.add(1, c, CodeSyntax, "column %q appears twice", c)
		}
		seen[c] = true
	}
	for _, c := range requiredColumns[kind] {
		if !seen[c] {
			rep.add(1, c, CodeMissingColumn, "the required column %q is missing", c)
		}
	}
	return rep.OK()
}

// readJSON reads an array of objects whose keys are the CSV columns; list
// columns take an array of strings or one "|"-separated string.
func readJSON(data []byte, kind Kind, rep *Report) ([]record, bool) {
	var raw []map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		rep.add(0, "", CodeSyntax, "the file is not a JSON array of objects: %s", jsonProblem(err))
		return nil, false
	}
	known := Columns(kind)
	out := make([]record, 0, len(raw))
	for i, obj := range raw {
		r := record{line: i + 1, cells: make(map[string]string, len(obj))}
		for k, v := range obj {
			col := normalizeColumn(k)
			if !slices.Contains(known, col) {
				rep.add(r.line, k, CodeUnknownColumn, "unknown field %q; the fields are: %s", k, strings.Join(known, ", "))
				continue
			}
			s, err := jsonCell(v)
			if err != nil {
				rep.add(r.line, col, CodeInvalid, "%s", err)
				continue
			}
			r.cells[col] = s
		}
		for _, c := range requiredColumns[kind] {
			if !r.has(c) {
				rep.add(r.line, c, CodeMissingColumn, "the required field %q is missing", c)
			}
		}
		out = append(out, r)
	}
	return out, rep.OK()
}

func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("found a JSON %s where %s was expected", typ.Value, typ.Type)
	}
	return "it ends too early"
}

// jsonCell turns a JSON value into the text of a cell.
func jsonCell(v json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return strings.TrimSpace(s), nil
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		return n.String(), nil
	}
	if string(v) == "null" {
		return "", nil
	}
	var list []string
	if json.Unmarshal(v, &list) == nil {
		for i := range list {
			list[i] = strings.TrimSpace(list[i])
		}
		return strings.Join(list, listSep), nil
	}
	return "", errors.New("must be a string, a number, null or an array of strings")
}
