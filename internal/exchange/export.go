package exchange

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/ent/predicate"
)

// exportPage is how many rows an export reads at a time: memory stays flat
// whatever the size of the knowledge base.
const exportPage = 500

// Export is a checked export, ready to stream.
type Export struct {
	client      *ent.Client
	kind        Kind
	format      Format
	actors      []predicate.Actor
	initiatives []predicate.Initiative
}

// NewExport checks a filter (a *FilterError when it cannot apply) before
// anything is written.
func NewExport(ctx context.Context, client *ent.Client, kind Kind, format Format, f Filter) (*Export, error) {
	e := &Export{client: client, kind: kind, format: format}
	var err error
	switch kind {
	case Actors:
		e.actors, err = f.actorPredicates(ctx, client)
	case Initiatives:
		e.initiatives, err = f.initiativePredicates(ctx, client)
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ContentType is the media type of the export.
func (e *Export) ContentType() string { return e.format.ContentType() }

// sink receives the rows of an export in one format.
type sink interface {
	begin() error
	actor(*ent.Actor) error
	initiative(*ent.Initiative) error
	end() error
}

// WriteTo streams the export to w, page by page in id order.
func (e *Export) WriteTo(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var s sink
	switch e.format {
	case CSV:
		s = &csvSink{w: bw, c: csv.NewWriter(bw), kind: e.kind}
	case JSON:
		s = &jsonSink{w: bw, kind: e.kind}
	case JSONLD:
		s = &jsonldSink{w: bw}
	default:
		return fmt.Errorf("unknown format %q", e.format)
	}
	if err := s.begin(); err != nil {
		return err
	}
	var err error
	if e.kind == Actors {
		err = e.eachActor(ctx, s.actor)
	} else {
		err = e.eachInitiative(ctx, s.initiative)
	}
	if err != nil {
		return err
	}
	if err := s.end(); err != nil {
		return err
	}
	return bw.Flush()
}

func (e *Export) eachActor(ctx context.Context, fn func(*ent.Actor) error) error {
	for last := 0; ; {
		page, err := e.client.Actor.Query().Where(append(slices.Clone(e.actors), actor.IDGT(last))...).
			Order(ent.Asc(actor.FieldID)).Limit(exportPage).
			WithHomeTerritory().WithTerritories().WithThemes().All(ctx)
		if err != nil {
			return fmt.Errorf("export actors: %w", err)
		}
		for _, a := range page {
			if err := fn(a); err != nil {
				return err
			}
			last = a.ID
		}
		if len(page) < exportPage {
			return nil
		}
	}
}

func (e *Export) eachInitiative(ctx context.Context, fn func(*ent.Initiative) error) error {
	for last := 0; ; {
		page, err := e.client.Initiative.Query().Where(append(slices.Clone(e.initiatives), initiative.IDGT(last))...).
			Order(ent.Asc(initiative.FieldID)).Limit(exportPage).
			WithTerritories().WithThemes().
			WithParticipations(func(q *ent.ParticipationQuery) { q.WithActor().Order(ent.Asc(participation.FieldID)) }).
			All(ctx)
		if err != nil {
			return fmt.Errorf("export initiatives: %w", err)
		}
		for _, in := range page {
			if err := fn(in); err != nil {
				return err
			}
			last = in.ID
		}
		if len(page) < exportPage {
			return nil
		}
	}
}

// cells are the values of one row, column by column; list columns hold
// several items.
type cells map[string][]string

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func territoryItems(ts []*ent.Territory) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, territoryRef{Kind: t.Kind, Code: t.Code}.String())
	}
	slices.Sort(out)
	return out
}

func themeItems(ts []*ent.Theme) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.Slug)
	}
	slices.Sort(out)
	return out
}

func actorCells(a *ent.Actor) cells {
	c := cells{"name": one(a.Name), "kind": one(string(a.Kind)), "description": one(a.Description),
		"website": one(a.Website), "source": one(a.Source),
		"territories": territoryItems(a.Edges.Territories), "themes": themeItems(a.Edges.Themes)}
	if a.Siren != nil {
		c["siren"] = one(*a.Siren)
	}
	if h := a.Edges.HomeTerritory; h != nil {
		c["home_territory"] = one(territoryRef{Kind: h.Kind, Code: h.Code}.String())
	}
	return c
}

// actorRef names an actor in the actors column: by SIREN when it has one.
func actorRef(a *ent.Actor) string {
	if a.Siren != nil {
		return *a.Siren
	}
	return a.Name
}

// initiativeKey is the key of an initiative, implicit when it has none.
func initiativeKey(in *ent.Initiative) string {
	if in.SourceKey != nil {
		return *in.SourceKey
	}
	return implicitKeyPrefix + strconv.Itoa(in.ID)
}

func initiativeCells(in *ent.Initiative) cells {
	c := cells{"title": one(in.Title), "summary": one(in.Summary), "description": one(in.Description),
		"start_date": one(formatDate(in.StartDate)), "end_date": one(formatDate(in.EndDate)), "source": one(in.Source),
		"territories": territoryItems(in.Edges.Territories), "themes": themeItems(in.Edges.Themes)}
	c["key"] = one(initiativeKey(in))
	if in.Status != nil {
		c["status"] = one(string(*in.Status))
	}
	var members []string
	for _, p := range in.Edges.Participations {
		if p.Edges.Actor != nil {
			members = append(members, actorRef(p.Edges.Actor)+":"+string(p.Role))
		}
	}
	slices.Sort(members)
	c["actors"] = members
	return c
}

// csvSink writes the import's own CSV: UTF-8 with a byte order mark (so
// that spreadsheets read accents right), comma-separated, lists joined by |.
type csvSink struct {
	w    *bufio.Writer
	c    *csv.Writer
	kind Kind
}

func (s *csvSink) begin() error {
	if _, err := s.w.Write(bomUTF8); err != nil {
		return err
	}
	return s.c.Write(Columns(s.kind))
}

func (s *csvSink) row(c cells) error {
	cols := Columns(s.kind)
	rec := make([]string, len(cols))
	for i, col := range cols {
		rec[i] = guardFormula(strings.Join(c[col], listSep))
	}
	return s.c.Write(rec)
}

func (s *csvSink) actor(a *ent.Actor) error            { return s.row(actorCells(a)) }
func (s *csvSink) initiative(in *ent.Initiative) error { return s.row(initiativeCells(in)) }
func (s *csvSink) end() error                          { s.c.Flush(); return s.c.Error() }

// jsonSink writes an array of objects with the CSV's columns as keys, in
// the same order; list columns are arrays.
type jsonSink struct {
	w    *bufio.Writer
	kind Kind
	n    int
}

func (s *jsonSink) begin() error { _, err := s.w.WriteString("["); return err }

func (s *jsonSink) row(c cells) error {
	if s.n > 0 {
		_, _ = s.w.WriteString(",")
	}
	s.n++
	_, _ = s.w.WriteString("\n  {")
	for i, col := range Columns(s.kind) {
		if i > 0 {
			_, _ = s.w.WriteString(", ")
		}
		k, _ := json.Marshal(col)
		var v []byte
		if listColumns[col] {
			items := c[col]
			if items == nil {
				items = []string{}
			}
			v, _ = json.Marshal(items)
		} else {
			v, _ = json.Marshal(strings.Join(c[col], ""))
		}
		_, _ = s.w.Write(k)
		_, _ = s.w.WriteString(": ")
		if _, err := s.w.Write(v); err != nil {
			return err
		}
	}
	_, err := s.w.WriteString("}")
	return err
}

func (s *jsonSink) actor(a *ent.Actor) error            { return s.row(actorCells(a)) }
func (s *jsonSink) initiative(in *ent.Initiative) error { return s.row(initiativeCells(in)) }
func (s *jsonSink) end() error                          { _, err := s.w.WriteString("\n]\n"); return err }
