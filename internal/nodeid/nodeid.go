// Package nodeid provides the GraphQL ID scalar for ent's integer IDs.
//
// IDs are globally unique: ent gives every type its own range of 2^32 IDs, so
// an ID of one type never resolves to another. Clients must treat them as
// opaque strings.
package nodeid

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/internal/apierr"
)

// MarshalID writes an ID as a JSON string.
func MarshalID(id int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(strconv.Itoa(id)))
	})
}

// UnmarshalID reads an ID given as a string (or, leniently, a JSON integer).
func UnmarshalID(v any) (int, error) {
	switch v := v.(type) {
	case string:
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			return int(id), nil
		}
	case json.Number:
		if id, err := v.Int64(); err == nil && id > 0 {
			return int(id), nil
		}
	case int64:
		if v > 0 {
			return int(v), nil
		}
	case int:
		if v > 0 {
			return v, nil
		}
	}
	return 0, apierr.GraphQL(apierr.BadUserInput, "invalid ID: IDs are the opaque strings returned by this API")
}
