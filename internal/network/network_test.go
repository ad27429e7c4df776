package network_test

// Tests of the actor network on both stores, over the hand-built network of
// dbtest.NewActorNetwork (two clusters bridged by a regional network C, and
// an isolated actor Z) whose paths, brokers and communities are known.

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/internal/apierr"
	"github.com/essaim/essaim/internal/area"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/network"
	"github.com/essaim/essaim/internal/store"
)

// names maps the fixture's IDs (actors, initiatives, themes, territories,
// relations) to short names, so failures read like the fixture's comment.
type names map[int]string

func namesOf(n *dbtest.ActorNetwork) names {
	return names{
		n.A1.ID: "a1", n.A2.ID: "a2", n.A3.ID: "a3", n.B1.ID: "b1", n.B2.ID: "b2", n.B3.ID: "b3",
		n.C.ID: "c", n.Z.ID: "z",
		n.IA1.ID: "IA1", n.IA2.ID: "IA2", n.IB1.ID: "IB1", n.IB2.ID: "IB2", n.IC.ID: "IC",
		n.X.ID: "X", n.X1.ID: "X1", n.Y.ID: "Y", n.W.ID: "W",
		n.Nevers.ID: "Nevers", n.Achun.ID: "Achun", n.Nievre.ID: "Nievre", n.BFC.ID: "BFC",
		n.MemberOf.ID: "b1 MEMBER_OF c",
	}
}

func (nm names) of(ids []int) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		if s, ok := nm[id]; ok {
			out[i] = s
		} else {
			out[i] = fmt.Sprint(id)
		}
	}
	return strings.Join(out, " ")
}

func (nm names) rels(rs []network.Relation) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%s %s %s", nm.of([]int{r.From}), r.Kind, nm.of([]int{r.To}))
	}
	return strings.Join(out, ", ")
}

// links renders links as "actor:weight[initiatives|themes|relations]".
func (nm names) links(ls []network.Link) string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = fmt.Sprintf("%s:%d[%s|%s|%s]", nm.of([]int{l.Actor}), l.Weight,
			nm.of(l.Initiatives), nm.of(l.Themes), nm.rels(l.Relations))
	}
	return strings.Join(out, "; ")
}

func (nm names) paths(ps []network.Path) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		var hops []string
		for _, h := range p.Hops {
			hops = append(hops, fmt.Sprintf("%s-%s[%s|%s]", nm.of([]int{h.From}), nm.of([]int{h.To}),
				nm.of(h.Initiatives), nm.rels(h.Relations)))
		}
		out[i] = nm.of(p.Actors) + " via " + strings.Join(hops, " ")
	}
	return strings.Join(out, "; ")
}

func check(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func ptr[T any](v T) *T { return &v }

// snapshots returns the network built directly and through a cache.
func snapshots(t *testing.T, st *store.Store) map[string]*network.Snapshot {
	t.Helper()
	ctx := context.Background()
	v, err := store.NetworkVersion(ctx, st.Client)
	if err != nil {
		t.Fatal(err)
	}
	if v == 0 {
		t.Fatalf("graph version is 0 after writing the fixture: writes do not bump it")
	}
	built, err := network.Build(ctx, st.Client, v)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	cached, err := network.NewCache(st.Client).Get(ctx)
	if err != nil {
		t.Fatalf("cache get: %v", err)
	}
	if built.Version != v || cached.Version != v {
		t.Fatalf("versions: built %d, cached %d, want %d", built.Version, cached.Version, v)
	}
	return map[string]*network.Snapshot{"build": built, "cache": cached}
}

func TestNetworkSnapshot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		n := dbtest.NewActorNetwork(t, st)
		nm := namesOf(n)
		for name, s := range snapshots(t, st) {
			t.Run(name, func(t *testing.T) {
				t.Run("Paths", func(t *testing.T) { testPaths(t, n, nm, s) })
				t.Run("CommonPartners", func(t *testing.T) { testCommonPartners(t, n, nm, s) })
				t.Run("Metrics", func(t *testing.T) { testMetrics(t, n, s) })
				t.Run("Links", func(t *testing.T) { testLinks(t, n, nm, s) })
				t.Run("NetworkView", func(t *testing.T) { testNetworkView(t, n, nm, s) })
				t.Run("Suggest", func(t *testing.T) { testSuggest(t, n, nm, s) })
			})
		}
	})
}

func testPaths(t *testing.T, n *dbtest.ActorNetwork, nm names, s *network.Snapshot) {
	all := network.LinkFilter{}
	const a2b2 = "a2 a1 c b1 b2 via a2-a1[IA1 IA2|] a1-c[IC|] c-b1[|b1 MEMBER_OF c] b1-b2[IB1|]"
	check(t, "a2→b2", nm.paths(s.Paths(n.A2.ID, n.B2.ID, 4, 5, all)), a2b2)
	check(t, "a2→b2 maxHops 6", nm.paths(s.Paths(n.A2.ID, n.B2.ID, 6, 5, all)), a2b2)
	// b3 lies at the same depth as b2; either may be dequeued first.
	check(t, "a2→b3", nm.paths(s.Paths(n.A2.ID, n.B3.ID, 4, 5, all)),
		"a2 a1 c b1 b3 via a2-a1[IA1 IA2|] a1-c[IC|] c-b1[|b1 MEMBER_OF c] b1-b3[IB1|]")
	check(t, "b2→a2", nm.paths(s.Paths(n.B2.ID, n.A2.ID, 4, 5, all)),
		"b2 b1 c a1 a2 via b2-b1[IB1|] b1-c[|b1 MEMBER_OF c] c-a1[IC|] a1-a2[IA1 IA2|]")
	check(t, "a2→b1 (3 hops) with maxHops 3", nm.paths(s.Paths(n.A2.ID, n.B1.ID, 3, 5, all)),
		"a2 a1 c b1 via a2-a1[IA1 IA2|] a1-c[IC|] c-b1[|b1 MEMBER_OF c]")
	check(t, "a2→a3 direct", nm.paths(s.Paths(n.A2.ID, n.A3.ID, 4, 5, all)), "a2 a3 via a2-a3[IA1|]")
	check(t, "z→z", nm.paths(s.Paths(n.Z.ID, n.Z.ID, 4, 5, all)), "z via ")

	none := func(what string, ps []network.Path) {
		t.Helper()
		if len(ps) != 0 {
			t.Errorf("%s: got %s, want no path", what, nm.paths(ps))
		}
	}
	none("a2→b2 maxHops 3", s.Paths(n.A2.ID, n.B2.ID, 3, 5, all))
	none("a2→b3 maxHops 3", s.Paths(n.A2.ID, n.B3.ID, 3, 5, all))
	none("a2→b2 co-participation only", s.Paths(n.A2.ID, n.B2.ID, 6, 5, network.LinkFilter{Kinds: []string{network.CoParticipation}}))
	none("a2→b2 theme X (IC is W)", s.Paths(n.A2.ID, n.B2.ID, 6, 5, network.LinkFilter{Theme: &n.X.ID}))
	none("a2→z", s.Paths(n.A2.ID, n.Z.ID, 6, 5, all))
	none("z→a2", s.Paths(n.Z.ID, n.A2.ID, 6, 5, all))
	none("from a territory", s.Paths(n.Nevers.ID, n.A2.ID, 6, 5, all))
	none("maxPaths 0", s.Paths(n.A2.ID, n.B2.ID, 6, 0, all))
	check(t, "a2→b2 co-participation and MEMBER_OF",
		nm.paths(s.Paths(n.A2.ID, n.B2.ID, 4, 5, network.LinkFilter{Kinds: []string{network.CoParticipation, "MEMBER_OF"}})), a2b2)
}

func testCommonPartners(t *testing.T, n *dbtest.ActorNetwork, nm names, s *network.Snapshot) {
	render := func(cps []network.CommonPartner) string {
		out := make([]string, len(cps))
		for i, cp := range cps {
			out[i] = fmt.Sprintf("%s→%s:%d", nm.of([]int{cp.Actor}), nm.of(cp.LinkedTo), cp.Weight)
		}
		return strings.Join(out, "; ")
	}
	all := network.LinkFilter{}
	a23 := []int{n.A2.ID, n.A3.ID}
	check(t, "{a2,a3} all", render(s.CommonPartners(a23, 2, all)), "a1→a2 a3:3")
	check(t, "{a2,a3} at least 1", render(s.CommonPartners(a23, 1, all)), "a1→a2 a3:3")
	ab := []int{n.A1.ID, n.B1.ID}
	check(t, "{a1,b1} all", render(s.CommonPartners(ab, 2, all)), "c→a1 b1:2")
	check(t, "{a1,b1} at least 1", render(s.CommonPartners(ab, 1, all)),
		"c→a1 b1:2; a2→a1:2; a3→a1:1; b2→b1:1; b3→b1:1")
	check(t, "{a1,b1} co-participation only", render(s.CommonPartners(ab, 2, network.LinkFilter{Kinds: []string{network.CoParticipation}})), "")
	check(t, "{a2,z}", render(s.CommonPartners([]int{n.A2.ID, n.Z.ID}, 2, all)), "")
	check(t, "{a2,a2,a3}", render(s.CommonPartners([]int{n.A2.ID, n.A2.ID, n.A3.ID}, 2, all)), "a1→a2 a3:3")
	check(t, "{a2,a2} at least 2", render(s.CommonPartners([]int{n.A2.ID, n.A2.ID}, 2, all)), "")
}

func testMetrics(t *testing.T, n *dbtest.ActorNetwork, s *network.Snapshot) {
	m := map[string]network.Metrics{}
	for name, a := range map[string]int{"a1": n.A1.ID, "a2": n.A2.ID, "a3": n.A3.ID, "b1": n.B1.ID,
		"b2": n.B2.ID, "b3": n.B3.ID, "c": n.C.ID, "z": n.Z.ID} {
		m[name] = s.ActorMetrics(a)
		if m[name].BetweennessScope != "GLOBAL" {
			t.Errorf("%s: betweenness scope %s, want GLOBAL", name, m[name].BetweennessScope)
		}
	}
	for name, want := range map[string][2]int{"a1": {3, 4}, "a2": {2, 3}, "a3": {2, 2}, "b1": {3, 3},
		"b2": {2, 3}, "b3": {2, 3}, "c": {2, 2}, "z": {0, 0}} {
		if got := [2]int{m[name].Degree, m[name].WeightedDegree}; got != want {
			t.Errorf("%s: degree, weighted degree = %v, want %v", name, got, want)
		}
	}
	// Betweenness: c bridges the 3×3 pairs across the clusters, a1 and b1
	// each the 2×4 pairs out of their cluster; nobody else is on a shortest
	// path.
	bt := func(name string) float64 { return m[name].Betweenness }
	if !(bt("c") > bt("a1") && bt("a1") == bt("b1") && bt("a1") > 0) {
		t.Errorf("betweenness: c %v, a1 %v, b1 %v; want c > a1 = b1 > 0", bt("c"), bt("a1"), bt("b1"))
	}
	if r := bt("c") / bt("a1"); r < 1.124 || r > 1.126 {
		t.Errorf("betweenness c/a1 = %v, want 9/8", r)
	}
	for _, name := range []string{"a2", "a3", "b2", "b3", "z"} {
		if bt(name) != 0 {
			t.Errorf("betweenness of %s = %v, want 0", name, bt(name))
		}
	}
	// Communities: the clusters apart, numbered by smallest member (a1 < b1 < z).
	cm := func(name string) int { return m[name].Community }
	if cm("a1") != 0 || cm("a2") != 0 || cm("a3") != 0 {
		t.Errorf("cluster A communities: %d %d %d, want 0", cm("a1"), cm("a2"), cm("a3"))
	}
	if cm("b1") != 1 || cm("b2") != 1 || cm("b3") != 1 {
		t.Errorf("cluster B communities: %d %d %d, want 1", cm("b1"), cm("b2"), cm("b3"))
	}
	if cm("c") != 0 && cm("c") != 1 {
		t.Errorf("community of c = %d, want one of the clusters'", cm("c"))
	}
	if cm("z") != 2 {
		t.Errorf("community of z = %d, want 2 (alone)", cm("z"))
	}
}

func testLinks(t *testing.T, n *dbtest.ActorNetwork, nm names, s *network.Snapshot) {
	cases := []struct {
		name  string
		actor int
		f     network.LinkFilter
		want  string
	}{
		{"a1", n.A1.ID, network.LinkFilter{}, "a2:2[IA1 IA2|X X1|]; a3:1[IA1|X1|]; c:1[IC|W|]"},
		{"a1 theme X (and sub-theme X1)", n.A1.ID, network.LinkFilter{Theme: &n.X.ID}, "a2:2[IA1 IA2|X X1|]; a3:1[IA1|X1|]"},
		{"a1 theme X1", n.A1.ID, network.LinkFilter{Theme: &n.X1.ID}, "a2:1[IA1|X1|]; a3:1[IA1|X1|]"},
		{"a1 theme Y", n.A1.ID, network.LinkFilter{Theme: &n.Y.ID}, ""},
		{"a1 within Nevers", n.A1.ID, network.LinkFilter{Within: &n.Nevers.ID}, "a2:1[IA1|X1|]; a3:1[IA1|X1|]"},
		{"a1 within Nièvre", n.A1.ID, network.LinkFilter{Within: &n.Nievre.ID}, "a2:2[IA1 IA2|X X1|]; a3:1[IA1|X1|]; c:1[IC|W|]"},
		{"a1 within CC Straddle", n.A1.ID, network.LinkFilter{Within: &n.CCStraddle.ID}, "a2:1[IA2|X|]"},
		{"a1 within Côte-d'Or", n.A1.ID, network.LinkFilter{Within: &n.CoteDor.ID}, ""},
		{"a1 rural", n.A1.ID, network.LinkFilter{Area: ptr(area.Rural)}, "a2:1[IA2|X|]"},
		{"a1 urban", n.A1.ID, network.LinkFilter{Area: ptr(area.Urban)}, "a2:1[IA1|X1|]; a3:1[IA1|X1|]; c:1[IC|W|]"},
		{"a1 urban within Nevers", n.A1.ID, network.LinkFilter{Area: ptr(area.Urban), Within: &n.Nevers.ID}, "a2:1[IA1|X1|]; a3:1[IA1|X1|]"},
		{"a1 MEMBER_OF", n.A1.ID, network.LinkFilter{Kinds: []string{"MEMBER_OF"}}, ""},
		{"b1", n.B1.ID, network.LinkFilter{}, "b2:1[IB1|Y|]; b3:1[IB1|Y|]; c:1[||b1 MEMBER_OF c]"},
		{"b1 MEMBER_OF", n.B1.ID, network.LinkFilter{Kinds: []string{"MEMBER_OF"}}, "c:1[||b1 MEMBER_OF c]"},
		{"b1 PARTNER_OF", n.B1.ID, network.LinkFilter{Kinds: []string{"PARTNER_OF"}}, ""},
		{"b1 co-participation", n.B1.ID, network.LinkFilter{Kinds: []string{network.CoParticipation}}, "b2:1[IB1|Y|]; b3:1[IB1|Y|]"},
		// A relation counts when both actors match the theme and place.
		{"b1 theme Y", n.B1.ID, network.LinkFilter{Theme: &n.Y.ID}, "b2:1[IB1|Y|]; b3:1[IB1|Y|]; c:1[||b1 MEMBER_OF c]"},
		{"b1 theme X", n.B1.ID, network.LinkFilter{Theme: &n.X.ID}, ""},
		{"b1 within BFC", n.B1.ID, network.LinkFilter{Within: &n.BFC.ID}, "b2:1[IB1|Y|]; b3:1[IB1|Y|]; c:1[||b1 MEMBER_OF c]"},
		{"b1 within Yonne", n.B1.ID, network.LinkFilter{Within: &n.Yonne.ID}, "b2:1[IB1|Y|]; b3:1[IB1|Y|]"},
		{"c", n.C.ID, network.LinkFilter{}, "a1:1[IC|W|]; b1:1[||b1 MEMBER_OF c]"},
		{"c theme Y", n.C.ID, network.LinkFilter{Theme: &n.Y.ID}, "b1:1[||b1 MEMBER_OF c]"},
		{"c theme W", n.C.ID, network.LinkFilter{Theme: &n.W.ID}, "a1:1[IC|W|]"},
		{"b2", n.B2.ID, network.LinkFilter{}, "b3:2[IB1 IB2|Y|]; b1:1[IB1|Y|]"},
		{"z", n.Z.ID, network.LinkFilter{}, ""},
		{"a territory", n.Nevers.ID, network.LinkFilter{}, ""},
	}
	for _, c := range cases {
		check(t, c.name, nm.links(s.Links(c.actor, c.f)), c.want)
	}
}

func testNetworkView(t *testing.T, n *dbtest.ActorNetwork, nm names, s *network.Snapshot) {
	nodes := func(net network.Network) string {
		ids := make([]int, len(net.Nodes))
		for i, nd := range net.Nodes {
			ids[i] = nd.Actor
		}
		return nm.of(ids)
	}
	sortedNodes := func(net network.Network) string {
		var ns []string
		for _, nd := range net.Nodes {
			ns = append(ns, nm.of([]int{nd.Actor}))
		}
		slices.Sort(ns)
		return strings.Join(ns, " ")
	}
	edges := func(net network.Network) string {
		var es []string
		for _, e := range net.Edges {
			es = append(es, fmt.Sprintf("%s-%s:%d%v", nm.of([]int{e.A}), nm.of([]int{e.B}), e.Weight, e.Kinds))
		}
		slices.Sort(es)
		return strings.Join(es, " ")
	}

	full := s.Network(network.NetworkFilter{}, nil, 2, 200)
	if full.Truncated || full.Total != 8 || len(full.Nodes) != 8 {
		t.Errorf("full view: truncated %v, total %d, %d nodes; want 8 untruncated", full.Truncated, full.Total, len(full.Nodes))
	}
	check(t, "full view first node (heaviest)", nm.of([]int{full.Nodes[0].Actor}), "a1")
	check(t, "full view edges", edges(full),
		"a1-a2:2[CO_PARTICIPATION] a1-a3:1[CO_PARTICIPATION] a1-c:1[CO_PARTICIPATION] a2-a3:1[CO_PARTICIPATION] "+
			"b1-b2:1[CO_PARTICIPATION] b1-b3:1[CO_PARTICIPATION] b1-c:1[MEMBER_OF] b2-b3:2[CO_PARTICIPATION]")
	byActor := map[string]network.Node{}
	for _, nd := range full.Nodes {
		byActor[nm.of([]int{nd.Actor})] = nd
	}
	if c, a1, a2 := byActor["c"], byActor["a1"], byActor["a2"]; !(c.Betweenness > a1.Betweenness && a1.Betweenness > a2.Betweenness && a2.Betweenness == 0) {
		t.Errorf("full view betweenness: c %v, a1 %v, a2 %v", c.Betweenness, a1.Betweenness, a2.Betweenness)
	}
	if byActor["a1"].Degree != 3 || byActor["c"].Degree != 2 || byActor["z"].Degree != 0 {
		t.Errorf("full view degrees: a1 %d, c %d, z %d; want 3, 2, 0", byActor["a1"].Degree, byActor["c"].Degree, byActor["z"].Degree)
	}
	ca, cb := byActor["a1"].Community, byActor["b1"].Community
	if ca == cb || byActor["a2"].Community != ca || byActor["a3"].Community != ca ||
		byActor["b2"].Community != cb || byActor["b3"].Community != cb {
		t.Errorf("full view communities do not separate the clusters: %+v", byActor)
	}

	check(t, "center a2 depth 1", nodes(s.Network(network.NetworkFilter{}, &n.A2.ID, 1, 200)), "a2 a1 a3")
	check(t, "center a2 depth 2", nodes(s.Network(network.NetworkFilter{}, &n.A2.ID, 2, 200)), "a2 a1 a3 c")
	check(t, "center a2 depth 3", nodes(s.Network(network.NetworkFilter{}, &n.A2.ID, 3, 200)), "a2 a1 a3 c b1")
	check(t, "center z", nodes(s.Network(network.NetworkFilter{}, &n.Z.ID, 3, 200)), "z")
	cp := network.NetworkFilter{Link: network.LinkFilter{Kinds: []string{network.CoParticipation}}}
	check(t, "center a2 depth 3, co-participation", nodes(s.Network(cp, &n.A2.ID, 3, 200)), "a2 a1 a3 c")
	assoc := network.NetworkFilter{ActorKinds: []string{"ASSOCIATION"}}
	check(t, "center a1 depth 3, associations", nodes(s.Network(assoc, &n.A1.ID, 3, 200)), "a1 a2 a3")

	center := s.Network(network.NetworkFilter{}, &n.A2.ID, 3, 2)
	if !center.Truncated || center.Total != 5 || nodes(center) != "a2 a1" {
		t.Errorf("center a2 depth 3 limit 2: truncated %v, total %d, nodes %s", center.Truncated, center.Total, nodes(center))
	}
	top := s.Network(network.NetworkFilter{}, nil, 2, 1)
	if !top.Truncated || top.Total != 8 || nodes(top) != "a1" || len(top.Edges) != 0 {
		t.Errorf("limit 1: truncated %v, total %d, nodes %s, %d edges", top.Truncated, top.Total, nodes(top), len(top.Edges))
	}

	nw := s.Network(network.NetworkFilter{ActorKinds: []string{"NETWORK"}}, nil, 2, 200)
	check(t, "networks only", nodes(nw)+" / "+edges(nw), "c / ")
	an := s.Network(network.NetworkFilter{ActorKinds: []string{"ASSOCIATION", "NETWORK"}}, nil, 2, 200)
	check(t, "associations and networks", sortedNodes(an)+" / "+edges(an),
		"a1 a2 a3 c / a1-a2:2[CO_PARTICIPATION] a1-a3:1[CO_PARTICIPATION] a1-c:1[CO_PARTICIPATION] a2-a3:1[CO_PARTICIPATION]")
	check(t, "actors of theme Y", sortedNodes(s.Network(network.NetworkFilter{Theme: &n.Y.ID}, nil, 2, 200)), "b1 b2 b3 c")
	check(t, "actors of theme X", sortedNodes(s.Network(network.NetworkFilter{Theme: &n.X.ID}, nil, 2, 200)), "a1 a2 a3 b3 c")
	rural := s.Network(network.NetworkFilter{Area: ptr(area.Rural)}, nil, 2, 200)
	check(t, "rural actors", sortedNodes(rural)+" / "+edges(rural), "a2 b1 / ")
	check(t, "actors within Nièvre", sortedNodes(s.Network(network.NetworkFilter{Within: &n.Nievre.ID}, nil, 2, 200)), "a1 a2 a3 z")
}

func testSuggest(t *testing.T, n *dbtest.ActorNetwork, nm names, s *network.Snapshot) {
	render := func(sgs []network.Suggestion) string {
		out := make([]string, len(sgs))
		for i, sg := range sgs {
			out[i] = fmt.Sprintf("%s:%g[%s|%s|%s]", nm.of([]int{sg.Actor}), sg.Score,
				nm.of(sg.CommonPartners), nm.of(sg.SharedThemes), nm.of(sg.Territories))
		}
		return strings.Join(out, "; ")
	}
	// c: common partner a1 (3) + theme X (2) + BFC contains Achun (1);
	// b3: theme X; z: Nièvre contains Achun. a1 and a3 are already linked.
	check(t, "a2", render(s.Suggest(n.A2.ID, 10)), "c:6[a1|X|Achun]; b3:2[|X|]; z:1[||Achun]")
	check(t, "a2 first 1", render(s.Suggest(n.A2.ID, 1)), "c:6[a1|X|Achun]")
	for _, id := range []int{n.A1.ID, n.A2.ID, n.B1.ID, n.C.ID, n.Z.ID} {
		for _, sg := range s.Suggest(id, 100) {
			if sg.Actor == id || len(s.Links(id, network.LinkFilter{})) > 0 && slices.ContainsFunc(s.Links(id, network.LinkFilter{}),
				func(l network.Link) bool { return l.Actor == sg.Actor }) {
				t.Errorf("suggestions for %s include %s, already linked or itself", nm.of([]int{id}), nm.of([]int{sg.Actor}))
			}
		}
	}
	if got := s.Suggest(n.Nevers.ID, 10); got != nil {
		t.Errorf("suggestions for a territory: %v", got)
	}
}

func version(t *testing.T, st *store.Store) int64 {
	t.Helper()
	v, err := store.NetworkVersion(context.Background(), st.Client)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func get(t *testing.T, c *network.Cache) *network.Snapshot {
	t.Helper()
	s, err := c.Get(context.Background())
	if err != nil {
		t.Fatalf("cache get: %v", err)
	}
	return s
}

func TestNetworkCacheInvalidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := dbtest.NewActorNetwork(t, st)
		nm := namesOf(n)
		cache := network.NewCache(st.Client)
		s1 := get(t, cache)
		if s1.Version != version(t, st) {
			t.Fatalf("snapshot version %d, graph version %d", s1.Version, version(t, st))
		}
		if again := get(t, cache); again != s1 {
			t.Fatalf("Get without a write rebuilt the snapshot (%d → %d)", s1.Version, again.Version)
		}

		// A participation links z to b2 and b3.
		if _, err := st.Client.Participation.Create().SetActorID(n.Z.ID).SetInitiativeID(n.IB2.ID).
			SetRole(participation.RoleFUNDER).Save(ctx); err != nil {
			t.Fatal(err)
		}
		s2 := get(t, cache)
		if s2.Version <= s1.Version {
			t.Fatalf("after a participation: version %d, was %d", s2.Version, s1.Version)
		}
		check(t, "z after participation", nm.links(s2.Links(n.Z.ID, network.LinkFilter{})), "b2:1[IB2|Y|]; b3:1[IB2|Y|]")
		check(t, "old snapshot unchanged", nm.links(s1.Links(n.Z.ID, network.LinkFilter{})), "")

		// A relation links z to a3.
		rel, err := st.Client.ActorRelation.Create().SetFromID(n.Z.ID).SetToID(n.A3.ID).
			SetKind(actorrelation.KindFUNDS).Save(ctx)
		if err != nil {
			t.Fatal(err)
		}
		nm[rel.ID] = "z FUNDS a3"
		s3 := get(t, cache)
		if s3.Version <= s2.Version {
			t.Fatalf("after a relation: version %d, was %d", s3.Version, s2.Version)
		}
		check(t, "a3 after relation", nm.links(s3.Links(n.A3.ID, network.LinkFilter{})),
			"a1:1[IA1|X1|]; a2:1[IA1|X1|]; z:1[||z FUNDS a3]")
		check(t, "a3→b2 after the new links", nm.paths(s3.Paths(n.A3.ID, n.B2.ID, 4, 5, network.LinkFilter{})),
			"a3 z b2 via a3-z[|z FUNDS a3] z-b2[IB2|]")

		// Now three shortest paths lead from a3 to b1; maxPaths keeps a
		// prefix of the same stable order.
		three := nm.paths(s3.Paths(n.A3.ID, n.B1.ID, 3, 5, network.LinkFilter{}))
		for _, want := range []string{
			"a3 a1 c b1 via a3-a1[IA1|] a1-c[IC|] c-b1[|b1 MEMBER_OF c]",
			"a3 z b2 b1 via a3-z[|z FUNDS a3] z-b2[IB2|] b2-b1[IB1|]",
			"a3 z b3 b1 via a3-z[|z FUNDS a3] z-b3[IB2|] b3-b1[IB1|]",
		} {
			if !strings.Contains(three, want) {
				t.Errorf("a3→b1 paths %q lack %q", three, want)
			}
		}
		if got := len(s3.Paths(n.A3.ID, n.B1.ID, 3, 5, network.LinkFilter{})); got != 3 {
			t.Errorf("a3→b1: %d paths, want 3", got)
		}
		two := nm.paths(s3.Paths(n.A3.ID, n.B1.ID, 3, 2, network.LinkFilter{}))
		if !strings.HasPrefix(three, two+"; ") || strings.Count(two, ";") != 1 {
			t.Errorf("a3→b1 maxPaths 2 = %q, not a prefix of %q", two, three)
		}

		// A failed write (duplicate participation) does not bump.
		if _, err := st.Client.Participation.Create().SetActorID(n.Z.ID).SetInitiativeID(n.IB2.ID).
			SetRole(participation.RoleLEAD).Save(ctx); err == nil {
			t.Fatal("duplicate participation accepted")
		}
		// Neither does a rolled back transaction.
		tx, err := st.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ActorRelation.Create().SetFromID(n.Z.ID).SetToID(n.A2.ID).
			SetKind(actorrelation.KindPARTNER_OF).Save(ctx); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		// Nor a relation refused by validation.
		if _, err := network.CreateRelation(ctx, st.Client, st.Dialect, relationInput(n.Z.ID, n.Z.ID, actorrelation.KindPARTNER_OF)); !isBadInput(err) {
			t.Fatalf("self-relation: err %v, want BAD_USER_INPUT", err)
		}
		if v := version(t, st); v != s3.Version {
			t.Errorf("failed writes moved the version from %d to %d", s3.Version, v)
		}
		if again := get(t, cache); again != s3 {
			t.Errorf("Get after failed writes rebuilt the snapshot (%d → %d)", s3.Version, again.Version)
		}
		check(t, "z after failed writes", nm.links(s3.Links(n.Z.ID, network.LinkFilter{})),
			"a3:1[||z FUNDS a3]; b2:1[IB2|Y|]; b3:1[IB2|Y|]")

		// A delete bumps too.
		if err := st.Client.ActorRelation.DeleteOneID(rel.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		s4 := get(t, cache)
		if s4.Version <= s3.Version {
			t.Fatalf("after a delete: version %d, was %d", s4.Version, s3.Version)
		}
		check(t, "a3 after delete", nm.links(s4.Links(n.A3.ID, network.LinkFilter{})), "a1:1[IA1|X1|]; a2:1[IA1|X1|]")
	})
}

func relationInput(from, to int, kind actorrelation.Kind) ent.CreateActorRelationInput {
	return ent.CreateActorRelationInput{FromID: from, ToID: to, Kind: kind}
}

func isBadInput(err error) bool {
	var e *apierr.Error
	return errors.As(err, &e) && e.Code == apierr.BadUserInput
}

// sharedDSN returns the DSN of a fresh, empty database that several stores
// (several "servers") can open at once.
func sharedDSN(t *testing.T, storeName string) string {
	t.Helper()
	if storeName == "sqlite" {
		return filepath.Join(t.TempDir(), "shared.db")
	}
	db, dsn, drop, err := dbtest.CreatePostgresDB(context.Background(), dbtest.PostgresURL(), "essaim_test")
	if err != nil {
		if dbtest.PostgresRequired() {
			t.Fatalf("PostgreSQL is required (ESSAIM_REQUIRE_POSTGRES=1) but unusable: %v", err)
		}
		t.Skipf("PostgreSQL unavailable, skipping: %v", err)
	}
	_ = db.Close()
	t.Cleanup(drop) // runs after the stores' own cleanups
	return dsn
}

func openShared(t *testing.T, dsn string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open shared store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func TestNetworkCacheAcrossServers(t *testing.T) {
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := sharedDSN(t, s.Name)
			server1, server2, writer := openShared(t, dsn), openShared(t, dsn), openShared(t, dsn)
			n := dbtest.NewActorNetwork(t, writer)
			nm := namesOf(n)
			c1, c2 := network.NewCache(server1.Client), network.NewCache(server2.Client)
			s1, s2 := get(t, c1), get(t, c2)
			if s1.Version != s2.Version || s1.Version != version(t, writer) {
				t.Fatalf("versions: server 1 %d, server 2 %d, database %d", s1.Version, s2.Version, version(t, writer))
			}
			check(t, "z before", nm.links(s1.Links(n.Z.ID, network.LinkFilter{})), "")

			p, err := writer.Client.Participation.Create().SetActorID(n.Z.ID).SetInitiativeID(n.IA2.ID).
				SetRole(participation.RoleBENEFICIARY).Save(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range []*network.Cache{c1, c2} {
				got := get(t, c)
				if got.Version <= s1.Version {
					t.Errorf("server %d: version %d after a write elsewhere, was %d", i+1, got.Version, s1.Version)
				}
				check(t, fmt.Sprintf("server %d: z after the write", i+1), nm.links(got.Links(n.Z.ID, network.LinkFilter{})),
					"a1:1[IA2|X|]; a2:1[IA2|X|]")
			}

			if err := writer.Client.Participation.DeleteOne(p).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for i, c := range []*network.Cache{c1, c2} {
				check(t, fmt.Sprintf("server %d: z after the delete", i+1), nm.links(get(t, c).Links(n.Z.ID, network.LinkFilter{})), "")
			}
		})
	}
}

// Above GlobalBetweennessMax actors, betweenness is computed within each
// actor's two-hop neighbourhood. c's holds the whole component, so its value
// is the global one; a1's and b1's lack the far cluster's two outer actors,
// so they lie on the shortest paths of 2×2 pairs instead of 2×4.
func TestNetworkEgoBetweenness(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := dbtest.NewActorNetwork(t, st)
		s, err := network.NewCache(st.Client).Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int{"a1": n.A1.ID, "a2": n.A2.ID, "b1": n.B1.ID, "c": n.C.ID, "z": n.Z.ID}
		global := map[string]network.Metrics{}
		for name, id := range ids {
			global[name] = s.ActorMetrics(id)
		}
		// Unlinked actors push the network over the limit (one transaction:
		// each row bumps the graph version).
		tx, err := st.Client.Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const batch = 500
		for made := 0; made < network.GlobalBetweennessMax; made += batch {
			bulk := make([]*ent.ActorCreate, batch)
			for i := range bulk {
				bulk[i] = tx.Actor.Create().SetName(fmt.Sprintf("filler %d", made+i)).SetKind("OTHER")
			}
			if err := tx.Actor.CreateBulk(bulk...).Exec(ctx); err != nil {
				_ = tx.Rollback()
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		big, err := network.NewCache(st.Client).Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{"a1": global["a1"].Betweenness / 2, "b1": global["b1"].Betweenness / 2,
			"c": global["c"].Betweenness, "a2": 0, "z": 0}
		for name, id := range ids {
			m := big.ActorMetrics(id)
			if m.BetweennessScope != "EGO" {
				t.Errorf("%s: scope %s, want EGO", name, m.BetweennessScope)
			}
			if m.Betweenness != want[name] || m.Degree != global[name].Degree || m.WeightedDegree != global[name].WeightedDegree {
				t.Errorf("%s: ego metrics %+v, want betweenness %v and the global degrees %+v", name, m, want[name], global[name])
			}
		}
		if global["c"].Betweenness == 0 {
			t.Error("global betweenness of c is 0")
		}
		if a, b := big.ActorMetrics(n.A1.ID).Community, big.ActorMetrics(n.B1.ID).Community; a == b {
			t.Errorf("communities of a1 and b1 merged in the large network (%d)", a)
		}
	})
}
