package server

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/essaim/essaim/internal/apierr"
)

// filterLimits bounds the `where` arguments before anything executes: a list
// in a filter (idIn, slugIn, or: […]…) has at most maxList values, and
// and/or/not and has…With predicates nest at most maxDepth levels. Each
// level is a subquery or a boolean node ent builds and the database plans,
// so unbounded filters would buy CPU the cost limit does not see. A text in
// a filter has at most maxFilterText bytes: LIKE patterns are costly to
// match, and SQLite refuses those over 50,000 bytes. A whole filter holds at
// most filterValuesPerList × maxList values and conditions: a variable used
// many times in or: […] multiplies its lists, and each value is a statement
// parameter (PostgreSQL refuses more than 65,535 in a statement, and lib/pq
// then leaves its connection unusable).
type filterLimits struct {
	maxList  int // 0: no limit
	maxDepth int // 0: no limit
}

// maxFilterText bounds each string in a filter (bytes); names and titles are
// far shorter.
const maxFilterText = 10000

// filterValuesPerList is how many lists' worth of values and conditions a
// whole filter may hold: 1,000 with the default -max-nodes of 100.
const filterValuesPerList = 10

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = filterLimits{}

func (filterLimits) ExtensionName() string                   { return "FilterLimits" }
func (filterLimits) Validate(graphql.ExecutableSchema) error { return nil }

func (l filterLimits) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	var bad *gqlerror.Error
	walk(op.Doc, func(f *ast.Field) {
		if bad != nil {
			return
		}
		arg := f.Arguments.ForName("where")
		if arg == nil || arg.Value == nil {
			return
		}
		v, err := arg.Value.Value(op.Variables)
		if err != nil {
			return // validation reports it
		}
		values := 0
		bad = l.check(v, 0, &values)
	})
	return bad
}

// check walks a coerced value: variables coerced by gqlparser may hold typed
// slices and maps ([]map[string]any), hence reflection.
func (l filterLimits) check(v any, depth int, values *int) *gqlerror.Error {
	rv := reflect.ValueOf(v)
	*values++
	if most := filterValuesPerList * l.maxList; most > 0 && *values > most {
		e := apierr.GraphQL(apierr.BadUserInput, "a filter holds more than "+strconv.Itoa(most)+" values and conditions in all")
		e.Extensions["field"] = "where"
		return e
	}
	switch rv.Kind() {
	case reflect.Map:
		iter := rv.MapRange()
		for iter.Next() {
			k, d := fmt.Sprint(iter.Key().Interface()), depth
			if k == "and" || k == "or" || k == "not" || (strings.HasPrefix(k, "has") && strings.HasSuffix(k, "With")) {
				d++
				if l.maxDepth > 0 && d > l.maxDepth {
					return apierr.GraphQL(apierr.ComplexityLimit,
						"the filter nests and/or/not and has…With more than "+strconv.Itoa(l.maxDepth)+" levels deep")
				}
			}
			if err := l.check(iter.Value().Interface(), d, values); err != nil {
				return err
			}
		}
	case reflect.String:
		msg := ""
		switch {
		case rv.Len() > maxFilterText:
			msg = "a text in a filter is longer than " + strconv.Itoa(maxFilterText) + " bytes"
		case strings.IndexByte(rv.String(), 0) >= 0:
			// SQLite ends C strings there: "a\x00" would match like "a".
			msg = "a text in a filter contains a NUL character"
		}
		if msg != "" {
			e := apierr.GraphQL(apierr.BadUserInput, msg)
			e.Extensions["field"] = "where"
			return e
		}
	case reflect.Slice, reflect.Array:
		if l.maxList > 0 && rv.Len() > l.maxList {
			e := apierr.GraphQL(apierr.BadUserInput, "a list in a filter has more than "+strconv.Itoa(l.maxList)+" values")
			e.Extensions["field"] = "where"
			return e
		}
		for i := range rv.Len() {
			if err := l.check(rv.Index(i).Interface(), depth, values); err != nil {
				return err
			}
		}
	}
	return nil
}
