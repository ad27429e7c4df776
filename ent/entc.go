//go:build ignore

// Command entc generates the ent client and the ent.graphql schema. Run it from
// the module root (see generate.go): gqlgen.yml and ent.graphql paths are
// spelled relative to the root so that regeneration is stable.
package main

import (
	"fmt"
	"log"

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
}
