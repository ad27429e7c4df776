package graph

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestMarshalSliceInOrder: every element is marshalled, in order, each with
// its index in the path; a panicking element becomes null and an error at
// its path, as with gqlgen's concurrent version.
func TestMarshalSliceInOrder(t *testing.T) {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter,
		func(context.Context, any) error { return errors.New("internal") })
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{}})
	var order []int
	var paths []string
	got := marshalSliceInOrder(ctx, 3, func(ctx context.Context, i int) graphql.Marshaler {
		order = append(order, i)
		paths = append(paths, graphql.GetPath(ctx).String())
		if i == 1 {
			panic("boom")
		}
		return graphql.MarshalInt(i)
	})
	var b bytes.Buffer
	got.MarshalGQL(&b)
	if b.String() != "[0,null,2]" {
		t.Errorf("marshalled %s, want [0,null,2]", b.String())
	}
	if len(order) != 3 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
		t.Errorf("order %v, want [0 1 2]", order)
	}
	if paths[2] != "[2]" {
		t.Errorf("path of element 2 %q, want [2]", paths[2])
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Path.String() != "[1]" {
		t.Errorf("errors %v, want one at [1]", gqlerror.List(errs))
	}
}
