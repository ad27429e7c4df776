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
