package report

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteSection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, before, want string
		fails              bool
	}{
		{"replaced in place", "a\n<!-- s:begin -->\nold\n<!-- s:end -->\nb\n", "a\n<!-- s:begin -->\nnew\n<!-- s:end -->\nb\n", false},
		{"appended when missing", "a\n\n", "a\n\n<!-- s:begin -->\nnew\n<!-- s:end -->\n", false},
		{"other sections left alone", "<!-- t:begin -->\nx\n<!-- t:end -->\n", "<!-- t:begin -->\nx\n<!-- t:end -->\n\n<!-- s:begin -->\nnew\n<!-- s:end -->\n", false},
		{"unbalanced", "<!-- s:end -->\n<!-- s:begin -->\n", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "B.md")
			if err := os.WriteFile(path, []byte(tc.before), 0o644); err != nil {
				t.Fatal(err)
			}
			err := WriteSection(path, "s", "new\n")
			if tc.fails {
				if err == nil {
					t.Fatal("unbalanced markers accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
