package exchange

import (
	"context"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/internal/siren"
)

const actorKinds = "ASSOCIATION, COOPERATIVE, MUTUAL, FOUNDATION, ESUS_COMPANY, COMPANY, PUBLIC_BODY, NETWORK, OTHER"

// actorRow is a checked row of an actors file.
type actorRow struct {
	rec                   record
	id                    int // the actor it updates; 0: a new actor
	kind                  actor.Kind
	home                  int // 0: none
	territories, themeIDs []int
}

// planActors checks every row and finds the actor each one updates: by
// SIREN, else by exact name (see README, "Import and export").
func planActors(ctx context.Context, r *refs, recs []record, rep *Report, progress Progress) ([]actorRow, error) {
	rows := make([]actorRow, 0, len(recs))
	keys := map[string]int{}      // key in the file -> line
	withSiren := map[string]int{} // name of a row with a SIREN -> line
	targets := map[int]int{}      // actor id -> line
	for i, rec := range recs {
		progress("check", i, len(recs))
		row := actorRow{rec: rec}
		required(rec, "name", 512, actor.NameValidator, rep)
		if k, ok := enumCell(rec, "kind", func(v string) error { return actor.KindValidator(actor.Kind(v)) }, actorKinds, rep); ok {
			row.kind = actor.Kind(k)
		}
		optText(rec, "website", 2048, actor.WebsiteValidator, rep)
		optText(rec, "source", 2048, actor.SourceValidator, rep)
		name, sir := rec.cells["name"], rec.cells["siren"]
		key := "name:" + name
		if sir != "" {
			key = "siren:" + sir
			if err := siren.Validate(sir); err != nil {
				rep.add(rec.line, "siren", CodeInvalid, "bad SIREN %q: it must be 9 digits with a valid checksum", sir)
			}
		}
		if line, dup := keys[key]; dup {
			col := "name"
			if sir != "" {
				col = "siren"
			}
			rep.add(rec.line, col, CodeDuplicate, "this actor already appears on line %d", line)
		} else {
			keys[key] = rec.line
		}
		if line, clash := nameClash(name, sir, keys, withSiren); clash {
			rep.add(rec.line, "siren", CodeDuplicate,
				"line %d names an actor %q too, one with a SIREN and one without: give both their SIREN, or one row", line, name)
		}
		if sir != "" {
			withSiren[name] = rec.line
		}
		id, err := matchActor(ctx, r, rec, rep)
		if err != nil {
			return nil, err
		}
		if id != 0 {
			if line, dup := targets[id]; dup {
				rep.add(rec.line, "name", CodeDuplicate, "this row updates the same actor as line %d", line)
			}
			targets[id] = rec.line
		}
		row.id = id
		if err := row.resolve(ctx, r, rep); err != nil {
			return nil, err
		}
		rows = append(rows, row)
		if rep.full() {
			break
		}
	}
	return rows, nil
}

// nameClash finds an earlier row of the same name as this one where one of
// the two has a SIREN and the other none: imported, they would make two
// actors of that name, one without a SIREN, which no name could then
// designate (AMBIGUOUS_REFERENCE at the next import).
func nameClash(name, sir string, keys, withSiren map[string]int) (int, bool) {
	if sir == "" {
		line, ok := withSiren[name]
		return line, ok
	}
	line, ok := keys["name:"+name]
	return line, ok
}

// matchActor finds the stored actor a row updates: the one with its SIREN,
// else the only one with its exact name (with no SIREN yet, when the row
// gives one).
func matchActor(ctx context.Context, r *refs, rec record, rep *Report) (int, error) {
	name, sir := rec.cells["name"], rec.cells["siren"]
	if sir != "" {
		h, err := r.actorBySiren(ctx, sir)
		if err != nil || h.id != 0 {
			return h.id, err
		}
		h, err = r.actorByNameWithoutSiren(ctx, name)
		return h.id, err // several namesakes without SIREN: a new actor
	}
	if name == "" {
		return 0, nil
	}
	h, err := r.actorByName(ctx, name)
	if h.count > 1 {
		rep.add(rec.line, "name", CodeAmbiguous, "several actors are named %q: give this one's SIREN", name)
	}
	return h.id, err
}

func (row *actorRow) resolve(ctx context.Context, r *refs, rep *Report) error {
	rec := row.rec
	home, err := r.territoryIDs(ctx, rec, "home_territory", rep)
	if err != nil {
		return err
	}
	switch len(home) {
	case 0:
	case 1:
		row.home = home[0]
	default:
		rep.add(rec.line, "home_territory", CodeInvalid, "an actor has one home territory")
	}
	if row.territories, err = r.territoryIDs(ctx, rec, "territories", rep); err != nil {
		return err
	}
	row.themeIDs, err = r.themeIDs(ctx, rec, rep)
	return err
}

// writeActor creates or updates the actor of a checked row. Columns absent
// from the file leave fields unchanged; empty cells clear them.
func writeActor(ctx context.Context, c *ent.Client, row actorRow) error {
	var m *ent.ActorMutation
	var save func() error
	if row.id == 0 {
		b := c.Actor.Create()
		m, save = b.Mutation(), func() error { return b.Exec(ctx) }
	} else {
		b := c.Actor.UpdateOneID(row.id)
		m, save = b.Mutation(), func() error { return b.Exec(ctx) }
	}
	update := row.id != 0
	rec := row.rec
	m.SetName(rec.cells["name"])
	m.SetKind(row.kind)
	if v := rec.cells["siren"]; v != "" {
		m.SetSiren(v) // an empty cell never removes a known SIREN: it is the key
	}
	setText(rec, "description", m.SetDescription, m.ClearDescription, update)
	setText(rec, "website", m.SetWebsite, m.ClearWebsite, update)
	setText(rec, "source", m.SetSource, m.ClearSource, update)
	if rec.has("home_territory") {
		if row.home != 0 {
			m.SetHomeTerritoryID(row.home)
		} else if update {
			m.ClearHomeTerritory()
		}
	}
	setEdges(rec, "territories", row.territories, m.AddTerritoryIDs, m.ClearTerritories, update)
	setEdges(rec, "themes", row.themeIDs, m.AddThemeIDs, m.ClearThemes, update)
	return save()
}

func setText(rec record, col string, set func(string), clear func(), update bool) {
	v, ok := rec.cells[col]
	switch {
	case !ok:
	case v != "":
		set(v)
	case update:
		clear()
	}
}

// setEdges replaces an edge's targets with the cell's, when the column is there.
func setEdges(rec record, col string, ids []int, add func(...int), clear func(), update bool) {
	if !rec.has(col) {
		return
	}
	if update {
		clear()
	}
	add(ids...)
}
