// Package gqltime provides the GraphQL Time scalar: RFC 3339 date-times out,
// and in, RFC 3339 date-times or plain dates ("2019-09-20", midnight UTC),
// which is how initiatives' dates are usually known. An empty string is an
// error, never the year 1.
package gqltime

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/internal/apierr"
)

// MarshalTime writes t in RFC 3339 (UTC).
func MarshalTime(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
	})
}

// UnmarshalTime reads an RFC 3339 date-time or a YYYY-MM-DD date.
func UnmarshalTime(v any) (time.Time, error) {
	if s, ok := v.(string); ok {
		for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC(), nil
			}
		}
	}
	return time.Time{}, apierr.GraphQL(apierr.BadUserInput,
		"invalid time: use an RFC 3339 date-time (2019-09-20T00:00:00Z) or a date (2019-09-20)")
}
