// Package workload is the fixed set of representative GraphQL operations of
// Essaim (issue #6): one .graphql file per operation, and for each a small
// function that picks its variables deterministically from a dataset. The
// load benchmark (bench/load) runs them on the reference dataset; the SQL
// budget test (internal/server/budget_test.go) runs the same files on a small
// fixture.
package workload

import (
	"context"
	"embed"
	"fmt"
	"slices"
	"strconv"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/ent/theme"
)

//go:embed *.graphql
var files embed.FS

// Commune and Theme are the commune (INSEE code) and theme (slug) the
// workload is about. Nevers exists in the real territories and in the test
// fixture (dbtest.MiniFrance); circuits-courts in the synthetic taxonomy and
// in dbtest.ActorNetwork.
const (
	Commune = "58194"
	Theme   = "circuits-courts"
)

// Picks is how many different variable sets an operation cycles through.
const Picks = 16

// Op is one operation of the workload.
type Op struct {
	Name     string // the file name without .graphql
	Mutation bool   // writes: run it on a copy of the dataset only
	// Prepare reads what the variables need from the dataset and returns
	// the variables of the i-th request.
	Prepare func(ctx context.Context, c *ent.Client) (func(i int) map[string]any, error)
}

// Query returns the text of the operation.
func (o Op) Query() string {
	b, err := files.ReadFile(o.Name + ".graphql")
	if err != nil {
		panic(err) // embedded: cannot happen for a listed operation
	}
	return string(b)
}

// Ops lists the operations, reads first and the mutation last.
var Ops = []Op{
	{Name: "dashboard", Prepare: func(context.Context, *ent.Client) (func(int) map[string]any, error) {
		return func(int) map[string]any { return nil }, nil
	}},
	{Name: "dashboard_rural_theme", Prepare: func(ctx context.Context, c *ent.Client) (func(int) map[string]any, error) {
		th, err := themeID(ctx, c)
		return func(int) map[string]any { return map[string]any{"theme": th} }, err
	}},
	{Name: "covering_commune", Prepare: func(ctx context.Context, c *ent.Client) (func(int) map[string]any, error) {
		t, err := communeID(ctx, c)
		return func(int) map[string]any { return map[string]any{"commune": t} }, err
	}},
	{Name: "initiative_stats", Prepare: func(context.Context, *ent.Client) (func(int) map[string]any, error) {
		return func(int) map[string]any { return nil }, nil
	}},
	{Name: "actor_links", Prepare: func(ctx context.Context, c *ent.Client) (func(int) map[string]any, error) {
		ids, err := actorIDs(ctx, c)
		return func(i int) map[string]any { return map[string]any{"actor": nth(ids, i)} }, err
	}},
	{Name: "actor_path", Prepare: func(ctx context.Context, c *ent.Client) (func(int) map[string]any, error) {
		ids, err := actorIDs(ctx, c)
		rev := slices.Clone(ids)
		slices.Reverse(rev)
		return func(i int) map[string]any { return map[string]any{"from": nth(ids, i), "to": nth(rev, i)} }, err
	}},
	{Name: "node", Prepare: func(ctx context.Context, c *ent.Client) (func(int) map[string]any, error) {
		ids, err := c.Initiative.Query().Order(ent.Asc(initiative.FieldID)).IDs(ctx)
		if err == nil && len(ids) == 0 {
			err = fmt.Errorf("no initiative")
		}
		return func(i int) map[string]any { return map[string]any{"id": nth(ids, i)} }, err
	}},
	{Name: "create_initiative", Mutation: true, Prepare: func(ctx context.Context, c *ent.Client) (func(int) map[string]any, error) {
		th, err := themeID(ctx, c)
		if err != nil {
			return nil, err
		}
		t, err := communeID(ctx, c)
		return func(i int) map[string]any {
			return map[string]any{"title": fmt.Sprintf("Workload initiative %d", i), "territory": t, "theme": th}
		}, err
	}},
}

// nth returns the ID of the i-th pick: Picks IDs evenly spread over ids.
func nth(ids []int, i int) string {
	k := i % Picks
	return strconv.Itoa(ids[k*len(ids)/Picks])
}

func actorIDs(ctx context.Context, c *ent.Client) ([]int, error) {
	ids, err := c.Actor.Query().Order(ent.Asc(actor.FieldID)).IDs(ctx)
	if err == nil && len(ids) == 0 {
		err = fmt.Errorf("no actor")
	}
	return ids, err
}

func themeID(ctx context.Context, c *ent.Client) (string, error) {
	id, err := c.Theme.Query().Where(theme.Slug(Theme)).OnlyID(ctx)
	if err != nil {
		return "", fmt.Errorf("theme %s: %w", Theme, err)
	}
	return strconv.Itoa(id), nil
}

func communeID(ctx context.Context, c *ent.Client) (string, error) {
	id, err := c.Territory.Query().Where(territory.KindEQ(territory.KindCOMMUNE), territory.Code(Commune)).OnlyID(ctx)
	if err != nil {
		return "", fmt.Errorf("commune %s: %w", Commune, err)
	}
	return strconv.Itoa(id), nil
}
