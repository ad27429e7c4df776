// Package schemacontract guards the public GraphQL schema: it prints the
// schema gqlgen serves as one SDL file (docs/schema.graphql), diffs two
// schemas into additions, dangerous and breaking changes, and checks that the
// changes that need it are recorded in docs/SCHEMA_CHANGELOG.md.
//
// The contract test lives in this package; after any schema change run
//
//	go test ./internal/schemacontract -update
//
// from the module root to rewrite docs/schema.graphql (it refuses to when a
// change breaks the policy).
package schemacontract

import (
	"bytes"
	"fmt"

	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// LoadFromConfig loads the schema from the files listed by a gqlgen
// configuration (e.g. "gqlgen.yml"), in the order gqlgen reads them. As with
// gqlgen itself, the globs in the configuration are resolved against the
// current directory, so call it from the module root.
func LoadFromConfig(gqlgenYML string) (*ast.Schema, error) {
	cfg, err := config.LoadConfig(gqlgenYML)
	if err != nil {
		return nil, err
	}
	if len(cfg.Sources) == 0 {
		return nil, fmt.Errorf("%s lists no schema file (are globs resolved from the module root?)", gqlgenYML)
	}
	schema, gerr := gqlparser.LoadSchema(cfg.Sources...)
	if gerr != nil {
		return nil, gerr
	}
	return schema, nil
}

// LoadSDL parses one SDL document, e.g. the committed docs/schema.graphql.
func LoadSDL(name, sdl string) (*ast.Schema, error) {
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: name, Input: sdl})
	if gerr != nil {
		return nil, gerr
	}
	return schema, nil
}

// Print renders a schema as SDL, deterministically: directives and types
// sorted by name, fields in schema order, descriptions kept, comments and
// built-in definitions left out.
func Print(schema *ast.Schema) string {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithIndent("  ")).FormatSchema(schema)
	return buf.String()
}
