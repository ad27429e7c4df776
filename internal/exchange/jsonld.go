package exchange

import (
	"bufio"
	"encoding/json"
	"strconv"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
)

// JSON-LD vocabularies: schema.org for what any consumer understands, and
// ESSGlobal (RIPESS; the namespaces the Solidarity Economy Association
// publishes its linked open data with) for what makes an
// organisation part of the social and solidarity economy.
const (
	essglobalVocab = "https://w3id.solidarityeconomy.coop/essglobal/V2a/vocab/"
	// essglobalStructure is ESSGlobal's SKOS scheme of organisational structures.
	essglobalStructure = "https://w3id.solidarityeconomy.coop/essglobal/V2a/standard/organisational-structure/"
	sirenPage          = "https://annuaire-entreprises.data.gouv.fr/entreprise/"
)

var jsonldContext = map[string]any{
	"@vocab":                            "https://schema.org/",
	"essglobal":                         essglobalVocab,
	"os":                                essglobalStructure,
	"essglobal:organisationalStructure": map[string]string{"@type": "@id"},
}

// organisationalStructure maps actor kinds to ESSGlobal organisational
// structures. Kinds without a faithful term in the published scheme
// (MUTUAL, PUBLIC_BODY, NETWORK, OTHER) get none rather than a guess; their
// additionalType still says what they are.
var organisationalStructure = map[actor.Kind]string{
	actor.KindASSOCIATION:  "os:OS20",  // not-for-profit organisation
	actor.KindFOUNDATION:   "os:OS20",  // not-for-profit organisation
	actor.KindCOOPERATIVE:  "os:OS115", // co-operative (ESSGlobal 2.x; the French forms span OS60–OS100)
	actor.KindESUS_COMPANY: "os:OS30",  // social enterprise
	actor.KindCOMPANY:      "os:OS50",  // company (other)
}

// jsonldSink writes one JSON-LD document whose @graph holds the rows.
type jsonldSink struct {
	w *bufio.Writer
	n int
}

func (s *jsonldSink) begin() error {
	ctx, err := json.Marshal(jsonldContext)
	if err != nil {
		return err
	}
	_, err = s.w.WriteString(`{"@context": ` + string(ctx) + `, "@graph": [`)
	return err
}

func (s *jsonldSink) node(v map[string]any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if s.n > 0 {
		_, _ = s.w.WriteString(",")
	}
	s.n++
	_, _ = s.w.WriteString("\n  ")
	_, err = s.w.Write(b)
	return err
}

func (s *jsonldSink) end() error { _, err := s.w.WriteString("\n]}\n"); return err }

func actorIRI(id int) string      { return "urn:essaim:actor:" + strconv.Itoa(id) }
func initiativeIRI(id int) string { return "urn:essaim:initiative:" + strconv.Itoa(id) }

// place is a territory as a schema.org AdministrativeArea, identified by
// the reference the CSV uses.
func place(t *ent.Territory) map[string]any {
	return map[string]any{"@type": "AdministrativeArea", "name": t.Name,
		"identifier": territoryRef{Kind: t.Kind, Code: t.Code}.String()}
}

func areas(ts []*ent.Territory) []any {
	out := make([]any, 0, len(ts))
	for _, t := range ts {
		out = append(out, place(t))
	}
	return out
}

// terms are themes as schema.org DefinedTerms (slug as code).
func terms(ts []*ent.Theme) []any {
	out := make([]any, 0, len(ts))
	for _, t := range ts {
		out = append(out, map[string]any{"@type": "DefinedTerm", "termCode": t.Slug, "name": t.Label})
	}
	return out
}

func setIf(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func (s *jsonldSink) actor(a *ent.Actor) error {
	n := map[string]any{
		"@id": actorIRI(a.ID), "@type": []string{"Organization", "essglobal:SSEInitiative"},
		"name": a.Name, "additionalType": string(a.Kind),
		"areaServed": areas(a.Edges.Territories), "knowsAbout": terms(a.Edges.Themes),
	}
	setIf(n, "description", a.Description)
	setIf(n, "url", a.Website)
	setIf(n, "isBasedOn", a.Source)
	if os, ok := organisationalStructure[a.Kind]; ok {
		n["essglobal:organisationalStructure"] = os
	}
	if a.Siren != nil {
		n["identifier"] = map[string]any{"@type": "PropertyValue", "propertyID": "SIREN", "value": *a.Siren}
		n["sameAs"] = sirenPage + *a.Siren
	}
	if h := a.Edges.HomeTerritory; h != nil {
		n["address"] = map[string]any{"@type": "PostalAddress", "addressLocality": h.Name, "addressCountry": "FR"}
		n["location"] = place(h)
	}
	return s.node(n)
}

func (s *jsonldSink) initiative(in *ent.Initiative) error {
	n := map[string]any{
		"@id": initiativeIRI(in.ID), "@type": "Project", "name": in.Title,
		"areaServed": areas(in.Edges.Territories), "knowsAbout": terms(in.Edges.Themes),
	}
	setIf(n, "disambiguatingDescription", in.Summary)
	setIf(n, "description", in.Description)
	setIf(n, "isBasedOn", in.Source)
	setIf(n, "foundingDate", formatDate(in.StartDate))
	setIf(n, "dissolutionDate", formatDate(in.EndDate))
	n["identifier"] = initiativeKey(in)
	if in.Status != nil {
		n["additionalProperty"] = map[string]any{"@type": "PropertyValue", "propertyID": "status", "value": string(*in.Status)}
	}
	var members []any
	for _, p := range in.Edges.Participations {
		if a := p.Edges.Actor; a != nil {
			members = append(members, map[string]any{"@type": "OrganizationRole", "roleName": string(p.Role),
				"member": map[string]any{"@id": actorIRI(a.ID), "@type": "Organization", "name": a.Name}})
		}
	}
	if members == nil {
		members = []any{}
	}
	n["member"] = members
	return s.node(n)
}
