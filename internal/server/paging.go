package server

import (
	"context"
	"strconv"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/store"
)

// Paging gives every connection a default page size and a maximum.
//
// entgql paginates nothing by default: a connection without first or last
// returns the whole table, and nested connections are loaded eagerly from the
// arguments written in the query document. So the default is written into the
// document itself, once, when a validated document enters the query cache
// (before any request can share it); the maximum is checked per request,
// because first and last may come from variables.
type Paging struct {
	Default, Max int
	// Schema, when set, lets a cursor be checked against the field its
	// connection is ordered by (see validCursor).
	Schema *ast.Schema
}

func isConnection(f *ast.Field) bool {
	return f.Definition != nil && f.Definition.Type != nil &&
		strings.HasSuffix(f.Definition.Type.Name(), "Connection") &&
		f.Definition.Arguments.ForName("first") != nil
}

// walk visits every field of the document's operations and fragments.
func walk(doc *ast.QueryDocument, visit func(*ast.Field)) {
	var sel func(ast.SelectionSet)
	sel = func(set ast.SelectionSet) {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				visit(s)
				sel(s.SelectionSet)
			case *ast.InlineFragment:
				sel(s.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		sel(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		sel(f.SelectionSet)
	}
}

// addDefaults writes first: Default on connections that set neither bound.
func (p Paging) addDefaults(doc *ast.QueryDocument) {
	walk(doc, func(f *ast.Field) {
		if !isConnection(f) || f.Arguments.ForName("first") != nil || f.Arguments.ForName("last") != nil {
			return
		}
		f.Arguments = append(f.Arguments, &ast.Argument{
			Name:     "first",
			Value:    &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(p.Default), Position: f.Position},
			Position: f.Position,
		})
	})
}

// check refuses page sizes above Max or below 0, and connections whose
// bounds were both set to null through variables.
func (p Paging) check(op *graphql.OperationContext) *gqlerror.Error {
	var bad *gqlerror.Error
	walk(op.Doc, func(f *ast.Field) {
		if bad != nil || !isConnection(f) {
			return
		}
		first, last := argInt(f, "first", op.Variables), argInt(f, "last", op.Variables)
		if first == nil && last == nil {
			bad = pagingError(f, "%s needs first or last", f.Name)
			return
		}
		if first != nil && last != nil {
			bad = pagingError(f, "%s: first and last cannot be used together: page forwards with first and after, or backwards with last and before", f.Name)
			return
		}
		for _, n := range []*int64{first, last} {
			if n != nil && (*n < 0 || *n > int64(p.Max)) {
				bad = pagingError(f, "%s: page size must be between 0 and %d, got %d", f.Name, p.Max, *n)
				return
			}
		}
		for _, name := range []string{"after", "before"} {
			if !p.validCursor(f, name, op.Variables) {
				bad = pagingError(f, "%s: invalid %s cursor: cursors are the opaque strings returned by this API", f.Name, name)
				return
			}
		}
	})
	return bad
}

// validCursor reports whether the cursor argument name of f is absent, null
// or one this connection could have returned: decodable, and holding a value
// of the type of the field the connection is ordered by (none when it is
// ordered by ID). It is checked here because ent's eager loading of nested
// connections panics on a cursor it cannot decode, and a forged value (an
// object, a list, text where the order is a number) fails in the database:
// the client would see INTERNAL instead of BAD_USER_INPUT.
func (p Paging) validCursor(f *ast.Field, name string, vars map[string]any) bool {
	a := f.Arguments.ForName(name)
	if a == nil {
		return true
	}
	v, err := a.Value.Value(vars)
	if err != nil {
		return false
	}
	if v == nil {
		return true
	}
	var c entgql.Cursor[int]
	if c.UnmarshalGQL(v) != nil {
		return false
	}
	if f.Definition.Arguments.ForName("orderBy") == nil {
		return true // not ent's: search and links check their own cursors
	}
	return fitsOrder(c.Value, p.orderedField(f, vars))
}

// orderedField is the definition of the node field f is ordered by, nil
// when f has no orderBy (it is then ordered by ID). entgql names an order
// field after the node's field: CREATED_AT orders by createdAt.
func (p Paging) orderedField(f *ast.Field, vars map[string]any) *ast.FieldDefinition {
	a := f.Arguments.ForName("orderBy")
	if a == nil || p.Schema == nil {
		return nil
	}
	v, err := a.Value.Value(vars)
	order, _ := v.(map[string]any)
	if err != nil || order == nil {
		return nil
	}
	enum, _ := order["field"].(string)
	node := p.Schema.Types[strings.TrimSuffix(f.Definition.Type.Name(), "Connection")]
	if node == nil {
		return nil
	}
	return node.Fields.ForName(lowerCamel(enum))
}

// fitsOrder reports whether a cursor's value can be compared with the field
// ordered by: none when ordered by ID, else a value of the field's type, or
// none for its zero value (entgql's cursors leave a zero value out).
func fitsOrder(value any, field *ast.FieldDefinition) bool {
	if value == nil {
		return true
	}
	if field == nil {
		return false
	}
	switch value.(type) {
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return field.Type.Name() == "Int" || field.Type.Name() == "Float"
	case float32, float64:
		return field.Type.Name() == "Float"
	case time.Time:
		return field.Type.Name() == "Time"
	case string:
		switch field.Type.Name() {
		case "Int", "Float", "Time", "Boolean":
			return false
		}
		return true // String, ID and enums
	}
	return false
}

// lowerCamel turns CREATED_AT, or created_at, into createdAt.
func lowerCamel(name string) string { return store.FieldName(strings.ToLower(name)) }

func argInt(f *ast.Field, name string, vars map[string]any) *int64 {
	a := f.Arguments.ForName(name)
	if a == nil {
		return nil
	}
	v, err := a.Value.Value(vars)
	if err != nil || v == nil {
		return nil
	}
	switch n := v.(type) {
	case int64:
		return &n
	case int:
		m := int64(n)
		return &m
	case float64:
		m := int64(n)
		return &m
	}
	if s, ok := v.(interface{ String() string }); ok {
		if m, err := strconv.ParseInt(s.String(), 10, 64); err == nil {
			return &m
		}
	}
	return nil
}

func pagingError(f *ast.Field, format string, args ...any) *gqlerror.Error {
	e := gqlerror.ErrorPosf(f.Position, format, args...)
	e.Extensions = map[string]any{"code": string(apierr.BadUserInput)}
	return e
}

// pagingExtension checks page sizes before execution.
type pagingExtension struct{ Paging }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = pagingExtension{}

func (pagingExtension) ExtensionName() string                   { return "Paging" }
func (pagingExtension) Validate(graphql.ExecutableSchema) error { return nil }
func (e pagingExtension) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	return e.check(op)
}

// pagingCache writes page defaults into documents as they enter the cache.
type pagingCache struct {
	graphql.Cache[*ast.QueryDocument]
	paging Paging
}

func (c pagingCache) Add(ctx context.Context, key string, doc *ast.QueryDocument) {
	c.paging.addDefaults(doc)
	if len(key) <= maxCachedQueryBytes { // the key is the document's text
		c.Cache.Add(ctx, key, doc)
	}
}

// maxCachedQueryBytes bounds the documents the parsed-document and
// persisted-query caches keep (real ones are a few hundred bytes): with
// documents up to maxQueryBytes, their 1,000 entries each could pin 64 MB.
// Larger documents still run; they are parsed again each time.
const maxCachedQueryBytes = 8 << 10

// smallQueries is the automatic persisted-query cache, keeping documents of
// at most maxCachedQueryBytes: a client registers one before it is
// validated, at no rate-limit cost.
type smallQueries struct{ graphql.Cache[string] }

func (c smallQueries) Add(ctx context.Context, hash, query string) {
	if len(query) <= maxCachedQueryBytes {
		c.Cache.Add(ctx, hash, query)
	}
}
