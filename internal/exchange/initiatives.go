package exchange

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
)

// implicitKeyPrefix starts the key of an initiative stored without one.
const implicitKeyPrefix = "essaim-"

const (
	statuses = "IDEA, PLANNED, ACTIVE, COMPLETED, ABANDONED"
	roles    = "LEAD, PARTNER, FUNDER, BENEFICIARY"
)

// initiativeRow is a checked row of an initiatives file.
type initiativeRow struct {
	rec                   record
	id                    int // the initiative it updates; 0: a new one
	status                initiative.Status
	start, end            *time.Time
	territories, themeIDs []int
	actors                []member
}

// member is a participation given in the actors column.
type member struct {
	actor int
	role  participation.Role
}

// planInitiatives checks every row and finds the initiative each one updates,
// by its key.
func planInitiatives(ctx context.Context, r *refs, recs []record, rep *Report, progress Progress) ([]initiativeRow, error) {
	rows := make([]initiativeRow, 0, len(recs))
	keys := map[string]int{}
	for i, rec := range recs {
		progress("check", i, len(recs))
		row := initiativeRow{rec: rec}
		key := rec.cells["key"]
		required(rec, "key", 200, initiative.SourceKeyValidator, rep)
		required(rec, "title", 512, initiative.TitleValidator, rep)
		optText(rec, "summary", 4096, initiative.SummaryValidator, rep)
		optText(rec, "source", 2048, initiative.SourceValidator, rep)
		if rec.cells["status"] != "" {
			if v, ok := enumCell(rec, "status", func(v string) error { return initiative.StatusValidator(initiative.Status(v)) }, statuses, rep); ok {
				row.status = initiative.Status(v)
			}
		}
		row.start = dateCell(rec, "start_date", rep)
		row.end = dateCell(rec, "end_date", rep)
		if row.start != nil && row.end != nil && row.end.Before(*row.start) {
			rep.add(rec.line, "end_date", CodeInvalid, "the end date (%s) is before the start date (%s)",
				row.end.Format(time.DateOnly), row.start.Format(time.DateOnly))
		}
		if key != "" {
			if line, dup := keys[key]; dup {
				rep.add(rec.line, "key", CodeDuplicate, "key %q already appears on line %d", key, line)
			}
			keys[key] = rec.line
			id, err := matchInitiative(ctx, r.client, key)
			if err != nil {
				return nil, err
			}
			row.id = id
		}
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

// matchInitiative finds the initiative with a key. An initiative written
// without one (by SQL outside the API, as the synthetic dataset is) is
// exported as essaim-<id>, the key the migration gave older initiatives, and
// matched back by that id.
func matchInitiative(ctx context.Context, c *ent.Client, key string) (int, error) {
	id, err := c.Initiative.Query().Where(initiative.SourceKey(key)).OnlyID(ctx)
	if !ent.IsNotFound(err) {
		return id, err
	}
	n, ok := strings.CutPrefix(key, implicitKeyPrefix)
	id, convErr := strconv.Atoi(n)
	if !ok || convErr != nil {
		return 0, nil
	}
	id, err = c.Initiative.Query().Where(initiative.ID(id), initiative.SourceKeyIsNil()).OnlyID(ctx)
	if ent.IsNotFound(err) {
		return 0, nil
	}
	return id, err
}

func dateCell(rec record, col string, rep *Report) *time.Time {
	v := rec.cells[col]
	if v == "" {
		return nil
	}
	t, err := parseDate(v)
	if err != nil {
		rep.add(rec.line, col, CodeInvalid, "%s", err)
		return nil
	}
	return &t
}

func (row *initiativeRow) resolve(ctx context.Context, r *refs, rep *Report) error {
	var err error
	if row.territories, err = r.territoryIDs(ctx, row.rec, "territories", rep); err != nil {
		return err
	}
	if row.themeIDs, err = r.themeIDs(ctx, row.rec, rep); err != nil {
		return err
	}
	row.actors, err = members(ctx, r, row.rec, rep)
	return err
}

// members reads the actors column: "SIREN:ROLE|Exact name:ROLE".
func members(ctx context.Context, r *refs, rec record, rep *Report) ([]member, error) {
	var out []member
	seen := map[int]bool{}
	for _, item := range splitList(rec.cells["actors"]) {
		i := strings.LastIndex(item, ":")
		if i < 0 {
			rep.add(rec.line, "actors", CodeInvalid, "%q has no role: write SIREN:ROLE or name:ROLE with a role among %s", item, roles)
			continue
		}
		who, role := strings.TrimSpace(item[:i]), strings.ToUpper(strings.TrimSpace(item[i+1:]))
		if participation.RoleValidator(participation.Role(role)) != nil {
			rep.add(rec.line, "actors", CodeInvalid, "%q: role %q is not one of %s", item, item[i+1:], roles)
			continue
		}
		var h actorHit
		var err error
		if sirenLike.MatchString(who) {
			h, err = r.actorBySiren(ctx, who)
		} else {
			h, err = r.actorByName(ctx, who)
		}
		if err != nil {
			return nil, err
		}
		switch {
		case h.count > 1:
			rep.add(rec.line, "actors", CodeAmbiguous, "several actors are named %q: refer to this one by its SIREN", who)
		case h.id == 0:
			rep.add(rec.line, "actors", CodeUnknownRef, "unknown actor %q (import the actors file first)", who)
		case seen[h.id]:
			rep.add(rec.line, "actors", CodeDuplicate, "actor %q is listed twice", who)
		default:
			seen[h.id] = true
			out = append(out, member{actor: h.id, role: participation.Role(role)})
		}
	}
	return out, nil
}

// writeInitiative creates or updates the initiative of a checked row and,
// when the actors column is there, replaces its participations. It returns
// the initiative's ID.
func writeInitiative(ctx context.Context, c *ent.Client, row initiativeRow) (int, error) {
	rec, update := row.rec, row.id != 0
	var m *ent.InitiativeMutation
	var save func() (int, error)
	if update {
		b := c.Initiative.UpdateOneID(row.id)
		m, save = b.Mutation(), func() (int, error) { return row.id, b.Exec(ctx) }
	} else {
		b := c.Initiative.Create()
		m, save = b.Mutation(), func() (int, error) {
			n, err := b.Save(ctx)
			if err != nil {
				return 0, err
			}
			return n.ID, nil
		}
	}
	m.SetSourceKey(rec.cells["key"])
	m.SetTitle(rec.cells["title"])
	setText(rec, "summary", m.SetSummary, m.ClearSummary, update)
	setText(rec, "description", m.SetDescription, m.ClearDescription, update)
	setText(rec, "source", m.SetSource, m.ClearSource, update)
	if rec.has("status") {
		if row.status != "" {
			m.SetStatus(row.status)
		} else if update {
			m.ClearStatus()
		}
	}
	setDate(rec, "start_date", row.start, m.SetStartDate, m.ClearStartDate, update)
	setDate(rec, "end_date", row.end, m.SetEndDate, m.ClearEndDate, update)
	setEdges(rec, "territories", row.territories, m.AddTerritoryIDs, m.ClearTerritories, update)
	setEdges(rec, "themes", row.themeIDs, m.AddThemeIDs, m.ClearThemes, update)
	id, err := save()
	if err != nil || !rec.has("actors") {
		return id, err
	}
	if update {
		if _, err := c.Participation.Delete().Where(participation.InitiativeID(id)).Exec(ctx); err != nil {
			return id, err
		}
	}
	// One statement for the row's participations, through the hooks: the
	// check made row by row by catalog.CreateParticipation (both ends exist,
	// no actor twice) was made when the file was read, in this transaction
	// (members), and an update has just deleted the old participations.
	parts := make([]*ent.ParticipationCreate, len(row.actors))
	for i, p := range row.actors {
		parts[i] = c.Participation.Create().SetInput(ent.CreateParticipationInput{ActorID: p.actor, InitiativeID: id, Role: p.role})
	}
	if len(parts) > 0 {
		if _, err := c.Participation.CreateBulk(parts...).Save(ctx); err != nil {
			return id, err
		}
	}
	return id, nil
}

func setDate(rec record, col string, v *time.Time, set func(time.Time), clear func(), update bool) {
	switch {
	case !rec.has(col):
	case v != nil:
		set(*v)
	case update:
		clear()
	}
}
