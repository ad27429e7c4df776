// Package network serves the links between actors: explicit relations and
// co-participation in initiatives, paths between actors, the network around
// them with its metrics (degree, betweenness, communities) and partner
// suggestions. Graph algorithms come from gonum.
//
// The whole network is read from SQL in one pass into an immutable Snapshot,
// cached per server and rebuilt when the database's network version changes
// (see store.Versions), so several servers on one PostgreSQL agree.
package network

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/area"
)

// Relation is an explicit relation between two actors.
type Relation struct {
	ID, From, To int
	Kind         string
}

// Pair holds the evidence linking two actors. It holds no pointer, nor do
// the arrays of pairs and of their initiatives: the garbage collector does
// not scan them. With a slice of initiatives per pair, the collector marked
// some 200,000 small objects at each cycle, and a busy server, collecting
// every few dozen requests, spent a fifth of its CPU on it (BENCHMARKS.md).
type Pair struct {
	A, B int // A < B
	// first and n place the pair's initiatives in
	// Snapshot.pairInitiatives (see Snapshot.initiativesOf). During Build,
	// first is the order in which the pair was made instead.
	first, n int32
	// relations is 1 + the index of the pair's explicit relations in
	// Snapshot.relations, 0 when it has none: few pairs have any, and a
	// slice header per pair was an eighth of the snapshot's memory.
	relations int32
}

// pairBuild is a pair while Build makes it, with its initiatives so far.
type pairBuild struct {
	Pair
	initiatives []int
}

type actorInfo struct {
	id          int
	kind        string
	territories []int // home and territories of action
	themes      []int
}

// initiativeInfo is an initiative's territories and themes while Build
// reads them; freezeInitiatives then moves them into initiativeLinks.
type initiativeInfo struct {
	territories []int
	themes      []int
}

// initiativeSpan places an initiative's territories, then its themes, in
// Snapshot.initiativeLinks, from first on: pointer-free, as Pair.
type initiativeSpan struct {
	first, territories, themes int32
}

// Snapshot is an immutable picture of the actor network.
type Snapshot struct {
	Version   int64
	BuildTime time.Duration

	actors      map[int]*actorInfo
	actorIDs    []int                      // sorted
	adj         map[int]map[int]*pairBuild // during Build only: then compact holds the links
	initiatives map[int]initiativeSpan
	// initiativeLinks holds the initiatives' territories and themes (see
	// initiativeSpan).
	initiativeLinks []int
	themeParent     map[int]int
	// ancestors lists, for each territory used by an actor or initiative,
	// itself and every territory containing it (never through an EPCI).
	ancestors map[int][]int
	areas     map[int]area.Area
	relations [][]Relation // by Pair.relations - 1
	compact   *compact
	// pairs holds every pair, in the order they were made (compact refers
	// to them by index), and pairInitiatives their initiatives, a pair's
	// together, in ascending order.
	pairs           []Pair
	pairInitiatives []int
	// During Build only: the blocks pairs are allocated from, in the order
	// they were made, and each initiative's territories and themes.
	slabs               [][]pairBuild
	buildingInitiatives map[int]*initiativeInfo

	lazy lazyMetrics
}

type rowsFunc func(ctx context.Context, query string, args ...any) (*sql.Rows, error)

// scanPairs runs a two-integer query and calls add for each row.
func scanPairs(ctx context.Context, q rowsFunc, query string, add func(a, b int)) error {
	rows, err := q(ctx, query)
	if err != nil {
		return fmt.Errorf("network: %s: %w", query, err)
	}
	defer rows.Close()
	var a, b sql.NullInt64 // outside the loop: one allocation, not two per row
	for rows.Next() {
		if err := rows.Scan(&a, &b); err != nil {
			return fmt.Errorf("network: scan: %w", err)
		}
		if a.Valid && b.Valid {
			add(int(a.Int64), int(b.Int64))
		}
	}
	return rows.Err()
}

// Build reads the network in one pass (one statement per table).
func Build(ctx context.Context, client *ent.Client, version int64) (*Snapshot, error) {
	start := time.Now()
	s := &Snapshot{
		Version: version, actors: map[int]*actorInfo{}, adj: map[int]map[int]*pairBuild{},
		buildingInitiatives: map[int]*initiativeInfo{}, themeParent: map[int]int{},
	}
	q := rowsFunc(client.QueryContext)
	if err := s.loadActors(ctx, q); err != nil {
		return nil, err
	}
	if err := s.loadInitiatives(ctx, q); err != nil {
		return nil, err
	}
	if err := s.loadLinks(ctx, q); err != nil {
		return nil, err
	}
	if err := s.loadTerritories(ctx, q); err != nil {
		return nil, err
	}
	if err := s.checkSize(); err != nil {
		return nil, err
	}
	s.buildCompact()
	s.adj = nil // the maps cost more than the flat arrays holding the same links; freezing no longer needs them
	s.freezePairs()
	s.freezeInitiatives()
	s.BuildTime = time.Since(start)
	return s, nil
}

func (s *Snapshot) loadActors(ctx context.Context, q rowsFunc) error {
	rows, err := q(ctx, `SELECT id, kind, actor_home_territory FROM actors ORDER BY id`)
	if err != nil {
		return fmt.Errorf("network: load actors: %w", err)
	}
	defer rows.Close()
	kinds := map[string]string{} // a handful of kinds: one string each, not one per actor for the collector to mark
	for rows.Next() {
		var id int
		var kind string
		var home sql.NullInt64
		if err := rows.Scan(&id, &kind, &home); err != nil {
			return fmt.Errorf("network: scan actor: %w", err)
		}
		if k, ok := kinds[kind]; ok {
			kind = k
		} else {
			kinds[kind] = kind
		}
		a := &actorInfo{id: id, kind: kind}
		if home.Valid {
			a.territories = append(a.territories, int(home.Int64))
		}
		s.actors[id] = a
		s.actorIDs = append(s.actorIDs, id)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("network: load actors: %w", err)
	}
	if err := scanPairs(ctx, q, `SELECT actor_id, territory_id FROM actor_territories`, func(a, t int) {
		if ai := s.actors[a]; ai != nil {
			ai.territories = appendUnique(ai.territories, t)
		}
	}); err != nil {
		return err
	}
	return scanPairs(ctx, q, `SELECT actor_id, theme_id FROM actor_themes`, func(a, t int) {
		if ai := s.actors[a]; ai != nil {
			ai.themes = append(ai.themes, t)
		}
	})
}

func (s *Snapshot) loadInitiatives(ctx context.Context, q rowsFunc) error {
	get := func(id int) *initiativeInfo {
		i := s.buildingInitiatives[id]
		if i == nil {
			i = &initiativeInfo{}
			s.buildingInitiatives[id] = i
		}
		return i
	}
	if err := scanPairs(ctx, q, `SELECT initiative_id, territory_id FROM initiative_territories`, func(i, t int) {
		get(i).territories = append(get(i).territories, t)
	}); err != nil {
		return err
	}
	if err := scanPairs(ctx, q, `SELECT initiative_id, theme_id FROM initiative_themes`, func(i, t int) {
		get(i).themes = append(get(i).themes, t)
	}); err != nil {
		return err
	}
	return scanPairs(ctx, q, `SELECT id, theme_children FROM themes`, func(child, parent int) {
		s.themeParent[child] = parent
	})
}

// loadLinks derives co-participation from participations and adds the
// explicit relations.
func (s *Snapshot) loadLinks(ctx context.Context, q rowsFunc) error {
	// Rows come grouped by initiative: link each group's actors as it ends,
	// rather than keeping every initiative's list (a rebuild's allocations
	// are what a server under writes pays for most, issue #6).
	cur, group := -1, make([]int, 0, 16)
	flush := func() {
		for x := 0; x < len(group); x++ {
			for y := x + 1; y < len(group); y++ {
				p := s.addPair(group[x], group[y])
				p.initiatives = append(p.initiatives, cur)
			}
		}
	}
	if err := scanPairs(ctx, q, `SELECT initiative_id, actor_id FROM participations ORDER BY initiative_id, actor_id`,
		func(i, a int) {
			if i != cur {
				flush()
				cur, group = i, group[:0]
			}
			group = append(group, a)
		}); err != nil {
		return err
	}
	flush()
	rows, err := q(ctx, `SELECT id, from_id, to_id, kind FROM actor_relations ORDER BY id`)
	if err != nil {
		return fmt.Errorf("network: load relations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Relation
		if err := rows.Scan(&r.ID, &r.From, &r.To, &r.Kind); err != nil {
			return fmt.Errorf("network: scan relation: %w", err)
		}
		if r.From != r.To {
			p := s.addPair(r.From, r.To)
			if p.relations == 0 && len(s.relations) == math.MaxInt32 {
				return fmt.Errorf("network: more than %d pairs of actors with explicit relations: more than the snapshot's int32 indexes can address", math.MaxInt32)
			}
			if p.relations == 0 {
				s.relations = append(s.relations, nil)
				p.relations = int32(len(s.relations))
			}
			s.relations[p.relations-1] = append(s.relations[p.relations-1], r)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("network: load relations: %w", err)
	}
	// Each pair's initiatives are in ascending order already: the rows came
	// ordered by initiative.
	return nil
}

// checkSize refuses a network whose flat arrays would outgrow the int32
// indexes that keep the snapshot small (pairs, neighbours, links), rather
// than let them wrap around. It would take tens of gigabytes to get there.
func (s *Snapshot) checkSize() error {
	pairs, pairLinks := s.pairCounts()
	return sizeError(len(s.actorIDs), pairs, pairLinks, s.initiativeLinkCount())
}

// pairCounts counts the pairs being built and their initiatives.
func (s *Snapshot) pairCounts() (pairs, links int) {
	for _, slab := range s.slabs {
		pairs += len(slab)
		for i := range slab {
			links += len(slab[i].initiatives)
		}
	}
	return pairs, links
}

// initiativeLinkCount counts the territories and themes of the initiatives
// being built.
func (s *Snapshot) initiativeLinkCount() (n int) {
	for _, i := range s.buildingInitiatives {
		n += len(i.territories) + len(i.themes)
	}
	return n
}

// sizeError checks the counts against int32. (The pairs with explicit
// relations are checked as they are read: their index is set then.)
func sizeError(actors, pairs, pairLinks, initiativeLinks int) error {
	for _, c := range []struct {
		what string
		n    int
	}{
		{"actors", actors},
		{"neighbour entries (two per linked pair of actors)", 2 * pairs},
		{"initiatives shared by pairs of actors", pairLinks},
		{"territories and themes of initiatives", initiativeLinks},
	} {
		if c.n > math.MaxInt32 {
			return fmt.Errorf("network: %d %s: more than the snapshot's int32 indexes can address (%d)", c.n, c.what, math.MaxInt32)
		}
	}
	return nil
}

// freezePairs moves the pairs built in blocks into one array, in the order
// they were made (compact's indexes), and their initiatives into one array
// beside it.
func (s *Snapshot) freezePairs() {
	pairs, links := s.pairCounts()
	s.pairs = make([]Pair, 0, pairs)
	s.pairInitiatives = make([]int, 0, links)
	for k, slab := range s.slabs {
		for i := range slab {
			p := slab[i].Pair
			p.first, p.n = int32(len(s.pairInitiatives)), int32(len(slab[i].initiatives))
			s.pairs = append(s.pairs, p)
			s.pairInitiatives = append(s.pairInitiatives, slab[i].initiatives...)
		}
		s.slabs[k] = nil // copied: the collector may take it while the rest is copied
	}
	s.slabs = nil
}

// freezeInitiatives moves the initiatives' territories and themes into
// one array.
func (s *Snapshot) freezeInitiatives() {
	s.initiatives = make(map[int]initiativeSpan, len(s.buildingInitiatives))
	s.initiativeLinks = make([]int, 0, s.initiativeLinkCount())
	for id, i := range s.buildingInitiatives {
		s.initiatives[id] = initiativeSpan{first: int32(len(s.initiativeLinks)),
			territories: int32(len(i.territories)), themes: int32(len(i.themes))}
		s.initiativeLinks = append(append(s.initiativeLinks, i.territories...), i.themes...)
	}
	s.buildingInitiatives = nil
}

// initiative returns the territories and themes of an initiative (the
// caller must not change them); ok is false when the network has no such
// initiative.
func (s *Snapshot) initiative(id int) (territories, themes []int, ok bool) {
	sp, ok := s.initiatives[id]
	if !ok {
		return nil, nil, false
	}
	mid, end := sp.first+sp.territories, sp.first+sp.territories+sp.themes
	return s.initiativeLinks[sp.first:mid:mid], s.initiativeLinks[mid:end:end], true
}

// initiativesOf lists the initiatives the actors of p share, ascending; the
// caller must not change it.
func (s *Snapshot) initiativesOf(p *Pair) []int {
	end := p.first + p.n
	return s.pairInitiatives[p.first:end:end]
}

// relationsOf lists the explicit relations between the actors of p.
func (s *Snapshot) relationsOf(p *Pair) []Relation {
	if p.relations == 0 {
		return nil
	}
	return s.relations[p.relations-1]
}

// addPair returns the evidence of a and b being built, creating it.
func (s *Snapshot) addPair(a, b int) *pairBuild {
	if a > b {
		a, b = b, a
	}
	if p := s.adj[a][b]; p != nil {
		return p
	}
	// Pairs are allocated by blocks: hundreds of thousands of them.
	const block = 4096
	n := len(s.slabs)
	if n == 0 || len(s.slabs[n-1]) == block {
		s.slabs, n = append(s.slabs, make([]pairBuild, 0, block)), n+1
	}
	slab := &s.slabs[n-1]
	*slab = append(*slab, pairBuild{Pair: Pair{A: a, B: b, first: int32((n-1)*block + len(*slab))}})
	p := &(*slab)[len(*slab)-1]
	for _, e := range [][2]int{{a, b}, {b, a}} {
		m := s.adj[e[0]]
		if m == nil {
			m = map[int]*pairBuild{}
			s.adj[e[0]] = m
		}
		m[e[1]] = p
	}
	return p
}

// loadTerritories keeps, for the territories actors and initiatives use,
// their area and the chain of territories containing them.
func (s *Snapshot) loadTerritories(ctx context.Context, q rowsFunc) error {
	used := map[int]bool{}
	for _, a := range s.actors {
		for _, t := range a.territories {
			used[t] = true
		}
	}
	for _, i := range s.buildingInitiatives {
		for _, t := range i.territories {
			used[t] = true
		}
	}
	rows, err := q(ctx, `SELECT id, area FROM territories`)
	if err != nil {
		return fmt.Errorf("network: load territories: %w", err)
	}
	defer rows.Close()
	s.areas = map[int]area.Area{}
	for rows.Next() {
		var id int
		var a sql.NullString
		if err := rows.Scan(&id, &a); err != nil {
			return fmt.Errorf("network: scan territory: %w", err)
		}
		if a.Valid && used[id] {
			s.areas[id] = area.Area(a.String)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("network: load territories: %w", err)
	}
	// territory.Derive keeps the containing chains (each territory with
	// itself, never walking past an EPCI) in territory_ancestors.
	s.ancestors = make(map[int][]int, len(used))
	return scanPairs(ctx, q, `SELECT territory_id, ancestor_id FROM territory_ancestors`, func(t, a int) {
		if used[t] {
			s.ancestors[t] = append(s.ancestors[t], a)
		}
	})
}

func appendUnique(xs []int, x int) []int {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}
