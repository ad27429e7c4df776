// Package exchange moves actors and initiatives in and out of Essaim as
// files: CSV as spreadsheets save it, JSON, and (export only) JSON-LD with
// schema.org and ESSGlobal terms. Imports check every row with the rules of
// the GraphQL mutations and write a file all or nothing; exports stream rows
// page by page.
package exchange

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Kind is what a file holds.
type Kind string

const (
	Actors      Kind = "actors"
	Initiatives Kind = "initiatives"
)

// ParseKind accepts "actors" or "initiatives".
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(strings.TrimSpace(s))); k {
	case Actors, Initiatives:
		return k, nil
	}
	return "", fmt.Errorf("unknown type %q: use actors or initiatives", s)
}

// Format is a file format.
type Format string

const (
	CSV    Format = "csv"
	JSON   Format = "json"
	JSONLD Format = "jsonld"
)

// ParseFormat accepts csv, json and jsonld (json-ld).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "csv":
		return CSV, nil
	case "json":
		return JSON, nil
	case "jsonld", "json-ld":
		return JSONLD, nil
	}
	return "", fmt.Errorf("unknown format %q: use csv, json or jsonld", s)
}

// FormatOf guesses a format from a file name's extension.
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt":
		return CSV, nil
	case ".json":
		return JSON, nil
	case ".jsonld":
		return JSONLD, nil
	}
	return "", fmt.Errorf("cannot tell the format of %q from its extension: give it with --format csv or --format json", name)
}

// ContentType is the media type of a format.
func (f Format) ContentType() string {
	switch f {
	case JSON:
		return "application/json"
	case JSONLD:
		return "application/ld+json"
	}
	return "text/csv; charset=utf-8"
}
