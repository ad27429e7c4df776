// Package nodeid provides the GraphQL ID scalar for ent's integer IDs.
//
// IDs are globally unique: ent gives every type its own range of 2^32 IDs, so
// an ID of one type never resolves to another. Clients must treat them as
// opaque strings.
package nodeid

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/internal/apierr"
)

// MarshalID writes an ID as a JSON string.
func MarshalID(id int) graphql.Marshaler { return quoted(id) }

// quoted writes its ID without allocating when the writer is gqlgen's
// response buffer: a page holds hundreds of IDs, and the closure, the
// decimal string and its quoted copy were three allocations each (boxing a
// quoted is one, for IDs of 256 and more).
type quoted int

func (id quoted) MarshalGQL(w io.Writer) {
	var digits [24]byte
	b := strconv.AppendInt(append(digits[:0], '"'), int64(id), 10)
	b = append(b, '"')
	if buf, ok := w.(*bytes.Buffer); ok {
		_, _ = buf.Write(b)
		return
	}
	_, _ = w.Write(bytes.Clone(b)) // through an interface, b would escape: digits would move to the heap for every writer
}

// UnmarshalID reads an ID given as a string (or, leniently, a JSON integer).
func UnmarshalID(v any) (int, error) {
	switch v := v.(type) {
	case string:
		// Only as written: "01" or "+1" would name the same object under
		// another ID (and another response-cache entry).
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && strconv.FormatInt(id, 10) == v {
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
