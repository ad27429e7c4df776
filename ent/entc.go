//go:build ignore

// Command entc generates the ent client and the ent.graphql schema. Run it from
// the module root (see generate.go): gqlgen.yml and ent.graphql paths are
// spelled relative to the root so that regeneration is stable.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

// withTemplates adds the templates of dir after entgql's, so that those
// replacing one of its own (or ent's) win; they may call entgql's template
// functions.
func withTemplates(dir string) entc.Option {
	return func(cfg *gen.Config) error {
		t, err := gen.NewTemplate("essaim").Funcs(entgql.TemplateFuncs).ParseDir(dir)
		if err != nil {
			return fmt.Errorf("parse %s: %w", dir, err)
		}
		cfg.Templates = append(cfg.Templates, t)
		return nil
	}
}

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithNodeDescriptor(false),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeatureGlobalID,
			gen.FeatureVersionedMigration,
			gen.FeatureUpsert,
			gen.FeatureModifier,
			gen.FeatureExecQuery,
			gen.FeatureIntercept,
			gen.FeatureNamedEdges,
		},
	}, entc.Extensions(ex), withTemplates("./ent/template"))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
	if err := restoreZeroCursors("ent/gql_pagination.go"); err != nil {
		log.Fatal(err)
	}
}

// cursorsCall is entgql's call in each pager's applyCursors (single order).
var cursorsCall = regexp.MustCompile(`entgql\.CursorsPredicate\(after, before, (Default\w+Order)\.Field\.column, p\.order\.Field\.column, direction\)`)

// restoreZeroCursors makes each pager give its cursors their zero value
// back before entgql turns them into predicates (see withZeroValue in
// ent/template/cursorzero.tmpl): entgql has no hook for it. Generation fails
// if entgql stops emitting the call.
func restoreZeroCursors(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if len(cursorsCall.FindAll(src, -1)) == 0 {
		return fmt.Errorf("%s: entgql.CursorsPredicate call not found: update restoreZeroCursors", path)
	}
	src = cursorsCall.ReplaceAll(src, []byte("entgql.CursorsPredicate("+
		"withZeroValue(after, p.order.Field.Value, p.order.Field == ${1}.Field), "+
		"withZeroValue(before, p.order.Field.Value, p.order.Field == ${1}.Field), "+
		"${1}.Field.column, p.order.Field.column, direction)"))
	if bytes.Contains(src, []byte("entgql.CursorsPredicate(after, before")) {
		return fmt.Errorf("%s: an entgql.CursorsPredicate call was not rewritten: update restoreZeroCursors", path)
	}
	return os.WriteFile(path, src, 0o644)
}
