//go:build ignore

// Command gqlgen runs gqlgen's generator (as `go tool gqlgen generate` would),
// then takes the goroutines out of the generated execution:
//   - a plugin makes the fields of every object but Query resolve one after
//     the other instead of each in its own goroutine;
//   - the elements of every list are marshalled in order by
//     marshalSliceInOrder (graph/slices.go) instead of gqlgen's
//     MarshalSliceConcurrently, a goroutine each (gqlgen has no option for
//     it, so the calls are rewritten in graph/generated.go; generation
//     fails if gqlgen stops emitting them);
//   - objects no longer build a deferred group (@defer's bookkeeping: the
//     field's path and a map) that only concurrent fields could fill: 10% of
//     a dashboard page's CPU went to building and dropping them;
//   - a leaf field read straight from its object's struct field (no
//     resolver, arguments or directive: title, name, id, createdAt…) is
//     marshalled at once instead of through graphql.ResolveField, which
//     builds a field context, a context, closures, boxes the value and runs
//     the field middleware, for a read that cannot fail. Such fields are
//     most of a page's fields. The one field middleware of the server
//     (internal/server's mutation audit) looks at Mutation's root fields
//     only, which all have resolvers; a new field middleware that must see
//     every field would need this rewrite gone. The other fields read
//     from a struct field (edges, node, lists) keep their field context,
//     for their descendants' paths, but skip ResolveField's machinery too
//     (structFieldInContext below), and one whose marshaller writes a nil
//     as null without an error (a nullable type) writes it at once;
//   - an operation's answer is marshalled into a scratch buffer kept from
//     the earlier answers (graph/answers.go) instead of a new one doubling
//     its way up;
//   - the fields collected from a selection set for a type, and the
//     arguments of ent's edge fields, are worked out once per operation
//     (graph/operation_memo.go, kept in a field added to executionContext)
//     instead of once per object: a page's 50 initiatives collected the
//     same fields and parsed the same actors(first: 10) 50 times;
//   - an enum value read as a string is written by enumValue
//     (graph/objects.go), without the quoted copy that ent's and
//     gqlgen's enums make of it (hundreds per dashboard page);
//   - objects are written by objectFields (graph/objects.go) instead of
//     graphql.FieldSet's MarshalGQL, which allocates a map of the aliases
//     written and a copy of every field, per object; and objects whose
//     fields all resolve in order no longer build a FieldSet (one
//     allocation per object) nor call its Dispatch, which has nothing to
//     run for them: they fill an orderedFields (graph/objects.go).
//
// Why: most fields are ent's edges, which read what entgql's field
// collection loaded with the page, so concurrency only added goroutines,
// stack growth and scheduling: ~600 goroutines per dashboard page of 50
// initiatives, whose stack copies alone were 13% of the server's CPU.
// Marshalling in order gave 25-30% more dashboard pages per second (BENCHMARKS.md).
// And inside a mutation, resolvers and the where-argument checks read through
// the mutation's transaction, one connection, which cannot run two
// statements at once (lib/pq refuses). Root Query fields still run
// concurrently (queries have no transaction). Run it from the module root
// (see generate.go).
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"go/types"
	"log"
	"os"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	cfg, err := config.LoadConfig("gqlgen.yml")
	if err != nil {
		log.Fatalf("gqlgen: loading gqlgen.yml: %v", err)
	}
	leaves, edgeArgs, enums := leafFields{}, entEdgeArgs{}, stringEnums{}
	plugins := []api.Option{api.AddPlugin(sequentialFields{}), api.AddPlugin(leaves), api.AddPlugin(edgeArgs), api.AddPlugin(enums)}
	if err := api.Generate(cfg, plugins...); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
	if err := rewriteExecution(cfg.Exec.Filename, leaves, edgeArgs, enums); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
}

// concurrentSlice matches gqlgen's call for a list of objects; its worker
// limit and panic-handler arguments come from gqlgen.yml (none, and kept).
var concurrentSlice = regexp.MustCompile(`graphql\.MarshalSliceConcurrently\(ctx, len\(v\), 0, false, `)

// newDeferredGroup matches the deferred group every object's marshaller
// builds; usedDeferredGroup, a concurrent field handing it over.
var (
	newDeferredGroup  = regexp.MustCompile(`deferred := graphql\.NewDeferredGroup\(ctx\)`)
	usedDeferredGroup = regexp.MustCompile(`&deferred\b`)
)

// rewriteExecution rewrites the list marshalling and the deferred groups of
// the generated file, or fails if gqlgen no longer emits what it rewrites.
func rewriteExecution(path string, leaves leafFields, edgeArgs entEdgeArgs, enums stringEnums) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !concurrentSlice.Match(src) {
		return fmt.Errorf("%s: no graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, …) call: gqlgen changed what it emits, update graph/gqlgen.go", path)
	}
	src = concurrentSlice.ReplaceAll(src, []byte("marshalSliceInOrder(ctx, len(v), "))
	if !newDeferredGroup.Match(src) {
		return fmt.Errorf("%s: no graphql.NewDeferredGroup(ctx) call: gqlgen changed what it emits, update graph/gqlgen.go", path)
	}
	if usedDeferredGroup.Match(src) {
		return fmt.Errorf("%s: a deferred group is handed to a field: the fields of an object other than Query resolve concurrently again, update graph/gqlgen.go", path)
	}
	// Left empty, the group's Defers stay nil and the check after the
	// fields finds nothing to defer, as it would have.
	src = newDeferredGroup.ReplaceAll(src, []byte("var deferred graphql.DeferredGroup"))
	src, err = marshalLeavesDirectly(src, leaves)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	src, err = memoizePerOperation(src, edgeArgs)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	src, err = marshalEnumsDirectly(src, enums)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !objectEnd.Match(src) {
		return fmt.Errorf("%s: no object marshaller ends with return out: gqlgen changed what it emits, update graph/gqlgen.go", path)
	}
	src = objectEnd.ReplaceAll(src, []byte("${1}return objectFields{fields, out.Values}\n}"))
	if n := len(answerBuffer.FindAll(src, -1)); n != 2 {
		return fmt.Errorf("%s: %d answers written to a new bytes.Buffer, want 2 (query, mutation): gqlgen changed what it emits, update graph/gqlgen.go", path, n)
	}
	src = answerBuffer.ReplaceAll(src, []byte("${1}marshalAnswer(ec.Resolvers, data)"))
	if !bytesUsed.Match(src) {
		src = bytes.Replace(src, []byte("\t\"bytes\"\n"), nil, 1)
	}
	src = orderedDispatch.ReplaceAllFunc(src, func(body []byte) []byte {
		if concurrentTask.Match(body) {
			return body // Query's root fields: Dispatch runs and waits for them
		}
		body = bytes.TrimSuffix(body, []byte("\tout.Dispatch(ctx)\n"))
		return bytes.Replace(body, []byte("out := graphql.NewFieldSet(fields)"),
			[]byte("out := orderedFields{Values: make([]graphql.Marshaler, len(fields))}"), 1)
	})
	if src, err = format.Source(src); err != nil {
		return fmt.Errorf("%s: rewritten source: %w", path, err)
	}
	return os.WriteFile(path, src, 0o644)
}

// answerBuffer matches an operation's answer written into a new buffer, up
// to where its bytes are taken (graph/answers.go says why).
var answerBuffer = regexp.MustCompile(`var buf bytes\.Buffer\n\t+data\.MarshalGQL\(&buf\)\n((?:\n|\t)*(?:response\.Data = |return &graphql\.Response\{\n\t+Data: +))buf\.Bytes\(\)`)

// bytesUsed tells whether the generated file still needs package bytes.
var bytesUsed = regexp.MustCompile(`\bbytes\.`)

// objectEnd matches the end of an object's marshaller, once its fields are
// resolved (out is its graphql.FieldSet of the fields collected in fields).
var objectEnd = regexp.MustCompile(`(\t\tec\.ProcessDeferredGroup\(deferred\)\n\t\}\n\n\t)return out\n\}`)

// orderedDispatch matches an object marshaller from its field set to its
// Dispatch; concurrentTask, a field handed to the set to run when it is
// dispatched.
var (
	orderedDispatch = regexp.MustCompile(`(?s)out := graphql\.NewFieldSet\(fields\)\n.*?\n\tout\.Dispatch\(ctx\)\n`)
	concurrentTask  = regexp.MustCompile(`out\.(?:ResolveRootConcurrently|Concurrently)\(`)
)

// structLeaf matches the resolution of a field read from its object's struct
// field: no resolver, no argument, no directive (a nil middleware chain).
// Groups: the field context function, the struct field, the marshaller's
// value type, the marshaller.
var structLeaf = regexp.MustCompile(`\{\n\treturn graphql\.ResolveField\(\n\t\tctx,\n\t\tec\.OperationContext,\n\t\tfield,\n` +
	`\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{\n\t\t\treturn ec\.(fieldContext_\w+)\(ctx, field\)\n\t\t\},\n` +
	`\t\tfunc\(ctx context\.Context\) \(any, error\) \{\n\t\t\treturn obj\.(\w+), nil\n\t\t\},\n` +
	`\t\tnil,\n` +
	`\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v (\S+)\) graphql\.Marshaler \{\n\t\t\treturn ec\.(marshal[^(]+)\(ctx, selections, v\)\n\t\t\},\n` +
	`\t\ttrue,\n\t\t(?:true|false),\n\t\)\n\}`)

// marshaller matches a marshaller of the generated file and its body.
var marshaller = regexp.MustCompile(`(?s)\nfunc \(ec \*executionContext\) (marshal[^(]+)\(ctx context\.Context, sel ast\.SelectionSet, v [^\n]*\) graphql\.Marshaler \{\n(.*?)\n\}\n`)

// marshalLeavesDirectly rewrites the resolution of every struct-field leaf
// into its marshaller's call, where nothing but the field context could tell
// the difference: a scalar or an enum that is not a list (leafFields), never
// a pointer for a non-null type (its null would be reported at the object's
// path), and no marshaller that reports its errors through the context (a
// NaN Float would be).
func marshalLeavesDirectly(src []byte, leaves leafFields) ([]byte, error) {
	contextual, nullOnNil := map[string]bool{}, map[string]bool{}
	for _, m := range marshaller.FindAllSubmatch(src, -1) {
		contextual[string(m[1])] = bytes.Contains(m[2], []byte("WrapContextMarshaler"))
		nullOnNil[string(m[1])] = bytes.HasPrefix(m[2], []byte("\tif v == nil {\n\t\treturn graphql.Null\n\t}\n"))
	}
	leavesRewritten, othersRewritten := 0, 0
	src = structLeaf.ReplaceAllFunc(src, func(call []byte) []byte {
		m := structLeaf.FindSubmatch(call)
		fieldContext, structField, valueType, marshal := string(m[1]), string(m[2]), string(m[3]), string(m[4])
		pointer := strings.HasPrefix(valueType, "*")
		switch {
		case leaves[fieldContext] && !contextual[marshal] && !(strings.HasPrefix(marshal, "marshalN") && pointer):
			leavesRewritten++
			return fmt.Appendf(nil, "{\n\treturn ec.%s(ctx, field.Selections, obj.%s)\n}", marshal, structField)
		case pointer || strings.HasPrefix(valueType, "[]"):
			othersRewritten++
			resolve := fmt.Appendf(nil, structFieldInContext, fieldContext, structField, marshal, structField)
			if nullOnNil[marshal] {
				// A nil its marshaller writes as null, no error: no field context needed.
				resolve = fmt.Appendf(nil, "{\n\tif obj.%s == nil {\n\t\treturn graphql.Null\n\t}\n%s", structField, resolve[2:])
			}
			return resolve
		}
		return call
	})
	if leavesRewritten == 0 || othersRewritten == 0 {
		return nil, fmt.Errorf("no leaf field or no object field read from a struct field through graphql.ResolveField: gqlgen changed what it emits, update graph/gqlgen.go")
	}
	return src, nil
}

// structFieldInContext resolves any other field read from a struct field (a
// connection's edges, an edge's node, a list): in its own field context, so
// that its descendants' errors keep their paths and a nil is reported as
// gqlgen reports it, with gqlgen's recovery of a panic into an error and a
// null, but without graphql.ResolveField's closures, boxing and middleware
// chain (six allocations a field; 600 such fields on a dashboard page), and
// its field context and context in one allocation (graph/fieldcontext.go). A
// pointer or a slice, never an interface: boxed, they are never a nil
// interface, so ResolveField always handed them to the marshaller too.
// Arguments: the field context function, the struct field, the marshaller,
// the struct field.
const structFieldInContext = `{
	made, err := ec.%s(ctx, field)
	if err != nil {
		return graphql.Null
	}
	fcc := &fieldContextCtx{fc: *made}
	ctx = withFieldContext(ctx, fcc)
	fc := &fcc.fc
	defer func() {
		if r := recover(); r != nil {
			ec.Error(ctx, ec.Recover(ctx, r))
			ret = graphql.Null
		}
	}()
	fc.Result = obj.%s
	return ec.%s(ctx, field.Selections, obj.%s)
}`

// leafFields collects, by their field context function, the fields whose
// type is a scalar or an enum, not a list (its elements' contexts hang off
// the field's), read from a struct field of their object, with no argument
// and no directive. A union is left out: gqlgen gives it a scalar field
// context too, but its members' errors need the field's path.
type leafFields map[string]bool

func (leafFields) Name() string { return "leaffields" }

func (l leafFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		for _, f := range o.Fields {
			if f.TypeReference == nil || f.TypeReference.Definition == nil {
				continue
			}
			kind := f.TypeReference.Definition.Kind
			if (kind == ast.Scalar || kind == ast.Enum) && f.IsVariable() && !f.IsResolver &&
				len(f.Args) == 0 && len(f.Directives) == 0 && !f.TypeReference.IsSlice() {
				l[f.FieldContextFunc()] = true
			}
		}
	}
	return nil
}

// sequentialFields turns off concurrent field resolution outside Query.
type sequentialFields struct{}

func (sequentialFields) Name() string { return "sequentialfields" }

func (sequentialFields) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Definition != data.Schema.Query {
			o.DisableConcurrency = true
		}
	}
	return nil
}

// executionContextType matches the generated executionContext, which
// receives the operation's memo (graph/operation_memo.go); collectFields, the
// generated calls of graphql.CollectFields; edgeArgsCall, a field context's
// parsing of its arguments (group: the arguments function).
var (
	executionContextType = regexp.MustCompile(`(type executionContext struct \{\n\t\*graphql\.ExecutionContextState\[[^\]]*\]\n)\}`)
	collectFieldsCall    = regexp.MustCompile(`graphql\.CollectFields\(ec\.OperationContext, sel, `)
	edgeArgsCall         = regexp.MustCompile(`ec\.(field_\w+_args)\(ctx, field\.ArgumentMap\(ec\.Variables\)\)`)
)

// memoizePerOperation gives executionContext the operation's memo and routes
// collected fields and ent's edge arguments through it.
func memoizePerOperation(src []byte, edgeArgs entEdgeArgs) ([]byte, error) {
	if !executionContextType.Match(src) {
		return nil, fmt.Errorf("no executionContext struct embedding graphql.ExecutionContextState alone: gqlgen changed what it emits, update graph/gqlgen.go")
	}
	src = executionContextType.ReplaceAll(src, []byte("${1}\tmemo operationMemo\n}"))
	if !collectFieldsCall.Match(src) {
		return nil, fmt.Errorf("no graphql.CollectFields(ec.OperationContext, sel, …) call: gqlgen changed what it emits, update graph/gqlgen.go")
	}
	src = collectFieldsCall.ReplaceAll(src, []byte("ec.memo.collectFields(ec.OperationContext, sel, "))
	rewritten := 0
	src = edgeArgsCall.ReplaceAllFunc(src, func(call []byte) []byte {
		argsFunc := string(edgeArgsCall.FindSubmatch(call)[1])
		if !edgeArgs[argsFunc] {
			return call
		}
		rewritten++
		return fmt.Appendf(nil, "ec.memo.fieldArgs(ctx, ec.OperationContext, field, %q, ec.%s)", argsFunc, argsFunc)
	})
	if rewritten == 0 || rewritten != len(edgeArgs) {
		return nil, fmt.Errorf("%d of the %d argument parsings of ent's edge fields found: gqlgen changed what it emits, update graph/gqlgen.go", rewritten, len(edgeArgs))
	}
	return src, nil
}

// entEdgeArgs collects, by their arguments function, the fields with
// arguments that ent generates as methods of its types (entgql's paginated
// edges: Initiative.actors(first, after, orderBy, where…)). Their code only
// reads its arguments, so one parsed map can serve every object of an
// operation; hand-written resolvers are left out, as they may not.
type entEdgeArgs map[string]bool

func (entEdgeArgs) Name() string { return "entedgeargs" }

func (e entEdgeArgs) GenerateCode(data *codegen.Data) error {
	for _, o := range data.Objects {
		if o.Type == nil || !strings.HasPrefix(strings.TrimPrefix(o.Type.String(), "*"), entPackage+".") {
			continue
		}
		for _, f := range o.Fields {
			if f.IsMethod() && !f.IsResolver && len(f.Args) > 0 {
				e[f.ArgsFunc()] = true
			}
		}
	}
	return nil
}

// entPackage is the import path of ent's generated package.
const entPackage = "github.com/essaim/essaim/ent"

// enumAsItself matches a marshaller that returns its enum value as its own
// graphql.Marshaler (groups: the marshaller, its value type).
var enumAsItself = regexp.MustCompile(`\nfunc \(ec \*executionContext\) (marshal[^(]+)\(ctx context\.Context, sel ast\.SelectionSet, v ([\w.]+)\) graphql\.Marshaler \{\n\treturn v\n\}\n`)

// marshalEnumsDirectly makes the marshallers of string enums return
// enumValue(v), which writes the same JSON string for their values, GraphQL
// names (graph/enums_test.go checks each enum against its own MarshalGQL).
func marshalEnumsDirectly(src []byte, enums stringEnums) ([]byte, error) {
	rewritten := 0
	src = enumAsItself.ReplaceAllFunc(src, func(fn []byte) []byte {
		if !enums[string(enumAsItself.FindSubmatch(fn)[1])] {
			return fn
		}
		rewritten++
		return bytes.Replace(fn, []byte("\treturn v\n"), []byte("\treturn enumValue(v)\n"), 1)
	})
	if rewritten == 0 {
		return nil, fmt.Errorf("no enum marshaller returns its value as itself: gqlgen changed what it emits, update graph/gqlgen.go")
	}
	return src, nil
}

// stringEnums collects the marshallers of the enums whose Go type is a
// string (ent's enums, internal/area's, gqlgen's models'): their values
// are GraphQL names, written as JSON strings.
type stringEnums map[string]bool

func (stringEnums) Name() string { return "stringenums" }

func (e stringEnums) GenerateCode(data *codegen.Data) error {
	for _, ref := range data.ReferencedTypes {
		if ref.Definition == nil || ref.Definition.Kind != ast.Enum || ref.IsSlice() || ref.IsPtr() {
			continue
		}
		if basic, ok := ref.GO.Underlying().(*types.Basic); ok && basic.Kind() == types.String {
			e[ref.MarshalFunc()] = true
		}
	}
	return nil
}
