package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/apierr"
)

// presenter turns every error into a client-safe GraphQL error with a stable
// code in extensions.code. Unknown errors are logged and shown as INTERNAL,
// so no SQL, driver text or stack trace ever reaches a client.
//
// Without suggestions, the "Did you mean …?" that validation appends to its
// messages is cut: it tells a prober the names of fields, arguments, types
// and enum values even when introspection is off.
func presenter(log *slog.Logger, suggestions bool) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if input, ok := inputError(err); ok {
			err = input
		}
		code, msg := classify(ctx, err)
		if code == "" {
			if gqlErr.Message == "operation  not found" { // gqlgen's words for a missing operationName
				gqlErr.Message = "the document holds several operations: name the one to run in operationName"
			}
			if !suggestions {
				if i := strings.Index(gqlErr.Message, " Did you mean "); i >= 0 {
					gqlErr.Message = gqlErr.Message[:i]
				}
			}
			return gqlErr // already coded by gqlgen or by us
		}
		switch code {
		case apierr.Internal:
			log.ErrorContext(ctx, "internal error", "err", err.Error(), "path", gqlErr.Path.String())
		case apierr.Unavailable:
			log.WarnContext(ctx, "database unavailable", "err", err.Error(), "path", gqlErr.Path.String())
		}
		// Look the coded error up before clearing gqlErr.Err: gqlgen hands
		// resolver errors over wrapped in a *gqlerror.Error, and gqlErr is
		// then that very wrapper, so err's chain goes through gqlErr.Err.
		coded, isCoded := apierr.As(err)
		gqlErr.Message = msg
		gqlErr.Err = nil
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		gqlErr.Extensions["code"] = string(code)
		if isCoded && coded.Field != "" {
			gqlErr.Extensions["field"] = coded.Field
		}
		return gqlErr
	}
}

// classify returns the code and message for err, or "" when err already
// carries a code. ent's refusals of input are coded before (inputError).
func classify(ctx context.Context, err error) (apierr.Code, string) {
	var coded *apierr.Error
	var gqlErr *gqlerror.Error
	switch {
	case errors.As(err, &coded):
		return coded.Code, coded.Message
	case ent.IsNotFound(err):
		return apierr.NotFound, "no object has this ID"
	case errors.As(err, &gqlErr) && gqlErr.Extensions["code"] != nil:
		return "", ""
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		// The driver's error on a cancelled statement need not wrap the
		// context's: the request's deadline is what matters.
		return apierr.Timeout, timeoutError().Message
	case isArgumentError(ctx):
		return apierr.BadUserInput, err.Error()
	case databaseUnavailable(err):
		return apierr.Unavailable, "the database cannot be reached: try again later"
	case databaseRefusedValue(err):
		return apierr.BadUserInput, "a text value contains a NUL character or invalid UTF-8"
	}
	return apierr.Internal, "internal error"
}

// isArgumentError reports whether the error arose while gqlgen was decoding a
// field's arguments (a forged cursor, a malformed time): the arguments map is
// only set once decoding succeeded.
func isArgumentError(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && fc.Args == nil && fc.Field.Field != nil && len(fc.Field.Arguments) > 0
}

// recoverer logs a panic with its stack and answers INTERNAL.
func recoverer(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return apierr.GraphQL(apierr.Internal, "internal error")
	}
}
