package auth

import "context"

// Principal is who sends a request: a key, or an anonymous client (KeyID
// empty) with the role the server gives anonymous clients.
type Principal struct {
	KeyID string
	Role  Role
}

// Anonymous reports whether the request came without a key.
func (p Principal) Anonymous() bool { return p.KeyID == "" }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal of ctx; without one, an anonymous
// client with no role (allowed nothing).
func FromContext(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}
