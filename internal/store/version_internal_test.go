package store

import (
	"testing"

	"github.com/essaim/essaim/ent"
)

// Which counters a write bumps, decided from the mutation alone.
func TestBumpFor(t *testing.T) {
	t.Parallel()
	c := ent.NewClient() // builds mutations only, never runs them
	tests := []struct {
		name string
		m    ent.Mutation
		want string
	}{
		{"new initiative with its places", c.Initiative.Create().SetTitle("t").AddTerritoryIDs(1).AddThemeIDs(2).Mutation(), bumpGraphSQL},
		{"new initiative taking participations", c.Initiative.Create().SetTitle("t").AddParticipationIDs(3).Mutation(), bumpBothSQL},
		{"new initiative with its actors", c.Initiative.Create().SetTitle("t").AddActorIDs(4).Mutation(), bumpBothSQL},
		{"initiative update", c.Initiative.UpdateOneID(1).SetTitle("u").Mutation(), bumpBothSQL},
		{"indicator", c.Indicator.Create().SetName("n").Mutation(), bumpGraphSQL},
		{"participation", c.Participation.Create().SetActorID(1).SetInitiativeID(2).Mutation(), bumpBothSQL},
		{"territory (bumped by its write paths)", c.Territory.Create().SetName("x").Mutation(), ""},
		{"API key", c.APIKey.Create().SetName("k").Mutation(), ""},
	}
	for _, tc := range tests {
		if got := bumpFor(tc.m); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
