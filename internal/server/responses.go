package server

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/essaim/essaim/internal/apierr"
)

// codedResponses makes sure every error of a response has a code, including
// the ones built outside the error presenter (entgql's Transactioner answers
// a failed BEGIN or COMMIT with the driver's text): those become INTERNAL,
// and their text is logged, never sent.
type codedResponses struct{ log *slog.Logger }

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = codedResponses{}

func (codedResponses) ExtensionName() string                   { return "CodedResponses" }
func (codedResponses) Validate(graphql.ExecutableSchema) error { return nil }

func (c codedResponses) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	for i, e := range resp.Errors {
		if e.Extensions["code"] != nil {
			continue
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t := timeoutError()
			t.Path = e.Path
			resp.Errors[i] = t
			continue
		}
		if strings.HasPrefix(e.Message, "cannot create transaction: ") {
			// entgql's Transactioner could not BEGIN: the database is away.
			c.log.WarnContext(ctx, "database unavailable", "err", e.Message)
			u := apierr.GraphQL(apierr.Unavailable, "the database cannot be reached: try again later")
			u.Path = e.Path
			resp.Errors[i] = u
			continue
		}
		c.log.ErrorContext(ctx, "uncoded error", "err", e.Message)
		internal := apierr.GraphQL(apierr.Internal, "internal error")
		internal.Path = e.Path
		resp.Errors[i] = internal
	}
	return resp
}
