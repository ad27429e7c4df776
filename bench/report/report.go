// Package report writes benchmark results into BENCHMARKS.md: each command
// owns a section between <!-- NAME:begin --> and <!-- NAME:end --> markers
// and rewrites it in place.
package report

import (
	"fmt"
	"os"
	"strings"
)

// Markers are the begin and end markers of section.
func Markers(section string) (begin, end string) {
	return "<!-- " + section + ":begin -->", "<!-- " + section + ":end -->"
}

// WriteSection replaces the text between the markers of section in path
// with text, appending the markers at the end of the file when it has none.
func WriteSection(path, section, text string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	begin, end := Markers(section)
	s := string(b)
	block := begin + "\n" + text + end
	i, j := strings.Index(s, begin), strings.Index(s, end)
	switch {
	case i >= 0 && j > i:
		s = s[:i] + block + s[j+len(end):]
	case i < 0 && j < 0:
		s = strings.TrimRight(s, "\n") + "\n\n" + block + "\n"
	default:
		return fmt.Errorf("%s: unbalanced %s / %s markers", path, begin, end)
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// LoadAvg returns the 1-minute load average of the machine, or "?".
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}
