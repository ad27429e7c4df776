// Package apierr provides the errors that the API shows to clients, each with a
// stable machine-readable code (extensions.code in GraphQL responses).
package apierr

import (
	"errors"
	"fmt"

	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Code is a stable, documented error code.
type Code string

const (
	BadUserInput   Code = "BAD_USER_INPUT"
	NotFound       Code = "NOT_FOUND"
	Forbidden      Code = "FORBIDDEN"
	Conflict       Code = "CONFLICT"
	Internal       Code = "INTERNAL"
	ValidationCode Code = "GRAPHQL_VALIDATION_FAILED"

	// Protocol and limit codes, set by the HTTP layer of the server.
	BadRequest           Code = "BAD_REQUEST"               // malformed HTTP request: bad JSON, batch, no query
	MethodNotAllowed     Code = "METHOD_NOT_ALLOWED"        // mutation over GET, unknown method
	UnsupportedMediaType Code = "UNSUPPORTED_MEDIA_TYPE"    // POST body other than application/json
	RequestTooLarge      Code = "REQUEST_TOO_LARGE"         // body over the configured size
	ComplexityLimit      Code = "COMPLEXITY_LIMIT_EXCEEDED" // depth, aliases, fields, tokens or cost over a limit
	Timeout              Code = "TIMEOUT"                   // the request ran out of time

	// Access codes, set by the access control of the server.
	Unauthenticated Code = "UNAUTHENTICATED" // no key where one is required, or a malformed, unknown or revoked key
	RateLimited     Code = "RATE_LIMITED"    // the cost budget of the key or client IP is spent
)

// Error is an error meant for API clients: its message is safe to show.
type Error struct {
	Code    Code
	Message string
	// Field names the input field at fault, when there is one.
	Field string
}

func (e *Error) Error() string { return e.Message }

// New builds a coded error with a formatted, client-safe message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// BadInput reports invalid client input on a named field.
func BadInput(field, format string, args ...any) *Error {
	return &Error{Code: BadUserInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// As returns the coded error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// GraphQL builds a GraphQL error with a client-safe message and its code in
// extensions.code, for errors made outside the error presenter (scalars,
// transport, limits, recovered panics).
func GraphQL(code Code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": string(code)}}
}
