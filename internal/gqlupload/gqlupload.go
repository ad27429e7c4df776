// Package gqlupload provides the GraphQL Upload scalar (a file of a
// multipart request) as gqlgen's, with a refusal that names no Go type:
// gqlgen's told clients that "map[string]interface {} is not an Upload".
package gqlupload

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/internal/apierr"
)

// MarshalUpload writes the file's content, as gqlgen does.
func MarshalUpload(f graphql.Upload) graphql.Marshaler { return graphql.MarshalUpload(f) }

// UnmarshalUpload reads a file of the request's multipart body.
func UnmarshalUpload(v any) (graphql.Upload, error) {
	if u, ok := v.(graphql.Upload); ok {
		return u, nil
	}
	return graphql.Upload{}, apierr.GraphQL(apierr.BadUserInput,
		"an Upload is a file of a multipart request (see the README's import section), not a JSON value")
}
