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
		o, ctx := startObservation(w, r)
		next.ServeHTTP(o.w, r.WithContext(ctx))
		status, took, statements := o.end()
		name, opType, outcome := o.info.snapshot()
		if outcome == "" {
			outcome = "none" // no GraphQL response: preflight, OPTIONS
		}
		log.LogAttrs(ctx, logLevel(outcome, status), "graphql request",
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

// observeExport logs one line per /export request, as observe does for
// /graphql: what was asked, how it ended, its time and its statements.
func observeExport(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, ctx := startObservation(w, r)
		next.ServeHTTP(o.w, r.WithContext(ctx))
		status, took, statements := o.end()
		_, _, outcome := o.info.snapshot() // an error's code; none when the rows were sent
		if outcome == "" && status < 400 {
			outcome = "ok"
		}
		q := r.URL.Query()
		log.LogAttrs(ctx, logLevel(outcome, status), "export request",
			slog.String("method", r.Method),
			slog.String("type", truncate(q.Get("type"), 20)),
			slog.String("format", truncate(q.Get("format"), 20)),
			slog.String("outcome", outcome),
			slog.Int("status", status),
			slog.Duration("duration", took),
			slog.Int64("sql", statements),
		)
	})
}

// observation follows one request: its id (echoed in X-Request-Id), its
// status and its SQL statements.
type observation struct {
	start   time.Time
	info    *requestInfo
	w       *observedWriter
	counter *sqlcount.Counter
	before  int64
}

func startObservation(w http.ResponseWriter, r *http.Request) (*observation, context.Context) {
	o := &observation{start: time.Now(), info: &requestInfo{id: requestID(r.Header.Get(RequestIDHeader))}}
	w.Header().Set(RequestIDHeader, o.info.id)
	ctx := context.WithValue(r.Context(), requestKey{}, o.info)
	// Keep a caller's counter (tests, benchmarks) so they still count.
	if o.counter = sqlcount.From(ctx); o.counter == nil {
		ctx, o.counter = sqlcount.With(ctx)
	} else {
		o.before = o.counter.Count()
	}
	o.w = &observedWriter{ResponseWriter: w, info: o.info}
	return o, ctx
}

// end returns the status sent (200 if the handler wrote nothing), the time
// taken and the statements sent.
func (o *observation) end() (status int, took time.Duration, statements int64) {
	status = o.w.status
	if status == 0 {
		status = http.StatusOK
	}
	return status, time.Since(o.start), o.counter.Count() - o.before
}

func logLevel(outcome string, status int) slog.Level {
	if outcome == "INTERNAL" || status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
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
