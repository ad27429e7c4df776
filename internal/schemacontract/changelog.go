package schemacontract

import (
	"strings"
)

// Changelog is the part of docs/SCHEMA_CHANGELOG.md that records the
// upcoming version: its topmost "## " section whose title starts with
// "Unreleased" or a version number.
type Changelog struct {
	// Version is the section title, e.g. "Unreleased" or "0.2.0".
	Version string
	// Breaking is the text under the section's "### Breaking" heading.
	Breaking string
	// All is the whole section.
	All string
}

// ParseChangelog extracts the upcoming version's section from the changelog.
// Version is empty when the changelog has no version section. HTML comments
// are skipped: the changelog keeps a template of a version section in one,
// which must not be read as the upcoming version.
func ParseChangelog(md string) Changelog {
	var c Changelog
	in, inBreaking, inComment := false, false, false
	var all, breaking strings.Builder
	for line := range strings.SplitSeq(md, "\n") {
		t := strings.TrimSpace(line)
		if inComment || strings.HasPrefix(t, "<!--") {
			inComment = !strings.Contains(t, "-->")
			continue
		}
		if title, ok := strings.CutPrefix(t, "## "); ok {
			if in {
				break
			}
			if title = strings.TrimSpace(title); isVersionTitle(title) {
				in, c.Version = true, title
			}
			continue
		}
		if !in {
			continue
		}
		if title, ok := strings.CutPrefix(t, "### "); ok {
			inBreaking = strings.HasPrefix(strings.ToLower(strings.TrimSpace(title)), "breaking")
		}
		all.WriteString(line + "\n")
		if inBreaking {
			breaking.WriteString(line + "\n")
		}
	}
	c.All, c.Breaking = all.String(), breaking.String()
	return c
}

func isVersionTitle(title string) bool {
	title = strings.TrimPrefix(strings.ToLower(title), "v")
	return strings.HasPrefix(title, "unreleased") || (title != "" && title[0] >= '0' && title[0] <= '9')
}

// mentions reports whether text names element in backticks, e.g. `Actor.name`.
func mentions(text, element string) bool { return strings.Contains(text, "`"+element+"`") }

// Violations lists the changes the policy refuses given the changelog:
// removals of elements that were not @deprecated (always), breaking changes
// not named under "### Breaking" in the upcoming version, and dangerous
// changes not named anywhere in it. Safe changes are never refused.
func Violations(changes []Change, c Changelog) []string {
	var v []string
	for _, ch := range changes {
		switch {
		case ch.NotDeprecated:
			v = append(v, "refused: "+ch.Element+" "+ch.Message+" but it was not @deprecated in the committed schema; deprecate it first, remove it in a later version")
		case ch.Severity == Breaking && !mentions(c.Breaking, ch.Element):
			v = append(v, "breaking: "+ch.Element+" "+ch.Message+"; name `"+ch.Element+"` under \"### Breaking\" in the upcoming version of docs/SCHEMA_CHANGELOG.md")
		case ch.Severity == Dangerous && !mentions(c.All, ch.Element):
			v = append(v, "dangerous: "+ch.Element+" "+ch.Message+"; name `"+ch.Element+"` in the upcoming version of docs/SCHEMA_CHANGELOG.md")
		}
	}
	return v
}
