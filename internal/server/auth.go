package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/auth"
)

// Access configures who may call the API.
type Access struct {
	// AnonymousRole is the role of requests without a key: READER (the
	// default) lets anyone read; "" refuses them with UNAUTHENTICATED.
	// Tests of data behaviour use EDITOR (see internal/gqltest); never in
	// production.
	AnonymousRole auth.Role
}

// exposedHeaders are the response headers browsers may show to scripts.
const exposedHeaders = "X-Request-Id, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After"

// authenticate finds the principal of each request before any GraphQL work:
// a valid key (one indexed lookup per request, nothing cached, so a revoked
// key is refused by every server at once), or an anonymous client when the
// configuration allows them. Anything else gets 401 with WWW-Authenticate
// and an UNAUTHENTICATED GraphQL error, on reads too.
func authenticate(cfg Access, client *ent.Client, log *slog.Logger, next http.Handler) http.Handler {
	keys := auth.NewKeys(client)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		// The media type matters only to a refusal: negotiated then.
		refuse := func(status int, code apierr.Code, msg string) {
			protocolError(w, negotiate(r.Header.Values("Accept")), status, code, msg)
		}
		header := r.Header.Get("Authorization")
		if header == "" {
			if cfg.AnonymousRole == "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="essaim"`)
				refuse(http.StatusUnauthorized, apierr.Unauthenticated,
					"this server requires an API key: send Authorization: Bearer <key>")
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{Role: cfg.AnonymousRole})))
			return
		}
		scheme, token, _ := strings.Cut(header, " ")
		err := auth.ErrInvalidKey
		if strings.EqualFold(scheme, "Bearer") {
			var p auth.Principal
			p, err = keys.Authenticate(r.Context(), strings.TrimSpace(token), time.Now())
			if err == nil {
				next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
				return
			}
		}
		if !errors.Is(err, auth.ErrInvalidKey) {
			log.ErrorContext(r.Context(), "API key lookup failed", "err", err.Error())
			// The lookup is one indexed read: when it fails, the database
			// is unreachable or overloaded, which clients retry.
			refuse(http.StatusServiceUnavailable, apierr.Unavailable, "the API key could not be checked: try again later")
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="essaim", error="invalid_token"`)
		refuse(http.StatusUnauthorized, apierr.Unauthenticated,
			"the API key is malformed, unknown or revoked")
	})
}

// accessControl refuses, before any resolver runs and so before the
// mutation's transaction opens, the operations the principal's role does
// not allow: mutations need EDITOR or ADMIN.
type accessControl struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = accessControl{}

func (accessControl) ExtensionName() string                   { return "AccessControl" }
func (accessControl) Validate(graphql.ExecutableSchema) error { return nil }

func (accessControl) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if refusedByMethod(ctx, op.Operation) {
		return nil
	}
	p := auth.FromContext(ctx)
	need := auth.Reader
	if op.Operation != nil && op.Operation.Operation != ast.Query {
		need = auth.Editor
	}
	if p.Role.Allows(need) {
		return nil
	}
	if p.Role == "" {
		return apierr.GraphQL(apierr.Unauthenticated, "this server requires an API key")
	}
	return apierr.GraphQL(apierr.Forbidden, string(op.Operation.Operation)+" operations need an API key with the role "+string(need)+" or ADMIN")
}

// auditMutations records each mutation field that succeeded, in the
// mutation's transaction: if the operation fails later, the entry is rolled
// back with the change.
func auditMutations(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Object != "Mutation" { // the root fields of mutations only
		return next(ctx)
	}
	res, err := next(ctx)
	if err != nil {
		return res, err
	}
	client := ent.FromContext(ctx)
	if client == nil {
		return nil, errors.New("mutation without a transaction: cannot audit it")
	}
	op := graphql.GetOperationContext(ctx)
	name := op.OperationName
	if name == "" && op.Operation != nil {
		name = op.Operation.Name
	}
	entry := auth.Entry{
		KeyID:       auth.FromContext(ctx).KeyID,
		Operation:   name,
		Field:       fc.Field.Name,
		ObjectID:    objectID(fc.Args, res),
		InputFields: inputFields(fc.Field.ArgumentMap(op.Variables)),
	}
	if err := auth.Record(ctx, client, entry); err != nil {
		return nil, err
	}
	return res, nil
}

// objectID is the id argument of a mutation field, else the ID of the
// object it returns (an ent entity), when there is one.
func objectID(args map[string]any, res any) *int {
	if id, ok := args["id"].(int); ok {
		return &id
	}
	v := reflect.ValueOf(res)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	if f := v.Elem().FieldByName("ID"); f.IsValid() && f.Kind() == reflect.Int {
		id := int(f.Int())
		return &id
	}
	return nil
}

// inputFields lists the arguments set, and the fields set in input objects
// ("input.title"), sorted: what a mutation changed, without the values.
func inputFields(args map[string]any) []string {
	var out []string
	for name, v := range args {
		if v == nil {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			out = append(out, name)
			continue
		}
		for k, fv := range m {
			if fv != nil {
				out = append(out, name+"."+k)
			}
		}
	}
	slices.Sort(out)
	return out
}
