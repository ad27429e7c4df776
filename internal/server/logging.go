package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaim/essaim/internal/sqlcount"
)

// RequestIDHeader carries the request id: taken from the client when sane,
// generated otherwise, and always echoed in the response.
const RequestIDHeader = "X-Request-Id"

// requestInfo is what one GraphQL request leaves for its log line and its
// metrics; the transport and the extensions fill it in.
type requestInfo struct {
	id string

	mu      sync.Mutex
	name    string // operation name as the client sent it
	opType  string // query, mutation, subscription; "" when no operation was validated
	outcome string // "ok" or the code of the first error
}

func (i *requestInfo) setOperation(name, opType string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.name, i.opType = name, opType
}

func (i *requestInfo) setName(name string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.name = name
}

func (i *requestInfo) setOutcome(errs gqlerror.List) {
	outcome := "ok"
	if len(errs) > 0 {
		outcome = "INTERNAL"
		if c, ok := errs[0].Extensions["code"].(string); ok && c != "" {
			outcome = c
		}
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.outcome = outcome
}

func (i *requestInfo) snapshot() (name, opType, outcome string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.name, i.opType, i.outcome
}

type requestKey struct{}

func requestFrom(ctx context.Context) *requestInfo {
	i, _ := ctx.Value(requestKey{}).(*requestInfo)
	return i
}

// RequestID returns the id of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	if i := requestFrom(ctx); i != nil {
		return i.id
	}
	return ""
}

// requestID keeps a client's id when it is short and plain (letters, digits,
// "-", "_", ".", ":"), so it can join logs across services without letting
// a client inject text into them; otherwise it makes one.
func requestID(incoming string) string {
	if len(incoming) > 0 && len(incoming) <= 128 {
		ok := true
		for _, c := range []byte(incoming) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
				ok = false
				break
			}
		}
		if ok {
			return incoming
		}
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// observedWriter records the status of a response; writeResponse tells it
// the outcome.
type observedWriter struct {
	http.ResponseWriter
	info   *requestInfo
	status int
}

func (w *observedWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *observedWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *observedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// noteOutcome records the outcome of the response written to w, when w is
// observed, perhaps under other wrappers (rate limit headers).
func noteOutcome(w http.ResponseWriter, errs gqlerror.List) {
	for {
		if o, ok := w.(*observedWriter); ok {
			o.info.setOutcome(errs)
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}

// observe gives each request an id and logs one line per request (id,
// operation, outcome, duration, SQL statements, status), and counts it in m.
func observe(log *slog.Logger, m *Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: requestID(r.Header.Get(RequestIDHeader))}
		w.Header().Set(RequestIDHeader, info.id)
		ctx := context.WithValue(r.Context(), requestKey{}, info)
		// Keep a caller's counter (tests, benchmarks) so they still count.
		counter, before := sqlcount.From(ctx), int64(0)
		if counter == nil {
			ctx, counter = sqlcount.With(ctx)
		} else {
			before = counter.Count()
		}
		ow := &observedWriter{ResponseWriter: w, info: info}
		next.ServeHTTP(ow, r.WithContext(ctx))

		took := time.Since(start)
		statements := counter.Count() - before
		name, opType, outcome := info.snapshot()
		if outcome == "" {
			outcome = "none" // no GraphQL response: preflight, OPTIONS
		}
		status := ow.status
		if status == 0 {
			status = http.StatusOK
		}
		level := slog.LevelInfo
		if outcome == "INTERNAL" || status >= 500 {
			level = slog.LevelError
		}
		log.LogAttrs(ctx, level, "graphql request",
			slog.String("method", r.Method),
			slog.String("operation", truncate(name, 100)),
			slog.String("type", opType),
			slog.String("outcome", outcome),
			slog.Int("status", status),
			slog.Duration("duration", took),
			slog.Int64("sql", statements),
		)
		m.observe(name, opType, outcome, took, statements)
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// requestIDHandler adds the request id of the context to every record, so
// errors and recovered panics logged during a request carry it.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// withRequestIDs returns log with request ids added, once.
func withRequestIDs(log *slog.Logger) *slog.Logger {
	if _, ok := log.Handler().(requestIDHandler); ok {
		return log
	}
	return slog.New(requestIDHandler{log.Handler()})
}
