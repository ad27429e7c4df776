// Package gqlfloat provides the GraphQL Float scalar: written as gqlgen
// writes it, read as gqlgen reads it (a number, or a string holding one)
// but only when finite. gqlgen's own reading let "NaN" and "Infinity" in
// through variables: PostgreSQL stored them, and every later read of the
// value failed, as JSON has no such numbers.
package gqlfloat

import (
	"context"
	"encoding/json"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/internal/apierr"
)

// MarshalFloat writes f as gqlgen does (an error for NaN or an infinity).
func MarshalFloat(f float64) graphql.ContextMarshaler {
	return graphql.MarshalFloatContext(f)
}

// UnmarshalFloat reads a finite number.
func UnmarshalFloat(_ context.Context, v any) (float64, error) {
	var (
		f   float64
		err error
	)
	switch v := v.(type) {
	case float64:
		f = v
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case json.Number:
		f, err = strconv.ParseFloat(string(v), 64)
	case string:
		f, err = strconv.ParseFloat(v, 64)
	default:
		err = strconv.ErrSyntax
	}
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, apierr.GraphQL(apierr.BadUserInput, "invalid Float: use a finite number")
	}
	return f, nil
}
