package server_test

// Tests of the actor network API through the real HTTP handler, on both
// stores, over the hand-built network of dbtest.NewActorNetwork: two
// clusters {a1,a2,a3} and {b1,b2,b3} bridged by the regional network c
// (a1–c share an initiative, b1 MEMBER_OF c), and an isolated actor z.
// Actor names start with their short name ("a1 …"), which the assertions use.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/gqltest"
	"github.com/essaim/essaim/internal/store"
)

type nwFixture struct {
	*dbtest.ActorNetwork
	st *store.Store
	c  *gqltest.Client
}

// nwStores runs fn in a parallel subtest per store, over a fresh network.
// These tests read back what they write, so every request says
// Cache-Control: no-cache, as README "Links between actors" tells such
// clients to do (without it a read may get the snapshot from before the
// write, within the staleness bound: TestNetworkStaleness).
func nwStores(t *testing.T, fn func(t *testing.T, f *nwFixture)) {
	t.Helper()
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			st := s.Open(t)
			n := dbtest.NewActorNetwork(t, st)
			c := gqltest.New(st)
			c.Header = http.Header{"Cache-Control": {"no-cache"}}
			fn(t, &nwFixture{ActorNetwork: n, st: st, c: c})
		})
	}
}

func nwID(id int) string { return strconv.Itoa(id) }

type nwActor struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// short is the actor's short name: the first word of its name.
func (a nwActor) short() string {
	if f := strings.Fields(a.Name); len(f) > 0 {
		return f[0]
	}
	return "?" + a.ID
}

func nwShorts(as []nwActor) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.short()
	}
	return strings.Join(out, " ")
}

type nwRelation struct {
	ID     string  `json:"id"`
	Kind   string  `json:"kind"`
	FromID string  `json:"fromID"`
	ToID   string  `json:"toID"`
	Since  *string `json:"since"`
	Until  *string `json:"until"`
	Note   string  `json:"note"`
}

// short renders a relation with the fixture's short names.
func (f *nwFixture) rel(r nwRelation) string {
	return f.short(r.FromID) + " " + r.Kind + " " + f.short(r.ToID)
}

func (f *nwFixture) short(id string) string {
	for _, a := range []*ent.Actor{f.A1, f.A2, f.A3, f.B1, f.B2, f.B3, f.C, f.Z} {
		if nwID(a.ID) == id {
			return strings.Fields(a.Name)[0]
		}
	}
	return "?" + id
}

func nwCheck(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// vars drops nil values so that the schema's defaults apply.
func nwVars(kv ...any) map[string]any {
	out := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != nil {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

// ---------------------------------------------------------------- links

const nwLinksQuery = `query($id: ID!, $first: Int = 20, $after: Cursor, $kinds: [LinkKind!], $theme: ID, $within: ID, $area: Area, $sharedFirst: Int = 20, $sharedAfter: Cursor) {
  node(id: $id) { ... on Actor {
    links(first: $first, after: $after, kinds: $kinds, theme: $theme, withinTerritory: $within, area: $area) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges {
        cursor weight
        node { id name }
        relations { id kind fromID toID }
        sharedThemes { slug }
        sharedInitiatives(first: $sharedFirst, after: $sharedAfter) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { title } }
        }
      }
    }
  } }
}`

type nwLinks struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage     bool    `json:"hasNextPage"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		StartCursor     *string `json:"startCursor"`
		EndCursor       *string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []struct {
		Cursor       string       `json:"cursor"`
		Weight       int          `json:"weight"`
		Node         nwActor      `json:"node"`
		Relations    []nwRelation `json:"relations"`
		SharedThemes []struct {
			Slug string `json:"slug"`
		} `json:"sharedThemes"`
		SharedInitiatives struct {
			TotalCount int `json:"totalCount"`
			PageInfo   struct {
				HasNextPage bool    `json:"hasNextPage"`
				EndCursor   *string `json:"endCursor"`
			} `json:"pageInfo"`
			Edges []struct {
				Node struct {
					Title string `json:"title"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"sharedInitiatives"`
	} `json:"edges"`
}

// render gives "actor:weight[initiative titles|theme slugs|relations]".
func (f *nwFixture) renderLinks(l nwLinks) string {
	var out []string
	for _, e := range l.Edges {
		var titles, slugs, rels []string
		for _, i := range e.SharedInitiatives.Edges {
			titles = append(titles, i.Node.Title)
		}
		for _, th := range e.SharedThemes {
			slugs = append(slugs, th.Slug)
		}
		for _, r := range e.Relations {
			rels = append(rels, f.rel(r))
		}
		out = append(out, fmt.Sprintf("%s:%d[%s|%s|%s]", e.Node.short(), e.Weight,
			strings.Join(titles, ","), strings.Join(slugs, ","), strings.Join(rels, ",")))
	}
	return strings.Join(out, "; ")
}

func (f *nwFixture) links(t *testing.T, actor int, kv ...any) nwLinks {
	t.Helper()
	var data struct {
		Node struct {
			Links nwLinks `json:"links"`
		} `json:"node"`
	}
	f.c.MustData(t, nwLinksQuery, nwVars(append([]any{"id", nwID(actor)}, kv...)...), &data)
	return data.Node.Links
}

func TestNetworkLinks(t *testing.T) {
	nwStores(t, func(t *testing.T, f *nwFixture) {
		all := f.links(t, f.A1.ID)
		nwCheck(t, "a1 links", f.renderLinks(all),
			"a2:2[Épicerie solidaire,Marché paysan|circuits-courts,epiceries-solidaires|]; "+
				"a3:1[Épicerie solidaire|epiceries-solidaires|]; c:1[Forum régional|gouvernance|]")
		if all.TotalCount != 3 || all.PageInfo.HasNextPage || all.PageInfo.HasPreviousPage {
			t.Errorf("a1 links: totalCount %d, pageInfo %+v", all.TotalCount, all.PageInfo)
		}

		// Pagination with the after cursor.
		p1 := f.links(t, f.A1.ID, "first", 2)
		nwCheck(t, "page 1", nwShorts(nwNodes(p1)), "a2 a3")
		if p1.TotalCount != 3 || !p1.PageInfo.HasNextPage || p1.PageInfo.HasPreviousPage || p1.PageInfo.EndCursor == nil ||
			*p1.PageInfo.EndCursor != p1.Edges[1].Cursor || *p1.PageInfo.StartCursor != p1.Edges[0].Cursor {
			t.Fatalf("page 1: totalCount %d, pageInfo %+v", p1.TotalCount, p1.PageInfo)
		}
		p2 := f.links(t, f.A1.ID, "first", 2, "after", *p1.PageInfo.EndCursor)
		nwCheck(t, "page 2", nwShorts(nwNodes(p2)), "c")
		if p2.TotalCount != 3 || p2.PageInfo.HasNextPage || !p2.PageInfo.HasPreviousPage {
			t.Errorf("page 2: totalCount %d, pageInfo %+v", p2.TotalCount, p2.PageInfo)
		}
		mid := f.links(t, f.A1.ID, "first", 1, "after", p1.Edges[0].Cursor)
		nwCheck(t, "after the first edge", nwShorts(nwNodes(mid)), "a3")
		past := f.links(t, f.A1.ID, "first", 2, "after", *p2.PageInfo.EndCursor)
		if len(past.Edges) != 0 || past.TotalCount != 3 || past.PageInfo.HasNextPage {
			t.Errorf("after the last edge: %d edges, totalCount %d, pageInfo %+v", len(past.Edges), past.TotalCount, past.PageInfo)
		}

		// Cursors are opaque, but a crafted one must not break the server.
		for _, c := range []struct {
			offset int
			fail   bool
		}{{-1, true}, {-5, true}, {3, false}, {1 << 40, false}} {
			cur := nwCursor(c.offset)
			if c.fail {
				f.c.MustFail(t, nwLinksQuery, map[string]any{"id": nwID(f.A1.ID), "after": cur}, "BAD_USER_INPUT")
				continue
			}
			if l := f.links(t, f.A1.ID, "after", cur); len(l.Edges) != 0 || l.TotalCount != 3 || l.PageInfo.HasNextPage {
				t.Errorf("after offset %d: %d edges, totalCount %d, pageInfo %+v", c.offset, len(l.Edges), l.TotalCount, l.PageInfo)
			}
		}

		// The shared initiatives are a connection of their own.
		s1 := f.links(t, f.A1.ID, "first", 1, "sharedFirst", 1)
		si := s1.Edges[0].SharedInitiatives
		if si.TotalCount != 2 || len(si.Edges) != 1 || !si.PageInfo.HasNextPage || si.PageInfo.EndCursor == nil {
			t.Fatalf("a1–a2 shared initiatives, first 1: %+v", si)
		}
		s2 := f.links(t, f.A1.ID, "first", 1, "sharedFirst", 1, "sharedAfter", *si.PageInfo.EndCursor)
		si2 := s2.Edges[0].SharedInitiatives
		if len(si2.Edges) != 1 || si2.PageInfo.HasNextPage {
			t.Fatalf("a1–a2 shared initiatives, second page: %+v", si2)
		}
		got := []string{si.Edges[0].Node.Title, si2.Edges[0].Node.Title}
		slices.Sort(got)
		nwCheck(t, "a1–a2 shared initiatives over two pages", strings.Join(got, ","), "Marché paysan,Épicerie solidaire")

		// Filters.
		for _, c := range []struct {
			name  string
			actor int
			kv    []any
			want  string
		}{
			{"a1 theme X", f.A1.ID, []any{"theme", nwID(f.X.ID)},
				"a2:2[Épicerie solidaire,Marché paysan|circuits-courts,epiceries-solidaires|]; a3:1[Épicerie solidaire|epiceries-solidaires|]"},
			{"a1 theme X1", f.A1.ID, []any{"theme", nwID(f.X1.ID)},
				"a2:1[Épicerie solidaire|epiceries-solidaires|]; a3:1[Épicerie solidaire|epiceries-solidaires|]"},
			{"a1 within Nevers", f.A1.ID, []any{"within", nwID(f.Nevers.ID)},
				"a2:1[Épicerie solidaire|epiceries-solidaires|]; a3:1[Épicerie solidaire|epiceries-solidaires|]"},
			{"a1 within CC Straddle", f.A1.ID, []any{"within", nwID(f.CCStraddle.ID)}, "a2:1[Marché paysan|circuits-courts|]"},
			{"a1 rural", f.A1.ID, []any{"area", "RURAL"}, "a2:1[Marché paysan|circuits-courts|]"},
			{"a1 urban within Nièvre", f.A1.ID, []any{"area", "URBAN", "within", nwID(f.Nievre.ID)},
				"a2:1[Épicerie solidaire|epiceries-solidaires|]; a3:1[Épicerie solidaire|epiceries-solidaires|]; c:1[Forum régional|gouvernance|]"},
			{"b1 MEMBER_OF", f.B1.ID, []any{"kinds", []string{"MEMBER_OF"}}, "c:1[||b1 MEMBER_OF c]"},
			{"b1 co-participation", f.B1.ID, []any{"kinds", []string{"CO_PARTICIPATION"}},
				"b2:1[Covoiturage rural|mobilite|]; b3:1[Covoiturage rural|mobilite|]"},
			{"b1 within Yonne (c is not)", f.B1.ID, []any{"within", nwID(f.Yonne.ID)},
				"b2:1[Covoiturage rural|mobilite|]; b3:1[Covoiturage rural|mobilite|]"},
			{"b1 theme Y", f.B1.ID, []any{"theme", nwID(f.Y.ID)},
				"b2:1[Covoiturage rural|mobilite|]; b3:1[Covoiturage rural|mobilite|]; c:1[||b1 MEMBER_OF c]"},
			{"z", f.Z.ID, nil, ""},
		} {
			l := f.links(t, c.actor, c.kv...)
			nwCheck(t, c.name, f.renderLinks(l), c.want)
			if l.TotalCount != len(l.Edges) {
				t.Errorf("%s: totalCount %d, %d edges", c.name, l.TotalCount, len(l.Edges))
			}
		}

		for _, c := range []struct {
			name string
			kv   []any
		}{
			{"theme is a territory", []any{"theme", nwID(f.Nevers.ID)}},
			{"withinTerritory is an actor", []any{"within", nwID(f.B1.ID)}},
			{"first above the maximum", []any{"first", 101}},
			{"negative first", []any{"first", -1}},
		} {
			t.Run(c.name, func(t *testing.T) {
				f.c.MustFail(t, nwLinksQuery, nwVars(append([]any{"id", nwID(f.A1.ID)}, c.kv...)...), "BAD_USER_INPUT")
			})
		}
	})
}

// nwCursor crafts a link cursor holding offset.
func nwCursor(offset int) string {
	var b bytes.Buffer
	entgql.Cursor[int]{ID: offset}.MarshalGQL(&b)
	cur, err := strconv.Unquote(b.String())
	if err != nil {
		panic(err)
	}
	return cur
}

func nwNodes(l nwLinks) []nwActor {
	out := make([]nwActor, len(l.Edges))
	for i, e := range l.Edges {
		out[i] = e.Node
	}
	return out
}

// ---------------------------------------------------------------- metrics

type nwMetrics struct {
	Degree           int     `json:"degree"`
	WeightedDegree   int     `json:"weightedDegree"`
	Betweenness      float64 `json:"betweenness"`
	BetweennessScope string  `json:"betweennessScope"`
	Community        int     `json:"community"`
}

func TestNetworkActorMetrics(t *testing.T) {
	nwStores(t, func(t *testing.T, f *nwFixture) {
		m := map[string]nwMetrics{}
		for name, a := range map[string]*ent.Actor{"a1": f.A1, "a2": f.A2, "a3": f.A3, "b1": f.B1, "b2": f.B2,
			"b3": f.B3, "c": f.C, "z": f.Z} {
			var data struct {
				Node struct {
					Network nwMetrics `json:"network"`
				} `json:"node"`
			}
			f.c.MustData(t, `query($id: ID!) { node(id: $id) { ... on Actor {
				network { degree weightedDegree betweenness betweennessScope community } } } }`,
				map[string]any{"id": nwID(a.ID)}, &data)
			m[name] = data.Node.Network
			if data.Node.Network.BetweennessScope != "GLOBAL" {
				t.Errorf("%s: betweennessScope %q", name, data.Node.Network.BetweennessScope)
			}
		}
		for name, want := range map[string][2]int{"a1": {3, 4}, "a2": {2, 3}, "a3": {2, 2}, "b1": {3, 3},
			"b2": {2, 3}, "b3": {2, 3}, "c": {2, 2}, "z": {0, 0}} {
			if got := [2]int{m[name].Degree, m[name].WeightedDegree}; got != want {
				t.Errorf("%s: degree, weightedDegree = %v, want %v", name, got, want)
			}
		}
		if !(m["c"].Betweenness > m["a1"].Betweenness && m["a1"].Betweenness == m["b1"].Betweenness &&
			m["a1"].Betweenness > 0 && m["a2"].Betweenness == 0 && m["z"].Betweenness == 0) {
			t.Errorf("betweenness: c %v, a1 %v, b1 %v, a2 %v, z %v", m["c"].Betweenness, m["a1"].Betweenness,
				m["b1"].Betweenness, m["a2"].Betweenness, m["z"].Betweenness)
		}
		if m["a1"].Community != 0 || m["a2"].Community != 0 || m["a3"].Community != 0 ||
			m["b1"].Community != 1 || m["b2"].Community != 1 || m["b3"].Community != 1 || m["z"].Community != 2 {
			t.Errorf("communities: %+v", m)
		}
	})
}

// ---------------------------------------------------------------- common partners

const nwCommonQuery = `query($actors: [ID!]!, $atLeast: Int, $filter: LinkFilter, $first: Int) {
  commonPartners(actors: $actors, atLeast: $atLeast, filter: $filter, first: $first) {
    actor { id name } linkedTo { id name } weight
  }
}`

func (f *nwFixture) common(t *testing.T, actors []*ent.Actor, kv ...any) string {
	t.Helper()
	var data struct {
		CommonPartners []struct {
			Actor    nwActor   `json:"actor"`
			LinkedTo []nwActor `json:"linkedTo"`
			Weight   int       `json:"weight"`
		} `json:"commonPartners"`
	}
	f.c.MustData(t, nwCommonQuery, nwVars(append([]any{"actors", nwIDs(actors...)}, kv...)...), &data)
	var out []string
	for _, cp := range data.CommonPartners {
		out = append(out, fmt.Sprintf("%s→%s:%d", cp.Actor.short(), nwShorts(cp.LinkedTo), cp.Weight))
	}
	return strings.Join(out, "; ")
}

func nwIDs(as ...*ent.Actor) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = nwID(a.ID)
	}
	return out
}

func TestNetworkCommonPartners(t *testing.T) {
	nwStores(t, func(t *testing.T, f *nwFixture) {
		nwCheck(t, "{a2,a3}", f.common(t, []*ent.Actor{f.A2, f.A3}), "a1→a2 a3:3")
		nwCheck(t, "{a2,a3} atLeast 1", f.common(t, []*ent.Actor{f.A2, f.A3}, "atLeast", 1), "a1→a2 a3:3")
		nwCheck(t, "{a1,b1}", f.common(t, []*ent.Actor{f.A1, f.B1}), "c→a1 b1:2")
		nwCheck(t, "{a1,b1} atLeast 1", f.common(t, []*ent.Actor{f.A1, f.B1}, "atLeast", 1),
			"c→a1 b1:2; a2→a1:2; a3→a1:1; b2→b1:1; b3→b1:1")
		nwCheck(t, "{a1,b1} atLeast 1 first 2", f.common(t, []*ent.Actor{f.A1, f.B1}, "atLeast", 1, "first", 2),
			"c→a1 b1:2; a2→a1:2")
		nwCheck(t, "{a1,b1} co-participation", f.common(t, []*ent.Actor{f.A1, f.B1},
			"filter", map[string]any{"kinds": []string{"CO_PARTICIPATION"}}), "")
		nwCheck(t, "{a2,z}", f.common(t, []*ent.Actor{f.A2, f.Z}), "")
		// An actor listed twice counts once, for linkedTo, weight and atLeast.
		nwCheck(t, "{a2,a2}", f.common(t, []*ent.Actor{f.A2, f.A2}), "a1→a2:2; a3→a2:1")
		nwCheck(t, "{a2,a2,a3}", f.common(t, []*ent.Actor{f.A2, f.A2, f.A3}), "a1→a2 a3:3")

		for _, c := range []struct {
			name string
			vars map[string]any
		}{
			{"atLeast above the number of actors", map[string]any{"actors": nwIDs(f.A2, f.A3), "atLeast": 3}},
			{"atLeast 0", map[string]any{"actors": nwIDs(f.A2, f.A3), "atLeast": 0}},
			{"atLeast counting a duplicate", map[string]any{"actors": nwIDs(f.A2, f.A2), "atLeast": 2}},
			{"no actors", map[string]any{"actors": []string{}}},
			{"unknown actor", map[string]any{"actors": []string{nwID(f.A2.ID), "999999999"}}},
			{"a territory", map[string]any{"actors": []string{nwID(f.A2.ID), nwID(f.Nevers.ID)}}},
			{"first above the maximum", map[string]any{"actors": nwIDs(f.A2, f.A3), "first": 101}},
			{"filter theme is an actor", map[string]any{"actors": nwIDs(f.A2, f.A3), "filter": map[string]any{"theme": nwID(f.C.ID)}}},
		} {
			t.Run(c.name, func(t *testing.T) { f.c.MustFail(t, nwCommonQuery, c.vars, "BAD_USER_INPUT") })
		}
	})
}

// ---------------------------------------------------------------- paths

const nwPathQuery = `query($from: ID!, $to: ID!, $maxHops: Int, $filter: LinkFilter, $maxPaths: Int) {
  actorPath(from: $from, to: $to, maxHops: $maxHops, filter: $filter, maxPaths: $maxPaths) {
    length
    actors { id name }
    hops { from { id name } to { id name } relations { id kind fromID toID } sharedInitiatives { id title } }
  }
}`

type nwPath struct {
	Length int       `json:"length"`
	Actors []nwActor `json:"actors"`
	Hops   []struct {
		From              nwActor      `json:"from"`
		To                nwActor      `json:"to"`
		Relations         []nwRelation `json:"relations"`
		SharedInitiatives []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"sharedInitiatives"`
	} `json:"hops"`
}

func (f *nwFixture) paths(t *testing.T, from, to int, kv ...any) string {
	t.Helper()
	var data struct {
		ActorPath []nwPath `json:"actorPath"`
	}
	f.c.MustData(t, nwPathQuery, nwVars(append([]any{"from", nwID(from), "to", nwID(to)}, kv...)...), &data)
	if data.ActorPath == nil {
		t.Errorf("actorPath is null, want a list")
	}
	var out []string
	for _, p := range data.ActorPath {
		if p.Length != len(p.Hops) || len(p.Actors) != p.Length+1 {
			t.Errorf("path %s: length %d, %d hops", nwShorts(p.Actors), p.Length, len(p.Hops))
		}
		var hops []string
		for _, h := range p.Hops {
			var titles, rels []string
			for _, i := range h.SharedInitiatives {
				titles = append(titles, i.Title)
			}
			for _, r := range h.Relations {
				rels = append(rels, f.rel(r))
			}
			hops = append(hops, fmt.Sprintf("%s-%s[%s|%s]", h.From.short(), h.To.short(),
				strings.Join(titles, ","), strings.Join(rels, ",")))
		}
		out = append(out, fmt.Sprintf("%d: %s via %s", p.Length, nwShorts(p.Actors), strings.Join(hops, " ")))
	}
	return strings.Join(out, "; ")
}

func TestNetworkActorPath(t *testing.T) {
	nwStores(t, func(t *testing.T, f *nwFixture) {
		const a2b2 = "4: a2 a1 c b1 b2 via a2-a1[Épicerie solidaire,Marché paysan|] a1-c[Forum régional|] " +
			"c-b1[|b1 MEMBER_OF c] b1-b2[Covoiturage rural|]"
		nwCheck(t, "a2→b2", f.paths(t, f.A2.ID, f.B2.ID), a2b2)
		nwCheck(t, "a2→b3", f.paths(t, f.A2.ID, f.B3.ID, "maxHops", 4), "4: a2 a1 c b1 b3 via "+
			"a2-a1[Épicerie solidaire,Marché paysan|] a1-c[Forum régional|] c-b1[|b1 MEMBER_OF c] b1-b3[Covoiturage rural|]")
		nwCheck(t, "a2→b2 maxHops 6", f.paths(t, f.A2.ID, f.B2.ID, "maxHops", 6), a2b2)
		nwCheck(t, "a2→b2 maxHops 3", f.paths(t, f.A2.ID, f.B2.ID, "maxHops", 3), "")
		nwCheck(t, "a2→b2 co-participation only", f.paths(t, f.A2.ID, f.B2.ID, "maxHops", 6,
			"filter", map[string]any{"kinds": []string{"CO_PARTICIPATION"}}), "")
		nwCheck(t, "a2→b2 co-participation and MEMBER_OF", f.paths(t, f.A2.ID, f.B2.ID,
			"filter", map[string]any{"kinds": []string{"CO_PARTICIPATION", "MEMBER_OF"}}), a2b2)
		nwCheck(t, "a2→z", f.paths(t, f.A2.ID, f.Z.ID, "maxHops", 6), "")
		nwCheck(t, "a2→a2", f.paths(t, f.A2.ID, f.A2.ID), "0: a2 via ")

		for _, c := range []struct {
			name string
			vars map[string]any
		}{
			{"maxHops 7", map[string]any{"from": nwID(f.A2.ID), "to": nwID(f.B2.ID), "maxHops": 7}},
			{"maxHops 0", map[string]any{"from": nwID(f.A2.ID), "to": nwID(f.B2.ID), "maxHops": 0}},
			{"maxPaths 0", map[string]any{"from": nwID(f.A2.ID), "to": nwID(f.B2.ID), "maxPaths": 0}},
			{"maxPaths 21", map[string]any{"from": nwID(f.A2.ID), "to": nwID(f.B2.ID), "maxPaths": 21}},
			{"unknown from", map[string]any{"from": "999999999", "to": nwID(f.B2.ID)}},
			{"unknown to", map[string]any{"from": nwID(f.A2.ID), "to": "999999999"}},
			{"a territory as from", map[string]any{"from": nwID(f.Nevers.ID), "to": nwID(f.B2.ID)}},
			{"a theme as to", map[string]any{"from": nwID(f.A2.ID), "to": nwID(f.X.ID)}},
			{"malformed ID", map[string]any{"from": "a2", "to": nwID(f.B2.ID)}},
			{"filter within an unknown territory", map[string]any{"from": nwID(f.A2.ID), "to": nwID(f.B2.ID),
				"filter": map[string]any{"withinTerritory": "999999999"}}},
		} {
			t.Run(c.name, func(t *testing.T) { f.c.MustFail(t, nwPathQuery, c.vars, "BAD_USER_INPUT") })
		}
	})
}

// ---------------------------------------------------------------- network view

const nwNetworkQuery = `query($filter: NetworkFilter, $center: ID, $depth: Int, $limit: Int) {
  actorNetwork(filter: $filter, center: $center, depth: $depth, limit: $limit) {
    truncated totalNodes
    nodes { actor { id name } degree betweenness community }
    edges { source target weight kinds }
  }
}`

type nwNetwork struct {
	Truncated  bool `json:"truncated"`
	TotalNodes int  `json:"totalNodes"`
	Nodes      []struct {
		Actor       nwActor `json:"actor"`
		Degree      int     `json:"degree"`
		Betweenness float64 `json:"betweenness"`
		Community   int     `json:"community"`
	} `json:"nodes"`
	Edges []struct {
		Source string   `json:"source"`
		Target string   `json:"target"`
		Weight int      `json:"weight"`
		Kinds  []string `json:"kinds"`
	} `json:"edges"`
}

func (f *nwFixture) network(t *testing.T, kv ...any) nwNetwork {
	t.Helper()
	var data struct {
		ActorNetwork nwNetwork `json:"actorNetwork"`
	}
	f.c.MustData(t, nwNetworkQuery, nwVars(kv...), &data)
	return data.ActorNetwork
}

// nodes lists the short names in order; sortedNodes sorted.
func (n nwNetwork) nodes() string {
	var out []string
	for _, nd := range n.Nodes {
		out = append(out, nd.Actor.short())
	}
	return strings.Join(out, " ")
}

func (n nwNetwork) sortedNodes() string {
	out := strings.Fields(n.nodes())
	slices.Sort(out)
	return strings.Join(out, " ")
}

func (f *nwFixture) edges(n nwNetwork) string {
	var out []string
	for _, e := range n.Edges {
		out = append(out, fmt.Sprintf("%s-%s:%d%v", f.short(e.Source), f.short(e.Target), e.Weight, e.Kinds))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

func TestNetworkActorNetwork(t *testing.T) {
	nwStores(t, func(t *testing.T, f *nwFixture) {
		full := f.network(t)
		if full.Truncated || full.TotalNodes != 8 || len(full.Nodes) != 8 {
			t.Errorf("full network: truncated %v, totalNodes %d, %d nodes", full.Truncated, full.TotalNodes, len(full.Nodes))
		}
		nwCheck(t, "full network edges", f.edges(full),
			"a1-a2:2[CO_PARTICIPATION] a1-a3:1[CO_PARTICIPATION] a1-c:1[CO_PARTICIPATION] a2-a3:1[CO_PARTICIPATION] "+
				"b1-b2:1[CO_PARTICIPATION] b1-b3:1[CO_PARTICIPATION] b1-c:1[MEMBER_OF] b2-b3:2[CO_PARTICIPATION]")
		comm := map[string]int{}
		between := map[string]float64{}
		for _, nd := range full.Nodes {
			comm[nd.Actor.short()] = nd.Community
			between[nd.Actor.short()] = nd.Betweenness
		}
		if comm["a1"] == comm["b1"] || comm["a2"] != comm["a1"] || comm["a3"] != comm["a1"] ||
			comm["b2"] != comm["b1"] || comm["b3"] != comm["b1"] {
			t.Errorf("communities do not separate the clusters: %v", comm)
		}
		if !(between["c"] > between["a1"] && between["a1"] > 0 && between["a2"] == 0) {
			t.Errorf("betweenness in the view: %v", between)
		}

		center := f.network(t, "center", nwID(f.A2.ID))
		nwCheck(t, "center a2 (depth 2)", center.nodes()+" / "+f.edges(center),
			"a2 a1 a3 c / a1-a2:2[CO_PARTICIPATION] a1-a3:1[CO_PARTICIPATION] a1-c:1[CO_PARTICIPATION] a2-a3:1[CO_PARTICIPATION]")
		if center.Truncated || center.TotalNodes != 4 {
			t.Errorf("center a2: truncated %v, totalNodes %d", center.Truncated, center.TotalNodes)
		}
		nwCheck(t, "center a2 depth 1", f.network(t, "center", nwID(f.A2.ID), "depth", 1).nodes(), "a2 a1 a3")
		nwCheck(t, "center a2 depth 3", f.network(t, "center", nwID(f.A2.ID), "depth", 3).nodes(), "a2 a1 a3 c b1")
		nwCheck(t, "center a2 depth 3 co-participation", f.network(t, "center", nwID(f.A2.ID), "depth", 3,
			"filter", map[string]any{"links": map[string]any{"kinds": []string{"CO_PARTICIPATION"}}}).nodes(), "a2 a1 a3 c")
		nwCheck(t, "center a1 depth 3 associations", f.network(t, "center", nwID(f.A1.ID), "depth", 3,
			"filter", map[string]any{"actorKinds": []string{"ASSOCIATION"}}).nodes(), "a1 a2 a3")

		cut := f.network(t, "center", nwID(f.A2.ID), "depth", 3, "limit", 2)
		if !cut.Truncated || cut.TotalNodes != 5 || cut.nodes() != "a2 a1" {
			t.Errorf("center a2 depth 3 limit 2: truncated %v, totalNodes %d, nodes %s", cut.Truncated, cut.TotalNodes, cut.nodes())
		}
		top := f.network(t, "limit", 1)
		if !top.Truncated || top.TotalNodes != 8 || top.nodes() != "a1" || len(top.Edges) != 0 {
			t.Errorf("limit 1: truncated %v, totalNodes %d, nodes %s, %d edges", top.Truncated, top.TotalNodes, top.nodes(), len(top.Edges))
		}

		for _, c := range []struct {
			name   string
			filter map[string]any
			want   string
		}{
			{"networks", map[string]any{"actorKinds": []string{"NETWORK"}}, "c / "},
			{"associations and networks", map[string]any{"actorKinds": []string{"ASSOCIATION", "NETWORK"}},
				"a1 a2 a3 c / a1-a2:2[CO_PARTICIPATION] a1-a3:1[CO_PARTICIPATION] a1-c:1[CO_PARTICIPATION] a2-a3:1[CO_PARTICIPATION]"},
			{"theme Y", map[string]any{"theme": nwID(f.Y.ID)},
				"b1 b2 b3 c / b1-b2:1[CO_PARTICIPATION] b1-b3:1[CO_PARTICIPATION] b1-c:1[MEMBER_OF] b2-b3:2[CO_PARTICIPATION]"},
			{"theme Y, links of theme Y", map[string]any{"theme": nwID(f.Y.ID), "links": map[string]any{"theme": nwID(f.Y.ID)}},
				"b1 b2 b3 c / b1-b2:1[CO_PARTICIPATION] b1-b3:1[CO_PARTICIPATION] b1-c:1[MEMBER_OF] b2-b3:2[CO_PARTICIPATION]"},
			{"rural", map[string]any{"area": "RURAL"}, "a2 b1 / "},
			{"within Nièvre", map[string]any{"withinTerritory": nwID(f.Nievre.ID)},
				"a1 a2 a3 z / a1-a2:2[CO_PARTICIPATION] a1-a3:1[CO_PARTICIPATION] a2-a3:1[CO_PARTICIPATION]"},
			{"links within Nevers", map[string]any{"links": map[string]any{"withinTerritory": nwID(f.Nevers.ID)}, "actorKinds": []string{"ASSOCIATION"}},
				"a1 a2 a3 / a1-a2:1[CO_PARTICIPATION] a1-a3:1[CO_PARTICIPATION] a2-a3:1[CO_PARTICIPATION]"},
		} {
			n := f.network(t, "filter", c.filter)
			nwCheck(t, c.name, n.sortedNodes()+" / "+f.edges(n), c.want)
		}

		for _, c := range []struct {
			name string
			vars map[string]any
		}{
			{"depth 4", map[string]any{"center": nwID(f.A2.ID), "depth": 4}},
			{"depth 0", map[string]any{"center": nwID(f.A2.ID), "depth": 0}},
			{"limit 0", map[string]any{"limit": 0}},
			{"limit 1001", map[string]any{"limit": 1001}},
			{"center is a territory", map[string]any{"center": nwID(f.Nevers.ID)}},
			{"center is a theme", map[string]any{"center": nwID(f.Y.ID)}},
			{"unknown center", map[string]any{"center": "999999999"}},
			{"theme is an actor", map[string]any{"filter": map[string]any{"theme": nwID(f.C.ID)}}},
			{"withinTerritory is a theme", map[string]any{"filter": map[string]any{"withinTerritory": nwID(f.Y.ID)}}},
			{"links theme is a territory", map[string]any{"filter": map[string]any{"links": map[string]any{"theme": nwID(f.BFC.ID)}}}},
		} {
			t.Run(c.name, func(t *testing.T) { f.c.MustFail(t, nwNetworkQuery, c.vars, "BAD_USER_INPUT") })
		}
	})
}

// ---------------------------------------------------------------- suggestions

const nwSuggestQuery = `query($actor: ID!, $first: Int) {
  suggestedPartners(actor: $actor, first: $first) {
    actor { id name } score
    reasons { kind description actors { id name } themes { slug } territories { name } }
  }
}`

func (f *nwFixture) suggest(t *testing.T, actor int, kv ...any) string {
	t.Helper()
	var data struct {
		SuggestedPartners []struct {
			Actor   nwActor `json:"actor"`
			Score   float64 `json:"score"`
			Reasons []struct {
				Kind        string    `json:"kind"`
				Description string    `json:"description"`
				Actors      []nwActor `json:"actors"`
				Themes      []struct {
					Slug string `json:"slug"`
				} `json:"themes"`
				Territories []struct {
					Name string `json:"name"`
				} `json:"territories"`
			} `json:"reasons"`
		} `json:"suggestedPartners"`
	}
	f.c.MustData(t, nwSuggestQuery, nwVars(append([]any{"actor", nwID(actor)}, kv...)...), &data)
	var out []string
	for _, sg := range data.SuggestedPartners {
		var reasons []string
		for _, r := range sg.Reasons {
			var what []string
			for _, a := range r.Actors {
				what = append(what, a.short())
			}
			for _, th := range r.Themes {
				what = append(what, th.Slug)
			}
			for _, tt := range r.Territories {
				what = append(what, tt.Name)
			}
			if r.Description == "" {
				t.Errorf("suggestion %s: reason %s without description", sg.Actor.short(), r.Kind)
			}
			reasons = append(reasons, r.Kind+"("+strings.Join(what, ",")+")")
		}
		out = append(out, fmt.Sprintf("%s:%g %s", sg.Actor.short(), sg.Score, strings.Join(reasons, " ")))
	}
	return strings.Join(out, "; ")
}

func TestNetworkSuggestedPartners(t *testing.T) {
	nwStores(t, func(t *testing.T, f *nwFixture) {
		const c = "c:6 COMMON_PARTNERS(a1) SHARED_THEMES(circuits-courts) OVERLAPPING_TERRITORIES(Achun)"
		nwCheck(t, "a2", f.suggest(t, f.A2.ID), c+"; b3:2 SHARED_THEMES(circuits-courts); z:1 OVERLAPPING_TERRITORIES(Achun)")
		nwCheck(t, "a2 first 1", f.suggest(t, f.A2.ID, "first", 1), c)
		nwCheck(t, "a2 first 0", f.suggest(t, f.A2.ID, "first", 0), "")
		// Never an actor already linked: a1 and a3 are linked to a2.
		for _, a := range []*ent.Actor{f.A1, f.B1, f.C} {
			got := f.suggest(t, a.ID, "first", 100)
			for _, l := range nwNodes(f.links(t, a.ID, "first", 100)) {
				if strings.HasPrefix(got, l.short()+":") || strings.Contains(got, "; "+l.short()+":") {
					t.Errorf("suggestions for %s include %s, already linked: %s", f.short(nwID(a.ID)), l.short(), got)
				}
			}
		}
		for _, c := range []struct {
			name string
			vars map[string]any
		}{
			{"unknown actor", map[string]any{"actor": "999999999"}},
			{"a territory", map[string]any{"actor": nwID(f.Achun.ID)}},
			{"first 101", map[string]any{"actor": nwID(f.A2.ID), "first": 101}},
		} {
			t.Run(c.name, func(t *testing.T) { f.c.MustFail(t, nwSuggestQuery, c.vars, "BAD_USER_INPUT") })
		}
	})
}

// ---------------------------------------------------------------- relation mutations

const (
	nwCreateRelation = `mutation($input: CreateActorRelationInput!) {
  createActorRelation(input: $input) { id kind fromID toID since until note }
}`
	nwUpdateRelation = `mutation($id: ID!, $input: UpdateActorRelationInput!) {
  updateActorRelation(id: $id, input: $input) { id kind fromID toID since until note }
}`
	nwDeleteRelation = `mutation($id: ID!) { deleteActorRelation(id: $id) }`
)

// dbState renders every relation and the graph version, to check that a
// refused mutation changed nothing.
func (f *nwFixture) dbState(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	rels, err := f.st.Client.ActorRelation.Query().Order(ent.Asc(actorrelation.FieldID)).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := store.GraphVersion(ctx, f.st.Client)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "version %d\n", v)
	for _, r := range rels {
		fmt.Fprintf(&b, "%d %s %d→%d since %v until %v note %q\n", r.ID, r.Kind, r.FromID, r.ToID, r.Since, r.Until, r.Note)
	}
	return b.String()
}

func (f *nwFixture) createRelation(t *testing.T, input map[string]any) nwRelation {
	t.Helper()
	var data struct {
		CreateActorRelation nwRelation `json:"createActorRelation"`
	}
	f.c.MustData(t, nwCreateRelation, map[string]any{"input": input}, &data)
	return data.CreateActorRelation
}

func (f *nwFixture) updateRelation(t *testing.T, id string, input map[string]any) nwRelation {
	t.Helper()
	var data struct {
		UpdateActorRelation nwRelation `json:"updateActorRelation"`
	}
	f.c.MustData(t, nwUpdateRelation, map[string]any{"id": id, "input": input}, &data)
	return data.UpdateActorRelation
}

func TestNetworkRelationMutations(t *testing.T) {
	nwStores(t, func(t *testing.T, f *nwFixture) {
		a1, b2 := nwID(f.A1.ID), nwID(f.B2.ID)
		partner := f.createRelation(t, map[string]any{"fromID": a1, "toID": b2, "kind": "PARTNER_OF",
			"since": "2020-01-01T00:00:00Z", "until": "2021-01-01T00:00:00Z", "note": "convention"})
		if partner.Kind != "PARTNER_OF" || partner.FromID != a1 || partner.ToID != b2 || partner.Note != "convention" ||
			partner.Since == nil || partner.Until == nil {
			t.Fatalf("created relation: %+v", partner)
		}
		// The server's cached network sees its own write.
		nwCheck(t, "a1 links after create", f.renderLinks(f.links(t, f.A1.ID, "kinds", []string{"PARTNER_OF"})),
			"b2:1[||a1 PARTNER_OF b2]")
		nwCheck(t, "a2→b2 after create", f.paths(t, f.A2.ID, f.B2.ID),
			"2: a2 a1 b2 via a2-a1[Épicerie solidaire,Marché paysan|] a1-b2[|a1 PARTNER_OF b2]")

		// The reversed pair of a symmetric kind is the same relation, for
		// another period it is fine; a reversed directed kind is another
		// relation.
		later := f.createRelation(t, map[string]any{"fromID": b2, "toID": a1, "kind": "PARTNER_OF", "since": "2022-01-01T00:00:00Z"})
		reversed := f.createRelation(t, map[string]any{"fromID": nwID(f.C.ID), "toID": nwID(f.B1.ID), "kind": "MEMBER_OF"})
		nwCheck(t, "a1–b2 link after the second partnership", f.renderLinks(f.links(t, f.B2.ID, "kinds", []string{"PARTNER_OF"})),
			"a1:2[||a1 PARTNER_OF b2,b2 PARTNER_OF a1]")

		before := f.dbState(t)
		for _, c := range []struct {
			name  string
			input map[string]any
		}{
			{"self-relation", map[string]any{"fromID": a1, "toID": a1, "kind": "PARTNER_OF"}},
			{"until before since", map[string]any{"fromID": a1, "toID": nwID(f.B3.ID), "kind": "FUNDS",
				"since": "2021-01-01T00:00:00Z", "until": "2020-01-01T00:00:00Z"}},
			{"unknown from", map[string]any{"fromID": "999999999", "toID": a1, "kind": "FUNDS"}},
			{"unknown to", map[string]any{"fromID": a1, "toID": "999999999", "kind": "FUNDS"}},
			{"to is a territory", map[string]any{"fromID": a1, "toID": nwID(f.Nevers.ID), "kind": "FUNDS"}},
			{"duplicate MEMBER_OF", map[string]any{"fromID": nwID(f.B1.ID), "toID": nwID(f.C.ID), "kind": "MEMBER_OF"}},
			{"duplicate MEMBER_OF with a period", map[string]any{"fromID": nwID(f.B1.ID), "toID": nwID(f.C.ID), "kind": "MEMBER_OF",
				"since": "2019-01-01T00:00:00Z", "until": "2019-12-31T00:00:00Z"}},
			{"overlapping PARTNER_OF", map[string]any{"fromID": a1, "toID": b2, "kind": "PARTNER_OF",
				"since": "2020-06-01T00:00:00Z", "until": "2020-12-01T00:00:00Z"}},
			{"overlapping reversed PARTNER_OF", map[string]any{"fromID": b2, "toID": a1, "kind": "PARTNER_OF",
				"since": "2020-06-01T00:00:00Z", "until": "2020-12-01T00:00:00Z"}},
			{"open-ended reversed PARTNER_OF", map[string]any{"fromID": b2, "toID": a1, "kind": "PARTNER_OF"}},
			{"touching periods", map[string]any{"fromID": b2, "toID": a1, "kind": "PARTNER_OF",
				"since": "2021-01-01T00:00:00Z", "until": "2021-06-01T00:00:00Z"}},
		} {
			t.Run("create "+c.name, func(t *testing.T) {
				f.c.MustFail(t, nwCreateRelation, map[string]any{"input": c.input}, "BAD_USER_INPUT")
				if after := f.dbState(t); after != before {
					t.Errorf("refused create changed the database:\nbefore %s\nafter  %s", before, after)
				}
			})
		}

		for _, c := range []struct {
			name  string
			id    string
			input map[string]any
		}{
			{"to itself", partner.ID, map[string]any{"toID": a1}},
			{"until before since", partner.ID, map[string]any{"until": "2019-01-01T00:00:00Z"}},
			{"since after until", partner.ID, map[string]any{"since": "2021-06-01T00:00:00Z"}},
			{"unknown to", partner.ID, map[string]any{"toID": "999999999"}},
			{"overlap the reversed partnership", later.ID, map[string]any{"since": "2020-06-01T00:00:00Z"}},
			{"open-ended overlaps the reversed partnership", partner.ID, map[string]any{"clearUntil": true}},
			{"become a duplicate MEMBER_OF", reversed.ID, map[string]any{"fromID": nwID(f.B1.ID), "toID": nwID(f.C.ID)}},
		} {
			t.Run("update "+c.name, func(t *testing.T) {
				f.c.MustFail(t, nwUpdateRelation, map[string]any{"id": c.id, "input": c.input}, "BAD_USER_INPUT")
				if after := f.dbState(t); after != before {
					t.Errorf("refused update changed the database:\nbefore %s\nafter  %s", before, after)
				}
			})
		}

		t.Run("update an unknown relation", func(t *testing.T) {
			f.c.MustFail(t, nwUpdateRelation, map[string]any{"id": nwID(f.A1.ID), "input": map[string]any{"note": "x"}}, "NOT_FOUND")
			if after := f.dbState(t); after != before {
				t.Errorf("refused update changed the database:\nbefore %s\nafter  %s", before, after)
			}
		})

		// An update does not conflict with the relation it changes.
		upd := f.updateRelation(t, partner.ID, map[string]any{"note": "convention renouvelée", "until": "2021-12-31T00:00:00Z"})
		if upd.Note != "convention renouvelée" || upd.Until == nil || !strings.HasPrefix(*upd.Until, "2021-12-31") {
			t.Errorf("updated relation: %+v", upd)
		}
		kind := f.updateRelation(t, partner.ID, map[string]any{"kind": "AGREEMENT_WITH", "clearUntil": true})
		if kind.Kind != "AGREEMENT_WITH" || kind.Until != nil {
			t.Errorf("relation after changing kind: %+v", kind)
		}
		nwCheck(t, "a1–b2 link after the kind change", f.renderLinks(f.links(t, f.A1.ID, "kinds", []string{"AGREEMENT_WITH", "PARTNER_OF"})),
			"b2:2[||a1 AGREEMENT_WITH b2,b2 PARTNER_OF a1]")

		// Deletes.
		for _, r := range []nwRelation{partner, later, reversed} {
			var data struct {
				DeleteActorRelation string `json:"deleteActorRelation"`
			}
			f.c.MustData(t, nwDeleteRelation, map[string]any{"id": r.ID}, &data)
			if data.DeleteActorRelation != r.ID {
				t.Errorf("deleteActorRelation returned %q, want %q", data.DeleteActorRelation, r.ID)
			}
		}
		nwCheck(t, "b2 links after deletes", f.renderLinks(f.links(t, f.B2.ID)),
			"b3:2[Covoiturage rural,Vélos partagés|mobilite|]; b1:1[Covoiturage rural|mobilite|]")
		nwCheck(t, "a2→b2 after deletes", f.paths(t, f.A2.ID, f.B2.ID, "maxHops", 3), "")
		n, err := f.st.Client.ActorRelation.Query().Count(context.Background())
		if err != nil || n != 1 {
			t.Errorf("relations left: %d (%v), want the fixture's one", n, err)
		}
		before = f.dbState(t)
		f.c.MustFail(t, nwDeleteRelation, map[string]any{"id": partner.ID}, "NOT_FOUND")
		f.c.MustFail(t, nwDeleteRelation, map[string]any{"id": nwID(f.C.ID)}, "NOT_FOUND")
		if after := f.dbState(t); after != before {
			t.Errorf("refused delete changed the database:\nbefore %s\nafter  %s", before, after)
		}
	})
}
