package server_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
)

const staleLinksQuery = `query($id: ID!) { node(id: $id) { ... on Actor { links(first: 20) { totalCount } } } }`

// staleRead posts the links of an actor and returns their count and the
// response's extensions.network.
func staleRead(t *testing.T, c *gqltest.Client, actor int) (int, map[string]float64) {
	t.Helper()
	resp := c.Post(t, staleLinksQuery, map[string]any{"id": nwID(actor)})
	if len(resp.Errors) > 0 {
		t.Fatalf("links: %+v", resp.Errors)
	}
	var data struct {
		Node struct {
			Links struct{ TotalCount int } `json:"links"`
		} `json:"node"`
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		t.Fatal(err)
	}
	raw, _ := resp.Extensions["network"].(map[string]any)
	ext := map[string]float64{}
	for k, v := range raw {
		f, _ := v.(float64)
		ext[k] = f
	}
	for _, k := range []string{"snapshotVersion", "graphVersion", "staleMs"} {
		if _, ok := raw[k]; !ok {
			t.Fatalf("extensions.network lacks %s: %v", k, resp.Extensions)
		}
	}
	return data.Node.Links.TotalCount, ext
}

// TestNetworkStaleness: with the default staleness bound, a read right after
// a write gets either the new snapshot or the previous one, and says which
// in extensions.network; Cache-Control: no-cache, or a bound of 0, always
// gets the new one.
func TestNetworkStaleness(t *testing.T) {
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			st := s.Open(t)
			n := dbtest.NewActorNetwork(t, st)
			lax := gqltest.New(st)
			cfg := gqltest.Config()
			cfg.NetworkMaxStaleness = 0
			strictServer := gqltest.NewWith(st, cfg)
			if got := gqltest.Config().NetworkMaxStaleness; got != 10*time.Second {
				t.Fatalf("default staleness bound %s, README says 10s", got)
			}
			noCache := gqltest.New(st)
			noCache.Header = http.Header{"Cache-Control": {"no-cache"}}
			noCache.Handler = lax.Handler // same server, same cache

			for _, c := range []*gqltest.Client{lax, strictServer} {
				if count, ext := staleRead(t, c, n.Z.ID); count != 0 || ext["staleMs"] != 0 || ext["snapshotVersion"] < ext["graphVersion"] {
					t.Fatalf("before the write: %d links, %v", count, ext)
				}
			}
			var created struct{ CreateActorRelation struct{ ID string } }
			lax.MustData(t, nwCreateRelation, map[string]any{"input": map[string]any{
				"fromID": nwID(n.Z.ID), "toID": nwID(n.A3.ID), "kind": "FUNDS"}}, &created)

			// The background rebuild may or may not have finished: the
			// answer must agree with what the extension says.
			count, ext := staleRead(t, lax, n.Z.ID)
			switch {
			case ext["staleMs"] > 0:
				if count != 0 || ext["snapshotVersion"] >= ext["graphVersion"] || ext["staleMs"] > 10000 {
					t.Errorf("stale read: %d links, %v", count, ext)
				}
			case count != 1 || ext["snapshotVersion"] < ext["graphVersion"]:
				t.Errorf("read reported current: %d links, %v", count, ext)
			}
			for name, c := range map[string]*gqltest.Client{"no-cache": noCache, "bound 0": strictServer} {
				if count, ext := staleRead(t, c, n.Z.ID); count != 1 || ext["staleMs"] != 0 || ext["snapshotVersion"] < ext["graphVersion"] {
					t.Errorf("%s after the write: %d links, %v", name, count, ext)
				}
			}
		})
	}
}
