package schemacontract

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/schema.graphql from the current schema (refused when the change breaks the policy)")

const (
	sdlPath       = "docs/schema.graphql"
	changelogPath = "docs/SCHEMA_CHANGELOG.md"
	sdlHeader     = "# The public GraphQL schema of Essaim, as served at /graphql. Generated: do not edit.\n" +
		"# Regenerate after any schema change: go test ./internal/schemacontract -update\n" +
		"# Policy and history: docs/SCHEMA_CHANGELOG.md\n\n"
)

// TestSchemaContract compares the schema gqlgen builds from the files listed
// in gqlgen.yml with the committed docs/schema.graphql. With -update it
// rewrites the file, unless a change breaks the policy.
func TestSchemaContract(t *testing.T) {
	t.Chdir(moduleRoot(t))

	schema, err := LoadFromConfig("gqlgen.yml")
	if err != nil {
		t.Fatalf("load the schema listed by gqlgen.yml: %v", err)
	}
	want := sdlHeader + Print(schema)

	committed, err := os.ReadFile(sdlPath)
	if errors.Is(err, fs.ErrNotExist) && *update {
		writeSDL(t, want)
		return
	}
	if err != nil {
		t.Fatalf("%v: run `go test ./internal/schemacontract -update` to create it", err)
	}
	if string(committed) == want {
		return
	}

	old, err := LoadSDL(sdlPath, string(committed))
	if err != nil {
		t.Fatalf("parse the committed %s: %v", sdlPath, err)
	}
	md, err := os.ReadFile(changelogPath)
	if err != nil {
		t.Fatal(err)
	}
	changes := Diff(old, schema)
	violations := Violations(changes, ParseChangelog(string(md)))

	var report strings.Builder
	for _, c := range changes {
		report.WriteString("\n  " + c.String())
	}
	if len(changes) == 0 {
		report.WriteString("\n  (no change to the contract: descriptions, order or directive definitions only)")
	}
	if len(violations) > 0 {
		t.Fatalf("the schema change breaks the contract policy (see docs/SCHEMA_CHANGELOG.md):\n  %s\nall changes since %s:%s",
			strings.Join(violations, "\n  "), sdlPath, report.String())
	}
	if *update {
		writeSDL(t, want)
		t.Logf("%s updated; changes:%s", sdlPath, report.String())
		return
	}
	t.Fatalf("the schema differs from the committed %s:%s\n"+
		"Record these changes in the upcoming version of %s (breaking ones under \"### Breaking\", "+
		"naming each element in backticks), then run: go test ./internal/schemacontract -update",
		sdlPath, report.String(), changelogPath)
}

// TestChangelogHasUpcomingVersion keeps the changelog parseable: the checks
// above read its topmost version section.
func TestChangelogHasUpcomingVersion(t *testing.T) {
	t.Chdir(moduleRoot(t))
	md, err := os.ReadFile(changelogPath)
	if err != nil {
		t.Fatal(err)
	}
	if c := ParseChangelog(string(md)); c.Version == "" {
		t.Fatalf("%s has no version section (\"## Unreleased\" or \"## X.Y.Z …\")", changelogPath)
	}
}

func writeSDL(t *testing.T, sdl string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(sdlPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sdlPath, []byte(sdl), 0o644); err != nil {
		t.Fatal(err)
	}
}

// moduleRoot walks up from the test's directory to the one holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}
