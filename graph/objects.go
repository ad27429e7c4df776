package graph

import (
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// objectFields writes an object's resolved fields in order, as
// graphql.FieldSet's MarshalGQL does (see graph/gqlgen.go), without the
// map of written aliases and the copy of each field that it allocates per
// object. An alias repeated in the fields (a field both deferred and not)
// is written once, the first time.
type objectFields struct {
	fields []graphql.CollectedField
	values []graphql.Marshaler
}

func (o objectFields) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, "{")
	for i := range o.fields {
		alias := o.fields[i].Alias
		if o.writtenBefore(i, alias) {
			continue
		}
		if i > 0 {
			_, _ = io.WriteString(w, ",")
		}
		// A GraphQL name ([_A-Za-z][_0-9A-Za-z]*) needs no escaping.
		_, _ = io.WriteString(w, `"`)
		_, _ = io.WriteString(w, alias)
		_, _ = io.WriteString(w, `":`)
		o.values[i].MarshalGQL(w)
	}
	_, _ = io.WriteString(w, "}")
}

func (o objectFields) writtenBefore(i int, alias string) bool {
	for j := range i {
		if o.fields[j].Alias == alias {
			return true
		}
	}
	return false
}

// orderedFields stands for graphql.FieldSet in the marshallers of objects
// whose fields resolve in order (see graph/gqlgen.go): they only fill its
// values and count the invalid ones, and a FieldSet was one allocation more
// per object, as it escaped to the heap.
type orderedFields struct {
	Values   []graphql.Marshaler
	Invalids uint32
}

// enumValue writes an enum value as a JSON string. Enum values are GraphQL
// names ([_A-Za-z][_0-9A-Za-z]*), so they need no escaping and none is
// copied; anything else (a value written to the database by hand) is
// escaped as any string.
type enumValue string

func (e enumValue) MarshalGQL(w io.Writer) {
	for i := 0; i < len(e); i++ {
		if c := e[i]; !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			graphql.MarshalString(string(e)).MarshalGQL(w)
			return
		}
	}
	_, _ = io.WriteString(w, `"`)
	_, _ = io.WriteString(w, string(e))
	_, _ = io.WriteString(w, `"`)
}
