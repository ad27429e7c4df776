// Package demo loads the demonstration knowledge base: L'ESSaim, the ESS
// network that La Poste, the Région Bourgogne-Franche-Comté and the regional
// ESS chamber (CRESS) launched on 20 September 2019, as publicly reported on
// 4 October 2019. Only facts from that report are recorded; unknown fields
// stay empty.
package demo

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	"github.com/essaim/essaim/ent/actorrelation"
	"github.com/essaim/essaim/ent/initiative"
	"github.com/essaim/essaim/ent/participation"
	"github.com/essaim/essaim/ent/territory"
)

// Source is recorded on every demo actor, initiative and indicator.
const Source = "Rapport public sur L'ESSaim, 4 octobre 2019"

// Empty reports whether the store holds no themes, actors or initiatives,
// the only case in which the demo is loaded.
func Empty(ctx context.Context, client *ent.Client) (bool, error) {
	for _, count := range []func(context.Context) (int, error){
		client.Theme.Query().Count, client.Actor.Query().Count, client.Initiative.Query().Count,
	} {
		n, err := count(ctx)
		if err != nil {
			return false, fmt.Errorf("count demo data: %w", err)
		}
		if n > 0 {
			return false, nil
		}
	}
	return true, nil
}

// Load writes the demo in one transaction. It needs the territories of
// France (FR) and of the région Bourgogne-Franche-Comté (27).
func Load(ctx context.Context, client *ent.Client) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("demo: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := load(ctx, tx.Client()); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("demo: commit: %w", err)
	}
	return nil
}

// demoLockID names the PostgreSQL advisory lock that serialises LoadIfEmpty.
const demoLockID = 0x455344 // "ESD"

// LoadIfEmpty loads the demo when the knowledge base is empty (see Empty) and
// reports whether it did. The check and the writes share one transaction,
// serialised across processes (an advisory lock on PostgreSQL, SQLite's
// immediate write transactions), so that servers starting together on an
// empty database load the demo once instead of failing on unique slugs.
func LoadIfEmpty(ctx context.Context, client *ent.Client, dial string) (bool, error) {
	tx, err := client.Tx(ctx)
	if err != nil {
		return false, fmt.Errorf("demo: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	c := tx.Client()
	if dial == dialect.Postgres {
		if _, err := c.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, demoLockID); err != nil {
			return false, fmt.Errorf("demo: lock: %w", err)
		}
	}
	empty, err := Empty(ctx, c)
	if err != nil || !empty {
		return false, err
	}
	if err := load(ctx, c); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("demo: commit: %w", err)
	}
	return true, nil
}

type refs struct {
	france, bfc *ent.Territory
	themes      map[string]*ent.Theme
	actors      map[string]*ent.Actor
}

func load(ctx context.Context, c *ent.Client) error {
	var r refs
	var err error
	if r.france, err = territoryByCode(ctx, c, territory.KindCOUNTRY, "FR"); err != nil {
		return err
	}
	if r.bfc, err = territoryByCode(ctx, c, territory.KindREGION, "27"); err != nil {
		return err
	}
	if r.themes, err = createThemes(ctx, c); err != nil {
		return err
	}
	if r.actors, err = createActors(ctx, c, r); err != nil {
		return err
	}
	if err := createInitiatives(ctx, c, r); err != nil {
		return err
	}
	return createIndicators(ctx, c, r)
}

// createIndicators records the key figures of the report about the région;
// the report gives no year for them.
func createIndicators(ctx context.Context, c *ent.Client, r refs) error {
	for _, in := range []struct {
		name  string
		value float64
		unit  string
	}{
		{"Part de l'ESS dans l'emploi salarié", 11.8, "%"},
		{"Établissements employeurs de l'ESS", 10912, "établissements"},
		{"Rang des régions de France métropolitaine pour l'emploi dans le secteur adapté et protégé", 5, "rang"},
	} {
		if err := c.Indicator.Create().SetTerritory(r.bfc).SetName(in.name).SetValue(in.value).
			SetUnit(in.unit).SetSource(Source).Exec(ctx); err != nil {
			return fmt.Errorf("indicator %s: %w", in.name, err)
		}
	}
	return nil
}

func territoryByCode(ctx context.Context, c *ent.Client, kind territory.Kind, code string) (*ent.Territory, error) {
	t, err := c.Territory.Query().Where(territory.KindEQ(kind), territory.Code(code)).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("territory %s %s (import territories first): %w", kind, code, err)
	}
	return t, nil
}

func createThemes(ctx context.Context, c *ent.Client) (map[string]*ent.Theme, error) {
	themes := []struct{ slug, label, parent string }{
		{"achats-socialement-responsables", "Achats socialement responsables", ""},
		{"inclusion", "Inclusion", ""},
		{"inclusion-sociale", "Inclusion sociale", "inclusion"},
		{"inclusion-numerique", "Inclusion numérique", "inclusion"},
		{"logistique-de-proximite", "Logistique de proximité", ""},
		{"innovation-sociale", "Innovation sociale", ""},
	}
	out := map[string]*ent.Theme{}
	for _, t := range themes {
		b := c.Theme.Create().SetSlug(t.slug).SetLabel(t.label)
		if t.parent != "" {
			b.SetParent(out[t.parent])
		}
		th, err := b.Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("theme %s: %w", t.slug, err)
		}
		out[t.slug] = th
	}
	return out, nil
}

func createActors(ctx context.Context, c *ent.Client, r refs) (map[string]*ent.Actor, error) {
	laPoste, err := c.Actor.Create().SetName("La Poste").SetKind(actor.KindCOMPANY).
		SetSiren("356000000").SetSource(Source).AddTerritories(r.france).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("actor La Poste: %w", err)
	}
	region, err := c.Actor.Create().SetName("Région Bourgogne-Franche-Comté").SetKind(actor.KindPUBLIC_BODY).
		SetSource(Source).SetHomeTerritory(r.bfc).AddTerritories(r.bfc).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("actor Région: %w", err)
	}
	cress, err := c.Actor.Create().SetName("CRESS Bourgogne-Franche-Comté").SetKind(actor.KindNETWORK).
		SetDescription("Chambre régionale de l'économie sociale et solidaire : elle met en relation les acteurs de l'ESS de la région.").
		SetSource(Source).SetHomeTerritory(r.bfc).AddTerritories(r.bfc).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("actor CRESS: %w", err)
	}
	// The framework agreement between La Poste and the Région, as a relation.
	if err := c.ActorRelation.Create().SetFrom(laPoste).SetTo(region).SetKind(actorrelation.KindAGREEMENT_WITH).
		SetSource(Source).SetNote("Accord-cadre La Poste – Région Bourgogne-Franche-Comté").Exec(ctx); err != nil {
		return nil, fmt.Errorf("relation La Poste – Région: %w", err)
	}
	return map[string]*ent.Actor{"laposte": laPoste, "region": region, "cress": cress}, nil
}

type demoInitiative struct {
	title, summary string
	status         *initiative.Status
	start          *time.Time
	territory      *ent.Territory
	themes         []string
	roles          map[string]participation.Role
}

func createInitiatives(ctx context.Context, c *ent.Client, r refs) error {
	active := initiative.StatusACTIVE
	launched := time.Date(2019, 9, 20, 0, 0, 0, 0, time.UTC)
	all := make([]string, 0, len(r.themes))
	for slug := range r.themes {
		all = append(all, slug)
	}
	for _, in := range []demoInitiative{
		{"L'ESSaim", "Réseau lancé par La Poste avec la Région Bourgogne-Franche-Comté et la CRESS pour rassembler les acteurs locaux de l'ESS ; il vise à essaimer en douze pôles locaux sur le territoire.",
			&active, &launched, r.bfc, all,
			map[string]participation.Role{"laposte": participation.RoleLEAD, "region": participation.RolePARTNER, "cress": participation.RolePARTNER}},
		{"Accord-cadre La Poste – Région Bourgogne-Franche-Comté", "Accord-cadre pour des actions communes au service du développement économique de la région : achats socialement responsables, inclusion, logistique de proximité, dans les villes comme dans les communes rurales.",
			nil, nil, r.bfc, []string{"achats-socialement-responsables", "inclusion", "logistique-de-proximite"},
			map[string]participation.Role{"laposte": participation.RolePARTNER, "region": participation.RolePARTNER}},
		{"Alliance Dynamique", "Alliance de La Poste avec des acteurs de l'économie sociale et solidaire, depuis 2014, dans toute la France.",
			&active, nil, r.france, nil,
			map[string]participation.Role{"laposte": participation.RoleLEAD}},
		{"Groupe de travail inclusion numérique de L'ESSaim", "Groupe de travail réunissant des postiers et des acteurs de l'ESS sur l'inclusion numérique.",
			&active, &launched, r.bfc, []string{"inclusion-numerique"},
			map[string]participation.Role{"laposte": participation.RolePARTNER}},
	} {
		if err := createInitiative(ctx, c, r, in); err != nil {
			return err
		}
	}
	return nil
}

func createInitiative(ctx context.Context, c *ent.Client, r refs, in demoInitiative) error {
	b := c.Initiative.Create().SetTitle(in.title).SetSummary(in.summary).SetSource(Source).
		SetNillableStatus(in.status).SetNillableStartDate(in.start).AddTerritories(in.territory)
	for _, slug := range in.themes {
		b.AddThemes(r.themes[slug])
	}
	i, err := b.Save(ctx)
	if err != nil {
		return fmt.Errorf("initiative %s: %w", in.title, err)
	}
	for key, role := range in.roles {
		if err := c.Participation.Create().SetActor(r.actors[key]).SetInitiative(i).SetRole(role).Exec(ctx); err != nil {
			return fmt.Errorf("participation of %s in %s: %w", key, in.title, err)
		}
	}
	return nil
}
