package graph

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// objectFields writes what graphql.FieldSet writes, repeated aliases included.
func TestObjectFieldsWriteAsFieldSet(t *testing.T) {
	field := func(alias string) graphql.CollectedField {
		return graphql.CollectedField{Field: &ast.Field{Alias: alias, Name: alias}}
	}
	cases := []struct {
		name   string
		fields []graphql.CollectedField
		values []graphql.Marshaler
	}{
		{"empty", nil, nil},
		{"one", []graphql.CollectedField{field("id")}, []graphql.Marshaler{graphql.MarshalString("a")}},
		{"several, null and nested", []graphql.CollectedField{field("id"), field("name"), field("parent")},
			[]graphql.Marshaler{graphql.MarshalInt(1), graphql.Null, objectFields{[]graphql.CollectedField{field("id")}, []graphql.Marshaler{graphql.MarshalString("é\"")}}}},
		{"alias repeated", []graphql.CollectedField{field("id"), field("name"), field("id"), field("kind")},
			[]graphql.Marshaler{graphql.MarshalInt(1), graphql.MarshalString("n"), graphql.MarshalInt(2), graphql.MarshalString("k")}},
	}
	for _, tc := range cases {
		var want, got bytes.Buffer
		fs := graphql.NewFieldSet(tc.fields)
		copy(fs.Values, tc.values)
		fs.MarshalGQL(&want)
		objectFields{tc.fields, tc.values}.MarshalGQL(&got)
		if got.String() != want.String() {
			t.Errorf("%s: wrote %s, graphql.FieldSet writes %s", tc.name, got.String(), want.String())
		}
	}
}

// enumValue writes what the enums' own marshallers write (strconv.Quote for
// names), and escapes anything else as a JSON string.
func TestEnumValueWritesAJSONString(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"RURAL", `"RURAL"`},
		{"public_body", `"public_body"`},
		{"EPCI2", `"EPCI2"`},
		{"", `""`},
		{`a "b"`, `"a \"b\""`},
		{"é\n", `"é\n"`},
	} {
		var got bytes.Buffer
		enumValue(tc.value).MarshalGQL(&got)
		if got.String() != tc.want {
			t.Errorf("enumValue(%q) wrote %s, want %s", tc.value, got.String(), tc.want)
		}
	}
}

// The per-operation memo gives back what gqlgen collects, once per selection
// set and type, and parses arguments once per field.
func TestOperationMemo(t *testing.T) {
	doc := &ast.QueryDocument{}
	op := &graphql.OperationContext{Doc: doc, Variables: map[string]any{"n": int64(3)}}
	idField := &ast.Field{Alias: "id", Name: "id"}
	sel := ast.SelectionSet{idField, &ast.Field{Alias: "name", Name: "name"}}
	implementors := []string{"Actor"}
	var m operationMemo
	first := m.collectFields(op, sel, implementors)
	if len(first) != 2 || first[0].Alias != "id" || first[1].Alias != "name" {
		t.Fatalf("collected %v, want id and name", first)
	}
	// Another operation context over the same document: gqlgen's own cache,
	// kept in the context, cannot serve it; the memo does.
	again := m.collectFields(&graphql.OperationContext{Doc: doc}, sel, implementors)
	if &again[0] != &first[0] || len(m.collected) != 1 {
		t.Errorf("a second collection of the same selection set and type was not served from the memo (%d entries)", len(m.collected))
	}
	if sub := m.collectFields(op, sel[:1], implementors); len(sub) != 1 {
		t.Errorf("a shorter selection set over the same elements collected %d fields, want 1", len(sub))
	}

	field := graphql.CollectedField{Field: &ast.Field{Name: "actors",
		Arguments:  ast.ArgumentList{{Name: "first", Value: &ast.Value{Kind: ast.Variable, Raw: "n"}}},
		Definition: &ast.FieldDefinition{Name: "actors", Arguments: ast.ArgumentDefinitionList{{Name: "first", Type: ast.NamedType("Int", nil)}}},
	}}
	parses := 0
	parse := func(_ context.Context, raw map[string]any) (map[string]any, error) {
		parses++
		return map[string]any{"first": raw["first"]}, nil
	}
	for range 3 {
		args, err := m.fieldArgs(context.Background(), op, field, "field_Initiative_actors_args", parse)
		if err != nil || args["first"] != int64(3) {
			t.Fatalf("fieldArgs = %v, %v; want first: 3", args, err)
		}
	}
	if parses != 1 {
		t.Errorf("arguments parsed %d times, want once", parses)
	}
	// The same field parsed for another type (a fragment on an interface) is
	// parsed again.
	if _, err := m.fieldArgs(context.Background(), op, field, "field_Territory_actors_args", parse); err != nil || parses != 2 {
		t.Errorf("the field's arguments for another type: %v, parsed %d times in all, want 2", err, parses)
	}
	failing := graphql.CollectedField{Field: &ast.Field{Name: "themes"}}
	fails := 0
	for range 2 {
		if _, err := m.fieldArgs(context.Background(), op, failing, "field_Initiative_themes_args", func(context.Context, map[string]any) (map[string]any, error) {
			fails++
			return nil, errors.New("bad argument")
		}); err == nil {
			t.Fatal("fieldArgs hid the parse error")
		}
	}
	if fails != 2 {
		t.Errorf("a failed parse was run %d times, want 2 (errors are not kept: each object's path reports it)", fails)
	}
}
