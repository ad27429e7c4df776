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
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/internal/area"
)

// Relation is an explicit relation between two actors.
type Relation struct {
	ID, From, To int
	Kind         string
}

// Pair holds the evidence linking two actors.
type Pair struct {
	A, B        int // A < B
	Initiatives []int
	// relations is 1 + the index of the pair's explicit relations in
	// Snapshot.relations, 0 when it has none: few pairs have any, and a
	// slice header per pair was an eighth of the snapshot's memory.
	relations int32
}

type actorInfo struct {
	id          int
	kind        string
	territories []int // home and territories of action
	themes      []int
}

type initiativeInfo struct {
	territories []int
	themes      []int
}

// Snapshot is an immutable picture of the actor network.
type Snapshot struct {
	Version   int64
	BuildTime time.Duration

	actors      map[int]*actorInfo
	actorIDs    []int                 // sorted
	adj         map[int]map[int]*Pair // during Build only: then compact holds the links
	initiatives map[int]*initiativeInfo
	themeParent map[int]int
	// ancestors lists, for each territory used by an actor or initiative,
	// itself and every territory containing it (never through an EPCI).
	ancestors map[int][]int
	areas     map[int]area.Area
	relations [][]Relation // by Pair.relations - 1
	compact   *compact
	slab      []Pair // the block Pairs are being allocated from, during Build

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
		Version: version, actors: map[int]*actorInfo{}, adj: map[int]map[int]*Pair{},
		initiatives: map[int]*initiativeInfo{}, themeParent: map[int]int{},
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
	s.buildCompact()
	s.adj, s.slab = nil, nil // the maps cost more than the flat arrays holding the same links
	s.BuildTime = time.Since(start)
	return s, nil
}

func (s *Snapshot) loadActors(ctx context.Context, q rowsFunc) error {
	rows, err := q(ctx, `SELECT id, kind, actor_home_territory FROM actors ORDER BY id`)
	if err != nil {
		return fmt.Errorf("network: load actors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var kind string
		var home sql.NullInt64
		if err := rows.Scan(&id, &kind, &home); err != nil {
			return fmt.Errorf("network: scan actor: %w", err)
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
		i := s.initiatives[id]
		if i == nil {
			i = &initiativeInfo{}
			s.initiatives[id] = i
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
				p.Initiatives = append(p.Initiatives, cur)
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

// relationsOf lists the explicit relations between the actors of p.
func (s *Snapshot) relationsOf(p *Pair) []Relation {
	if p.relations == 0 {
		return nil
	}
	return s.relations[p.relations-1]
}

// addPair returns the evidence of a and b being built, creating it.
func (s *Snapshot) addPair(a, b int) *Pair {
	if a > b {
		a, b = b, a
	}
	if p := s.adj[a][b]; p != nil {
		return p
	}
	if len(s.slab) == cap(s.slab) {
		s.slab = make([]Pair, 0, 4096) // pairs are allocated by blocks: hundreds of thousands of them
	}
	s.slab = append(s.slab, Pair{A: a, B: b})
	p := &s.slab[len(s.slab)-1]
	for _, e := range [][2]int{{a, b}, {b, a}} {
		m := s.adj[e[0]]
		if m == nil {
			m = map[int]*Pair{}
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
	for _, i := range s.initiatives {
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
