package refdata

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Levels of the INSEE communal density grid, 7-level version.
const (
	MinDensityLevel = 1
	MaxDensityLevel = 7
)

// DensityLabel returns the INSEE label of a 7-level grid level, or "" for a
// level outside 1..7.
func DensityLabel(level int) string {
	switch level {
	case 1:
		return "Grands centres urbains"
	case 2:
		return "Centres urbains intermédiaires"
	case 3:
		return "Petites villes"
	case 4:
		return "Ceintures urbaines"
	case 5:
		return "Bourgs ruraux"
	case 6:
		return "Rural à habitat dispersé"
	case 7:
		return "Rural à habitat très dispersé"
	}
	return ""
}

// levelOfLabel maps a LIBDENS label to its level. The level is taken from
// the label and not from DENS because some copies of the grid swap the codes
// of levels 3 and 4 while keeping the labels right.
func levelOfLabel(label string) (int, bool) {
	label = strings.TrimSpace(label)
	for l := MinDensityLevel; l <= MaxDensityLevel; l++ {
		if label == DensityLabel(l) {
			return l, true
		}
	}
	return 0, false
}

// parseDensity reads the grid CSV (columns CODGEO and LIBDENS, found by
// header name) into a level per commune code. Row numbers in errors are
// 1-based line numbers, the header being line 1.
func parseDensity(in input) (map[string]int, error) {
	data := bytes.TrimPrefix(in.data, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffComma(data)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", in.name, err)
	}
	codeCol, labelCol, err := densityColumns(header)
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", in.name, err)
	}
	levels := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return levels, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", in.name, err)
		}
		line, _ := r.FieldPos(0)
		if err := addDensityRow(levels, rec[codeCol], rec[labelCol]); err != nil {
			return nil, fmt.Errorf("%s: row %d: %w", in.name, line, err)
		}
	}
}

func addDensityRow(levels map[string]int, code, label string) error {
	code = strings.TrimSpace(code)
	if code == "" {
		return errors.New("missing CODGEO")
	}
	level, ok := levelOfLabel(label)
	if !ok {
		return fmt.Errorf("commune %s: unknown LIBDENS %q", code, label)
	}
	if _, dup := levels[code]; dup {
		return fmt.Errorf("duplicate CODGEO %q", code)
	}
	levels[code] = level
	return nil
}

// sniffComma accepts the semicolon-separated layout of INSEE's own
// downloads as well as the comma-separated shared copy, judging by the
// header line.
func sniffComma(data []byte) rune {
	header, _, _ := bytes.Cut(data, []byte("\n"))
	if !bytes.ContainsRune(header, ',') && bytes.ContainsRune(header, ';') {
		return ';'
	}
	return ','
}

func densityColumns(header []string) (codeCol, labelCol int, err error) {
	codeCol, labelCol = -1, -1
	for i, h := range header {
		switch strings.ToUpper(strings.TrimSpace(h)) {
		case "CODGEO":
			codeCol = i
		case "LIBDENS":
			labelCol = i
		}
	}
	if codeCol < 0 || labelCol < 0 {
		return 0, 0, fmt.Errorf("need columns CODGEO and LIBDENS, got %q", header)
	}
	return codeCol, labelCol, nil
}
