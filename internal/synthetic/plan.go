package synthetic

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
)

// One PCG stream per stage: the actors do not change when the number of
// initiatives or relations does, and so on.
const (
	streamActors      = 0x455353_61637472 // "ESS" "actr"
	streamInitiatives = 0x455353_696e6974 // "ESS" "init"
	streamRelations   = 0x455353_72656c73 // "ESS" "rels"
)

// Participants per initiative.
const (
	minParticipants = 2
	maxParticipants = 8
)

// refDate is "today" for statuses and dates, fixed so that plans do not
// depend on the day they are generated.
var refDate = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

type actorPlan struct {
	name, description string
	kind              actor.Kind
	territories       []int32 // home first, then its containers
	themes            []int   // indexes into taxonomy
	dept, region      int32   // of the home territory, or -1
}

type participant struct {
	actor int32
	role  participation.Role
}

type initiativePlan struct {
	title, summary string
	status         initiative.Status // "" for none
	start, end     time.Time         // zero for none
	territories    []int32
	themes         []int
	participants   []participant // the LEAD first
}

type relationPlan struct {
	from, to     int32
	kind         actorrelation.Kind
	since, until time.Time // zero for none
}

type plan struct {
	actors      []actorPlan
	initiatives []initiativePlan
	relations   []relationPlan
}

// weights draws an index in proportion to its weight.
type weights []int

func (ws weights) pick(r *rand.Rand) int {
	total := 0
	for _, w := range ws {
		total += w
	}
	x := r.IntN(total)
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func oneOf[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

var (
	// Home level of most actors and of an initiative's first territory:
	// 60% commune, 25% EPCI, 15% département.
	defaultLevels = weights{60, 25, 15}
	// 1, 2 or 3 themes; 1, 2 or 3 territories of action.
	actorThemeCount      = weights{45, 35, 20}
	actorTerritoryCount  = weights{50, 35, 15}
	initiativeThemeCount = weights{55, 30, 15}
	// 2..8 participants, about 4 on average.
	participantCount = weights{22, 25, 20, 13, 9, 6, 5}
	themeWeights     = func() weights {
		ws := make(weights, len(taxonomy))
		for i, t := range taxonomy {
			ws[i] = t.weight
		}
		return ws
	}()
)

func makePlan(w *world, cfg Config) (*plan, error) {
	p := &plan{}
	p.actors = planActors(w, cfg)
	g := newGeo(p.actors)
	p.initiatives = planInitiatives(w, cfg, p.actors, g)
	var err error
	if p.relations, err = planRelations(cfg, p.actors, g); err != nil {
		return nil, err
	}
	return p, nil
}

// ---- actors

func planActors(w *world, cfg Config) []actorPlan {
	r := rand.New(rand.NewPCG(cfg.Seed, streamActors))
	kindWeights := make(weights, len(actorKinds))
	for i, k := range actorKinds {
		kindWeights[i] = k.weight
	}
	out := make([]actorPlan, cfg.Actors)
	for n := range out {
		k := actorKinds[kindWeights.pick(r)]
		level := k.levels.pick(r)
		home := w.pickPlace(r, level)
		chain := w.chain(home)
		territories := chain[:min(len(chain), actorTerritoryCount.pick(r)+1)]
		themes := pickThemes(r, actorThemeCount.pick(r)+1, -1)
		name := k.name(r, level, w.places[home].name, n+1)
		out[n] = actorPlan{
			name:        name,
			description: actorDescription(k.label, themes, w.places[home].name, cfg.Seed),
			kind:        k.kind,
			territories: territories,
			themes:      themes,
			dept:        w.deptOf(home),
			region:      w.regionOf(home),
		}
	}
	return out
}

// pickThemes draws n distinct themes by weight; first, when not negative,
// is taken as the first one.
func pickThemes(r *rand.Rand, n, first int) []int {
	out := make([]int, 0, n)
	if first >= 0 {
		out = append(out, first)
	}
	for len(out) < n {
		t := themeWeights.pick(r)
		if !containsInt(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func actorDescription(kind string, themes []int, home string, seed uint64) string {
	labels := make([]string, len(themes))
	for i, t := range themes {
		labels[i] = taxonomy[t].label
	}
	return fmt.Sprintf("%s fictive du jeu de données synthétique (graine %d), basée %s. Thèmes : %s.",
		kind, seed, inPlace(home), strings.Join(labels, ", "))
}

// inPlace renders "à <name>" with the contractions of French articles.
func inPlace(name string) string {
	switch {
	case strings.HasPrefix(name, "Le "):
		return "au " + name[len("Le "):]
	case strings.HasPrefix(name, "Les "):
		return "aux " + name[len("Les "):]
	}
	return "à " + name
}

// ---- geography of the actors, for local draws

// geo indexes actors by the département and région of their home, in actor
// order, so that draws stay deterministic.
type geo struct {
	n                int
	byDept, byRegion map[int32][]int32
	networks         []int32
	netDept, netReg  map[int32][]int32
	funders          []int32
}

func newGeo(actors []actorPlan) *geo {
	g := &geo{n: len(actors), byDept: map[int32][]int32{}, byRegion: map[int32][]int32{},
		netDept: map[int32][]int32{}, netReg: map[int32][]int32{}}
	for i, a := range actors {
		id := int32(i)
		g.byDept[a.dept] = append(g.byDept[a.dept], id)
		g.byRegion[a.region] = append(g.byRegion[a.region], id)
		switch a.kind {
		case actor.KindNETWORK:
			g.networks = append(g.networks, id)
			g.netDept[a.dept] = append(g.netDept[a.dept], id)
			g.netReg[a.region] = append(g.netReg[a.region], id)
		case actor.KindPUBLIC_BODY, actor.KindFOUNDATION, actor.KindMUTUAL, actor.KindCOMPANY:
			g.funders = append(g.funders, id)
		}
	}
	return g
}

// Shares of local draws made in the same département and the same région;
// the rest are drawn from all actors.
const (
	sameDept   = 0.70
	sameRegion = 0.20
)

// local draws an actor near dept/region. Inside a département or région the
// draw favours the first actors of the list (index ~ n·u²), so that some
// actors become hubs as in real networks; across France it is uniform.
func local(r *rand.Rand, dept, region int32, byDept, byRegion map[int32][]int32, all []int32, n int) int32 {
	u := r.Float64()
	var pool []int32
	if u < sameDept {
		pool = byDept[dept]
	}
	if len(pool) == 0 && u < sameDept+sameRegion {
		pool = byRegion[region]
	}
	if len(pool) == 0 {
		if all != nil {
			return all[r.IntN(len(all))]
		}
		return int32(r.IntN(n))
	}
	x := r.Float64()
	return pool[int(float64(len(pool))*x*x)]
}

func (g *geo) near(r *rand.Rand, dept, region int32) int32 {
	return local(r, dept, region, g.byDept, g.byRegion, nil, g.n)
}

func (g *geo) networkNear(r *rand.Rand, dept, region int32) int32 {
	return local(r, dept, region, g.netDept, g.netReg, g.networks, 0)
}

// ---- initiatives

var statuses = []struct {
	status initiative.Status
	weight int
}{
	{"", 3},
	{initiative.StatusIDEA, 8},
	{initiative.StatusPLANNED, 14},
	{initiative.StatusACTIVE, 45},
	{initiative.StatusCOMPLETED, 23},
	{initiative.StatusABANDONED, 7},
}

func planInitiatives(w *world, cfg Config, actors []actorPlan, g *geo) []initiativePlan {
	r := rand.New(rand.NewPCG(cfg.Seed, streamInitiatives))
	statusWeights := make(weights, len(statuses))
	for i, s := range statuses {
		statusWeights[i] = s.weight
	}
	out := make([]initiativePlan, cfg.Initiatives)
	for n := range out {
		first := w.pickPlace(r, defaultLevels.pick(r))
		territories := []int32{first}
		if chance(r, 0.35) {
			// A second territory in the same département: another commune.
			if cs := w.communesIn[w.deptOf(first)]; len(cs) > 0 {
				if c := cs[r.IntN(len(cs))]; c != first {
					territories = append(territories, c)
				}
			}
		}
		dept, region := w.deptOf(first), w.regionOf(first)

		k := min(participantCount.pick(r)+minParticipants, len(actors))
		ps := make([]participant, 0, k)
		for len(ps) < k {
			a := g.near(r, dept, region)
			for tries := 0; hasActor(ps, a); tries++ {
				if tries < 20 {
					a = g.near(r, dept, region)
				} else {
					a = int32(r.IntN(len(actors)))
				}
			}
			role := participation.RoleLEAD
			if len(ps) > 0 {
				role = roleFor(r, actors[a].kind)
			}
			ps = append(ps, participant{actor: a, role: role})
		}

		// Initiatives mostly share a theme with their lead.
		firstTheme := -1
		if chance(r, 0.6) {
			firstTheme = oneOf(r, actors[ps[0].actor].themes)
		}
		themes := pickThemes(r, initiativeThemeCount.pick(r)+1, firstTheme)
		status := statuses[statusWeights.pick(r)].status
		start, end := datesFor(r, status)
		th := taxonomy[themes[0]]
		where := inPlace(w.places[first].name)
		out[n] = initiativePlan{
			title: fmt.Sprintf("Initiative synthétique %05d – %s %s", n+1, th.label, where),
			summary: fmt.Sprintf("%s %s. Initiative fictive du jeu de données synthétique (graine %d).",
				oneOf(r, th.actions), where, cfg.Seed),
			status:       status,
			start:        start,
			end:          end,
			territories:  territories,
			themes:       themes,
			participants: ps,
		}
	}
	return out
}

func hasActor(ps []participant, a int32) bool {
	for _, p := range ps {
		if p.actor == a {
			return true
		}
	}
	return false
}

// roleFor draws the role of a participant other than the lead: public
// bodies, foundations and mutuals mostly fund.
func roleFor(r *rand.Rand, k actor.Kind) participation.Role {
	roles := []participation.Role{participation.RolePARTNER, participation.RoleFUNDER, participation.RoleBENEFICIARY}
	switch k {
	case actor.KindPUBLIC_BODY, actor.KindFOUNDATION, actor.KindMUTUAL:
		return roles[weights{35, 65, 0}.pick(r)]
	case actor.KindCOMPANY:
		return roles[weights{60, 30, 10}.pick(r)]
	}
	return roles[weights{70, 8, 22}.pick(r)]
}

func addDays(t time.Time, n int) time.Time { return t.AddDate(0, 0, n) }

// dayIn draws a day in [from, from+days].
func dayIn(r *rand.Rand, from time.Time, days int) time.Time { return addDays(from, r.IntN(days+1)) }

// datesFor draws dates consistent with the status, relative to refDate; the
// end is never before the start.
func datesFor(r *rand.Rand, s initiative.Status) (start, end time.Time) {
	const year = 365
	switch s {
	case initiative.StatusIDEA:
		if chance(r, 0.3) {
			start = dayIn(r, refDate, 2*year)
		}
	case initiative.StatusPLANNED:
		start = dayIn(r, refDate, 18*30)
		if chance(r, 0.5) {
			end = dayIn(r, addDays(start, 180), 30*30)
		}
	case initiative.StatusACTIVE:
		start = dayIn(r, addDays(refDate, -8*year), 8*year)
		if chance(r, 0.4) {
			end = dayIn(r, addDays(refDate, 30), 3*year)
		}
	case initiative.StatusCOMPLETED:
		start = dayIn(r, addDays(refDate, -10*year), 10*year-180)
		end = dayIn(r, addDays(start, 30), 4*year)
		if end.After(refDate) {
			end = refDate
		}
	case initiative.StatusABANDONED:
		start = dayIn(r, addDays(refDate, -8*year), 8*year-30)
		if chance(r, 0.7) {
			end = dayIn(r, start, 2*year)
			if end.After(refDate) {
				end = refDate
			}
		}
	}
	return start, end
}

// ---- relations

var relationKinds = []struct {
	kind   actorrelation.Kind
	weight int
}{
	{actorrelation.KindMEMBER_OF, 35},
	{actorrelation.KindPARTNER_OF, 30},
	{actorrelation.KindFUNDS, 15},
	{actorrelation.KindAGREEMENT_WITH, 12},
	{actorrelation.KindSUBSIDIARY_OF, 8},
}

// planRelations draws cfg.Relations explicit relations, at most one per pair
// of actors (in either direction) and never from an actor to itself:
// MEMBER_OF toward NETWORK actors, FUNDS from public bodies, foundations,
// mutuals and companies, the others between actors of the same area.
func planRelations(cfg Config, actors []actorPlan, g *geo) ([]relationPlan, error) {
	if cfg.Relations == 0 {
		return nil, nil
	}
	r := rand.New(rand.NewPCG(cfg.Seed, streamRelations))
	kindWeights := make(weights, len(relationKinds))
	for i, k := range relationKinds {
		kindWeights[i] = k.weight
	}
	seen := make(map[uint64]struct{}, cfg.Relations)
	out := make([]relationPlan, 0, cfg.Relations)
	for attempts := 0; len(out) < cfg.Relations; attempts++ {
		if attempts > 100*cfg.Relations+10000 {
			return nil, fmt.Errorf("synthetic: placed only %d of %d relations among %d actors", len(out), cfg.Relations, len(actors))
		}
		kind := relationKinds[kindWeights.pick(r)].kind
		from := int32(r.IntN(len(actors)))
		switch {
		case kind == actorrelation.KindMEMBER_OF && len(g.networks) == 0,
			kind == actorrelation.KindFUNDS && len(g.funders) == 0:
			kind = actorrelation.KindPARTNER_OF
		case kind == actorrelation.KindFUNDS:
			from = oneOf(r, g.funders)
		}
		a := actors[from]
		var to int32
		if kind == actorrelation.KindMEMBER_OF {
			to = g.networkNear(r, a.dept, a.region)
		} else {
			to = g.near(r, a.dept, a.region)
		}
		if from == to {
			continue
		}
		key := pairKey(from, to)
		if _, dup := seen[key]; dup {
			continue
		}
		seen[key] = struct{}{}
		rel := relationPlan{from: from, to: to, kind: kind}
		if chance(r, 0.6) {
			rel.since = dayIn(r, addDays(refDate, -10*365), 10*365)
			if chance(r, 0.15) {
				rel.until = dayIn(r, rel.since, 5*365)
				if rel.until.After(refDate) {
					rel.until = refDate
				}
			}
		}
		out = append(out, rel)
	}
	return out, nil
}

func pairKey(a, b int32) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}
