package server

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"

	"github.com/essaim/essaim/internal/apierr"
)

// Limits bound what one operation may ask for. A limit of 0 or less is off.
//
// Tokens, fields and aliases are counted on the raw document with a lexer
// pass, before gqlgen parses and validates it: validation time grows with the
// square of the fields repeated in one selection, so a document of thousands
// of fields must be refused before it. Depth and cost are computed on the
// validated operation, fragments expanded, with the request's variables.
type Limits struct {
	MaxTokens  int // lexical tokens of the document
	MaxFields  int // field selections written in the document
	MaxAliases int // aliases written in the document
	MaxDepth   int // nesting of fields in the operation, fragments expanded
	MaxCost    int // estimated cost, see operationCost
	// MaxFilterDepth bounds the nesting of and/or/not and has…With in a
	// where argument (see filterLimits).
	MaxFilterDepth int
}

// DefaultLimits are generous for any hand-written query and GraphiQL's
// introspection query.
func DefaultLimits() Limits {
	return Limits{MaxTokens: 2000, MaxFields: 500, MaxAliases: 30, MaxDepth: 12, MaxCost: 10000, MaxFilterDepth: 10}
}

func limitError(format string, args ...any) *gqlerror.Error {
	return apierr.GraphQL(apierr.ComplexityLimit, fmt.Sprintf(format, args...))
}

// documentLimits checks tokens, fields and aliases before parsing. It must be
// registered after the persisted-query extension, which fills in the query.
type documentLimits struct{ Limits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = documentLimits{}

func (documentLimits) ExtensionName() string                   { return "DocumentLimits" }
func (documentLimits) Validate(graphql.ExecutableSchema) error { return nil }
func (l documentLimits) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	return l.scan(p.Query)
}

// scan counts in one lexer pass, stopping at the first limit passed. A name
// is a field selection when it stands inside a selection set (braces outside
// any parentheses) and does not follow "@" (directive), "..." (spread), "on"
// after "..." (type condition) or ":" (the field after an alias). Lexical
// errors are left to the parser.
func (l Limits) scan(query string) *gqlerror.Error {
	lx := lexer.New(&ast.Source{Input: query})
	var tokens, fields, aliases, braces, parens int
	var prev, prev2 lexer.Token
	for {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return nil
		}
		tokens++
		if l.MaxTokens > 0 && tokens > l.MaxTokens {
			return limitError("the document has more than %d tokens", l.MaxTokens)
		}
		switch tok.Kind {
		case lexer.ParenL:
			parens++
		case lexer.ParenR:
			parens--
		case lexer.BraceL:
			if parens == 0 {
				braces++
			}
		case lexer.BraceR:
			if parens == 0 {
				braces--
			}
		case lexer.Colon:
			if parens == 0 && braces > 0 && prev.Kind == lexer.Name {
				aliases++
				if l.MaxAliases > 0 && aliases > l.MaxAliases {
					return limitError("the document has more than %d aliases", l.MaxAliases)
				}
			}
		case lexer.Name:
			if parens != 0 || braces <= 0 {
				break
			}
			switch {
			case prev.Kind == lexer.At, prev.Kind == lexer.Spread, prev.Kind == lexer.Colon:
			case prev2.Kind == lexer.Spread && prev.Kind == lexer.Name && prev.Value == "on":
			default:
				fields++
				if l.MaxFields > 0 && fields > l.MaxFields {
					return limitError("the document has more than %d field selections", l.MaxFields)
				}
			}
		case lexer.Comment:
			continue // does not change what the previous tokens were
		}
		prev2, prev = prev, tok
	}
}

// maxExpandedFields bounds the fields visited when fragments are expanded:
// a few hundred fields written can expand to millions through fragments
// spread several times each.
const maxExpandedFields = 20000

// unsizedListEstimate is the size assumed for a list that takes no size
// argument and is not the edges or nodes of a connection: such lists are
// short and bounded by their resolvers (the hops of a path, the reasons of
// a suggestion), so, as GitHub does, only sized lists multiply.
const unsizedListEstimate = 1

// mutationFieldCost is the own cost of each mutation field.
const mutationFieldCost = 10

// Cost is the cost of an operation and the most one may cost, reported in
// extensions.cost of every response.
type Cost struct {
	RequestedQueryCost int `json:"requestedQueryCost"`
	MaximumAvailable   int `json:"maximumAvailable"`
}

// operationLimits checks depth and cost of the validated operation and
// reports its cost in the response. It must be registered after the paging
// extension, so that page sizes are known to be within bounds.
type operationLimits struct {
	Limits
	paging       Paging
	statsBuckets int // -max-stats-buckets
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
} = operationLimits{}

const costExtension = "cost"

func (operationLimits) ExtensionName() string                   { return "OperationLimits" }
func (operationLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (l operationLimits) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	w := costWalker{vars: op.Variables, paging: l.paging, statsBuckets: l.statsBuckets}
	cost := w.operation(op.Operation)
	if w.visits > maxExpandedFields {
		return limitError("the operation expands to more than %d fields", maxExpandedFields)
	}
	op.Stats.SetExtension(costExtension, &Cost{RequestedQueryCost: cost, MaximumAvailable: l.MaxCost})
	if l.MaxDepth > 0 && w.depth > l.MaxDepth {
		return limitError("the operation is %d fields deep, more than the limit of %d", w.depth, l.MaxDepth)
	}
	if l.MaxCost > 0 && cost > l.MaxCost {
		return limitError("the operation costs %d, more than the limit of %d: ask for smaller pages or fewer nested connections", cost, l.MaxCost)
	}
	return nil
}

func (operationLimits) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	return withCost(ctx, next(ctx))
}

// operationCost is the cost operationLimits estimated for op while it was
// validated; false when none was (the extension not registered, or the
// operation refused before).
func operationCost(op *graphql.OperationContext) (*Cost, bool) {
	c, ok := op.Stats.GetExtension(costExtension).(*Cost)
	return c, ok
}

// withCost adds the operation's cost to the extensions of resp.
func withCost(ctx context.Context, resp *graphql.Response) *graphql.Response {
	if resp == nil || !graphql.HasOperationContext(ctx) {
		return resp
	}
	if c, ok := operationCost(graphql.GetOperationContext(ctx)); ok {
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions[costExtension] = c
	}
	return resp
}

// costWalker estimates what an operation costs to answer, as GitHub and
// Shopify do: an object costs 1 (the edge wrapper of a connection 0), a
// scalar 0, a mutation field 10, and a list multiplies its items' cost by
// its size. The size of a list is its first, last or limit argument, or the
// length of its ids argument; the edges and nodes of a connection take the
// size of the connection (first, last, or the default page size written
// into the document); any other list counts as unsizedListEstimate items.
// Introspection fields cost nothing and do not count in the depth: the
// schema bounds them. Directives @skip and @include are ignored (the
// estimate is an upper bound).
type costWalker struct {
	vars   map[string]any
	paging Paging
	// statsBuckets is the most buckets of a statistics call
	// (-max-stats-buckets); 0: its buckets count as an unsized list.
	statsBuckets int
	// perBucket > 1 while walking the buckets of a statistics call: the
	// estimated number of buckets, by which the first sized list or
	// connection below (a territory's containedIn…) is repeated.
	perBucket int
	visits    int
	depth     int
	// introspection > 0 while walking under an introspection field.
	introspection int
}

func (w *costWalker) operation(op *ast.OperationDefinition) int {
	if op == nil {
		return 0
	}
	own := 0
	if op.Operation == ast.Mutation {
		own = mutationFieldCost
	}
	return w.selections(op.SelectionSet, 1, 0, own)
}

// selections returns the cost of set, whose fields stand at depth. size is
// the size given by the parent to its list fields (0: none); rootOwn, when
// not 0, is the own cost of each field of set (mutation root fields).
func (w *costWalker) selections(set ast.SelectionSet, depth, size, rootOwn int) int {
	total := 0
	for _, s := range set {
		if w.visits > maxExpandedFields {
			return total
		}
		switch s := s.(type) {
		case *ast.Field:
			total = satAdd(total, w.field(s, depth, size, rootOwn))
		case *ast.InlineFragment:
			total = satAdd(total, w.selections(s.SelectionSet, depth, size, rootOwn))
		case *ast.FragmentSpread:
			if s.Definition != nil {
				total = satAdd(total, w.selections(s.Definition.SelectionSet, depth, size, rootOwn))
			}
		}
	}
	return total
}

func (w *costWalker) field(f *ast.Field, depth, parentSize, rootOwn int) int {
	w.visits++
	if f.Definition == nil {
		return 0
	}
	if strings.HasPrefix(f.Name, "__") {
		// Free and not in the depth, but still visited: fragments
		// spread in an introspection query count towards the expansion.
		w.introspection++
		w.selections(f.SelectionSet, depth+1, 0, 0)
		w.introspection--
		return 0
	}
	if w.introspection == 0 {
		w.depth = max(w.depth, depth)
	}
	isList := f.Definition.Type != nil && f.Definition.Type.Elem != nil
	own := w.size(f)
	childSize := 0
	if !isList {
		childSize = own // a connection or a view with a limit sizes its lists
	}
	repeated, outer := 1, w.perBucket
	switch {
	case own > 0 && w.perBucket > 1:
		repeated, w.perBucket = w.perBucket, 1 // in every bucket; the lists below multiply by it already
	case f.Definition.Arguments.ForName("groupBy") != nil && w.statsBuckets > 0:
		v := f.ArgumentMap(w.vars)["groupBy"]
		dims, isList := v.([]any)
		if !isList && v != nil {
			dims = []any{v} // one value given for the list, as GraphQL allows
		}
		w.perBucket = statsBucketEstimate(dims, w.statsBuckets)
	}
	per := w.selections(f.SelectionSet, depth+1, childSize, 0)
	w.perBucket = outer
	switch {
	case rootOwn != 0:
		per = satAdd(per, rootOwn)
	case len(f.SelectionSet) == 0:
	case f.Name == "edges" && strings.HasSuffix(f.Definition.Type.Name(), "Edge"):
	default:
		per = satAdd(per, 1)
	}
	if !isList {
		return satMul(per, repeated)
	}
	n := own
	if n == 0 {
		n = parentSize
	}
	if n == 0 {
		n = unsizedListEstimate
	}
	return satMul(satMul(per, n), repeated)
}

// size returns the size a field asks for, 0 when it names none.
func (w *costWalker) size(f *ast.Field) int {
	if len(f.Arguments) == 0 && (f.Definition == nil || len(f.Definition.Arguments) == 0) {
		return 0
	}
	args := f.ArgumentMap(w.vars)
	n := 0
	for _, name := range []string{"first", "last", "limit"} {
		if v, ok := toInt(args[name]); ok && v > 0 {
			n = max(n, v)
		}
	}
	if ids, ok := args["ids"].([]any); ok {
		n = max(n, len(ids))
	}
	// A connection, or a list taking first (commonPartners, coverageGaps…),
	// returns the page size when first is absent.
	if n == 0 && (isConnection(f) || (f.Definition != nil && f.Definition.Arguments.ForName("first") != nil)) {
		n = w.paging.Default
	}
	return n
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(min(n, math.MaxInt32)), true
	case float64:
		return int(min(n, math.MaxInt32)), true
	case interface{ Int64() (int64, error) }:
		if m, err := n.Int64(); err == nil {
			return int(min(m, math.MaxInt32)), true
		}
	}
	return 0, false
}

const costCeiling = math.MaxInt32

func satAdd(a, b int) int { return min(a+b, costCeiling) }

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > costCeiling/b {
		return costCeiling
	}
	return a * b
}
