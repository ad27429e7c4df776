package server

import (
	"context"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/auth"
)

// RateLimit spends a budget of operation cost (extensions.cost) per minute
// for each API key, and for each client IP of anonymous requests. Buckets
// live in the process: behind a load balancer, each server enforces the
// budget on its own share of the traffic.
type RateLimit struct {
	// PerMinute is the cost budget of an identity per minute, refilled
	// continuously; also the most it can save up (0: no rate limit).
	PerMinute int
	// MaxIdentities bounds the buckets kept in memory; idle (full) buckets
	// are evicted first.
	MaxIdentities int
	// TrustForwardedFor takes the client IP of anonymous requests from the
	// last address of X-Forwarded-For (the one the proxy in front added)
	// rather than from the connection: set it only behind such a proxy.
	TrustForwardedFor bool
	// Now is the clock (nil: time.Now); tests inject their own.
	Now func() time.Time
}

// DefaultRateLimit lets an identity run about 200 default-sized pages a
// minute.
func DefaultRateLimit() RateLimit {
	return RateLimit{PerMinute: 20000, MaxIdentities: 10000}
}

// limiter holds the token buckets of the identities.
type limiter struct {
	cfg     RateLimit
	metrics *Metrics
	rate    float64 // tokens per second
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// decision is the state of a bucket after a request, for the headers.
type decision struct {
	limited    bool
	limit      int
	remaining  int
	reset      int // seconds until the bucket is full again
	retryAfter int // seconds until the refused cost is available
}

// metrics, if not nil, count refused requests by identity kind.
func newLimiter(cfg RateLimit, metrics *Metrics) *limiter {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxIdentities <= 0 {
		cfg.MaxIdentities = DefaultRateLimit().MaxIdentities
	}
	return &limiter{cfg: cfg, metrics: metrics, rate: float64(cfg.PerMinute) / 60, buckets: map[string]*bucket{}}
}

// refilled returns the tokens of id's bucket now (a missing bucket is full).
func (l *limiter) refilled(b *bucket, now time.Time) float64 {
	if b == nil {
		return float64(l.cfg.PerMinute)
	}
	return math.Min(float64(l.cfg.PerMinute), b.tokens+now.Sub(b.at).Seconds()*l.rate)
}

// take spends cost from id's bucket, or refuses it and spends nothing. Every
// request costs at least 1; a cost above the budget is charged as the whole
// budget, so that any operation within the cost limit can run on a full
// bucket.
func (l *limiter) take(id string, cost int) decision {
	cost = min(max(cost, 1), l.cfg.PerMinute)
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[id]
	tokens := l.refilled(b, now)
	if tokens < float64(cost) {
		d := l.decide(tokens)
		d.limited = true
		d.retryAfter = max(1, int(math.Ceil((float64(cost)-tokens)/l.rate)))
		return d
	}
	if b == nil {
		l.makeRoom(now)
		b = &bucket{}
		l.buckets[id] = b
	}
	b.tokens, b.at = tokens-float64(cost), now
	return l.decide(b.tokens)
}

// peek returns id's state without spending anything.
func (l *limiter) peek(id string) decision {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.decide(l.refilled(l.buckets[id], now))
}

func (l *limiter) decide(tokens float64) decision {
	return decision{
		limit:     l.cfg.PerMinute,
		remaining: int(math.Floor(tokens)),
		reset:     int(math.Ceil((float64(l.cfg.PerMinute) - tokens) / l.rate)),
	}
}

// makeRoom evicts buckets before a new one is added at the bound: full
// buckets first (forgetting them changes nothing), else an arbitrary one.
func (l *limiter) makeRoom(now time.Time) {
	if len(l.buckets) < l.cfg.MaxIdentities {
		return
	}
	for id, b := range l.buckets {
		if l.refilled(b, now) >= float64(l.cfg.PerMinute) {
			delete(l.buckets, id)
		}
	}
	for id := range l.buckets {
		if len(l.buckets) < l.cfg.MaxIdentities {
			break
		}
		delete(l.buckets, id)
	}
}

// rateState carries a request's identity to the rateLimiter extension, and
// its decision back to the response headers.
type rateState struct {
	l        *limiter
	identity string
	decided  *decision
}

type rateStateKey struct{}

// charge spends cost from the identity's bucket, keeps the decision for the
// response headers, and counts a refusal by identity kind ("key" or "ip")
// and endpoint ("graphql" or "export").
func (st *rateState) charge(cost int, endpoint string) decision {
	d := st.l.take(st.identity, cost)
	st.decided = &d
	if d.limited {
		st.l.metrics.RateLimited(strings.SplitN(st.identity, ":", 2)[0], endpoint)
	}
	return d
}

// rateLimited wraps the GraphQL and export handlers: it names the request's
// identity and writes the RateLimit headers (IETF draft style) on every
// response, with 429 and Retry-After when the rateLimiter extension or
// chargeExport refused it.
func rateLimited(l *limiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &rateState{l: l, identity: identity(r, l.cfg.TrustForwardedFor)}
		ctx := context.WithValue(r.Context(), rateStateKey{}, st)
		next.ServeHTTP(&rateWriter{ResponseWriter: w, st: st}, r.WithContext(ctx))
	})
}

// identity is the key, or the client IP of an anonymous request.
func identity(r *http.Request, trustForwardedFor bool) string {
	if p := auth.FromContext(r.Context()); !p.Anonymous() {
		return "key:" + p.KeyID
	}
	if trustForwardedFor {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip, ok := forwardedAddr(strings.TrimSpace(parts[len(parts)-1])); ok {
				return "ip:" + clientNetwork(ip)
			}
			// Not an address: the proxy's bucket, not one per junk value.
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "ip:" + clientNetwork(host)
}

// forwardedAddr reads the address a proxy forwarded, with or without a port
// (each port would otherwise be a bucket of its own).
func forwardedAddr(s string) (string, bool) {
	if ip, err := netip.ParseAddr(s); err == nil {
		return ip.String(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().String(), true
	}
	return "", false
}

// clientNetwork is the bucket of an address: an IPv6 host has a whole /64
// (it could take a new address, and budget, per request), so IPv6 clients
// are limited per /64; IPv4-mapped addresses count as IPv4.
func clientNetwork(host string) string {
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

type rateWriter struct {
	http.ResponseWriter
	st    *rateState
	wrote bool
}

func (w *rateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *rateWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		d := w.st.decided
		if d == nil {
			peeked := w.st.l.peek(w.st.identity)
			d = &peeked
		}
		h := w.Header()
		h.Set("RateLimit-Limit", strconv.Itoa(d.limit))
		h.Set("RateLimit-Remaining", strconv.Itoa(d.remaining))
		h.Set("RateLimit-Reset", strconv.Itoa(d.reset))
		h.Set("RateLimit-Policy", strconv.Itoa(d.limit)+";w=60")
		if d.limited {
			h.Set("Retry-After", strconv.Itoa(d.retryAfter))
			status = http.StatusTooManyRequests
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *rateWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// rateLimiter charges the operation's cost, computed by operationLimits
// (registered before it), and refuses the operation, before anything runs,
// when the budget is spent.
type rateLimiter struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = rateLimiter{}

func (rateLimiter) ExtensionName() string                   { return "RateLimiter" }
func (rateLimiter) Validate(graphql.ExecutableSchema) error { return nil }

func (rateLimiter) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	st, ok := ctx.Value(rateStateKey{}).(*rateState)
	if !ok || refusedByMethod(ctx, op.Operation) {
		return nil
	}
	cost := 0
	if c, ok := operationCost(op); ok {
		cost = c.RequestedQueryCost
	}
	if d := st.charge(cost, "graphql"); d.limited {
		return apierr.GraphQL(apierr.RateLimited, "the rate limit of "+strconv.Itoa(d.limit)+
			" cost points per minute is spent: retry in "+strconv.Itoa(d.retryAfter)+" s")
	}
	return nil
}

// exportCost is what an export spends from its identity's budget: it reads
// every row of a kind that matches its filters, like a query of thousands of
// nodes. A tenth of the default budget: ten exports a minute.
const exportCost = 2000

// chargeExport spends exportCost from the budget of the request's identity,
// from the same bucket as its GraphQL operations, or answers 429 with
// Retry-After and RATE_LIMITED and reports false when it is spent. Bad
// requests are refused before, and spend nothing, as on /graphql.
func chargeExport(w http.ResponseWriter, r *http.Request) bool {
	st, ok := r.Context().Value(rateStateKey{}).(*rateState)
	if !ok {
		return true
	}
	d := st.charge(exportCost, "export")
	if !d.limited {
		return true
	}
	exportError(w, http.StatusTooManyRequests, apierr.New(apierr.RateLimited,
		"the rate limit of %d cost points per minute is spent (an export costs %d): retry in %d s",
		d.limit, exportCost, d.retryAfter))
	return false
}
