package graph

import (
	"bytes"
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
