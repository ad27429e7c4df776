package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// maxOperationLabels bounds the operation names that get their own label:
// clients choose names, so past this many distinct names (trusted
// documents' names aside) the others are counted as "other".
const maxOperationLabels = 100

// maxOperationLabelLen bounds a name that gets its own label: a name is one
// token of up to 64 KiB, and the label is repeated on every line of its
// series; longer names count as "other".
const maxOperationLabelLen = 100

// Metrics are the Prometheus metrics of a server, on their own registry.
// A nil *Metrics records nothing.
type Metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	statements  *prometheus.HistogramVec
	rateLimited *prometheus.CounterVec
	names       *nameLabels
}

// NewMetrics registers the server's metrics, with the Go runtime and process
// collectors, on a new registry.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "essaim_graphql_requests_total",
			Help: "GraphQL requests by operation name, operation type and outcome (ok or the first error code).",
		}, []string{"operation", "type", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "essaim_graphql_request_duration_seconds",
			Help:    "Time to answer a GraphQL request, by operation name.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation"}),
		statements: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "essaim_graphql_sql_statements",
			Help:    "SQL statements sent to the database per GraphQL request, by operation name.",
			Buckets: []float64{0, 1, 2, 4, 8, 16, 32, 64, 128},
		}, []string{"operation"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "essaim_rate_limited_total",
			Help: "Requests refused by the rate limiter, by kind of identity (key, ip) and endpoint (graphql, export).",
		}, []string{"identity", "endpoint"}),
		names: &nameLabels{known: map[string]bool{}},
	}
	reg.MustRegister(m.requests, m.duration, m.statements, m.rateLimited,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Registry is where the metrics are registered; other parts of the server
// may add theirs.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// RateLimited counts a request refused by the rate limiter; identityKind
// ("key", "ip") and endpoint ("graphql", "export") are small fixed sets.
func (m *Metrics) RateLimited(identityKind, endpoint string) {
	if m == nil {
		return
	}
	m.rateLimited.WithLabelValues(identityKind, endpoint).Inc()
}

// allowOperations gives names their own label whatever the cap (the
// operations of trusted documents).
func (m *Metrics) allowOperations(names []string) {
	if m == nil {
		return
	}
	m.names.mu.Lock()
	defer m.names.mu.Unlock()
	for _, n := range names {
		m.names.known[n] = true
	}
}

func (m *Metrics) observe(name, opType, outcome string, took time.Duration, statements int64) {
	if m == nil {
		return
	}
	label := m.names.label(name, opType)
	if opType == "" {
		opType = "none"
	}
	m.requests.WithLabelValues(label, opType, outcome).Inc()
	m.duration.WithLabelValues(label).Observe(took.Seconds())
	m.statements.WithLabelValues(label).Observe(float64(statements))
}

// nameLabels bounds the operation label: "none" for a request that did not
// get to a validated operation (its name is whatever the client wrote),
// "anonymous" for an operation without a name, the name for the first
// maxOperationLabels names seen, "other" for the rest.
type nameLabels struct {
	mu    sync.Mutex
	known map[string]bool
	added int
}

func (n *nameLabels) label(name, opType string) string {
	switch {
	case opType == "":
		return "none"
	case name == "":
		return "anonymous"
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.known[name] {
		return name
	}
	if n.added >= maxOperationLabels || len(name) > maxOperationLabelLen {
		return "other"
	}
	n.known[name] = true
	n.added++
	return name
}

// operationRecorder tells the request's log line and metrics the operation
// name as sent and, once validated, the operation's name and type. It must be
// the first extension registered, so it also sees refused requests.
type operationRecorder struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = operationRecorder{}

func (operationRecorder) ExtensionName() string                   { return "OperationRecorder" }
func (operationRecorder) Validate(graphql.ExecutableSchema) error { return nil }

func (operationRecorder) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if i := requestFrom(ctx); i != nil {
		i.setName(p.OperationName)
	}
	return nil
}

func (operationRecorder) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if i := requestFrom(ctx); i != nil && oc.Operation != nil {
		i.setOperation(oc.Operation.Name, string(oc.Operation.Operation))
	}
	return nil
}
