package synthetic

import (
	"context"
	"fmt"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/theme"
)

// themeDef is a theme of the synthetic taxonomy. Plans refer to themes by
// their index in taxonomy, never by ID, so they do not depend on which
// themes already existed.
type themeDef struct {
	slug, label, parent string
	weight              int      // relative frequency
	actions             []string // what an initiative on this theme does
}

// taxonomy reuses the demo's slugs (internal/demo) and adds a few common ESS
// fields. Parents come before their children.
var taxonomy = []themeDef{
	{"achats-socialement-responsables", "Achats socialement responsables", "", 4, []string{
		"Clauses sociales dans les marchés publics", "Plateforme d'achats responsables", "Accompagnement des acheteurs publics"}},
	{"inclusion", "Inclusion", "", 4, []string{
		"Accompagnement global des publics fragiles", "Guichet unique d'accès aux droits", "Parrainage vers l'emploi"}},
	{"inclusion-sociale", "Inclusion sociale", "inclusion", 8, []string{
		"Accueil de jour et accompagnement social", "Épicerie sociale", "Médiation sociale de proximité"}},
	{"inclusion-numerique", "Inclusion numérique", "inclusion", 6, []string{
		"Ateliers numériques pour les seniors", "Conseillers numériques itinérants", "Reconditionnement d'ordinateurs"}},
	{"logistique-de-proximite", "Logistique de proximité", "", 4, []string{
		"Livraison du dernier kilomètre à vélo", "Mutualisation de tournées de livraison", "Plateforme logistique de circuits courts"}},
	{"innovation-sociale", "Innovation sociale", "", 5, []string{
		"Incubateur d'innovation sociale", "Laboratoire citoyen", "Expérimentation sociale territoriale"}},
	{"tiers-lieux", "Tiers-lieux", "innovation-sociale", 4, []string{
		"Ouverture d'un tiers-lieu", "Fabrique numérique de territoire", "Espace de coworking rural"}},
	{"alimentation-durable", "Alimentation durable", "", 6, []string{
		"Légumerie pour la restauration collective", "Projet alimentaire territorial", "Jardins d'insertion maraîchers"}},
	{"circuits-courts", "Circuits courts", "alimentation-durable", 4, []string{
		"Magasin de producteurs", "Drive fermier", "Approvisionnement local des cantines"}},
	{"mobilite", "Mobilité", "", 5, []string{
		"Garage solidaire", "Location de véhicules à tarif social", "Transport à la demande solidaire"}},
	{"economie-circulaire", "Économie circulaire", "", 5, []string{
		"Collecte et valorisation des biodéchets", "Atelier de réparation", "Matériauthèque du bâtiment"}},
	{"reemploi", "Réemploi", "economie-circulaire", 5, []string{
		"Ressourcerie", "Recyclerie de quartier", "Boutique de réemploi"}},
	{"emploi-insertion", "Emploi et insertion", "", 8, []string{
		"Chantier d'insertion", "Groupement d'employeurs", "Parcours vers l'emploi durable"}},
	{"culture", "Culture", "", 5, []string{
		"Festival de quartier", "Résidence d'artistes", "Médiathèque hors les murs"}},
	{"sante", "Santé", "", 4, []string{
		"Maison de santé pluriprofessionnelle", "Prévention et sport-santé", "Aide aux aidants"}},
	{"habitat", "Habitat", "", 4, []string{
		"Habitat inclusif", "Rénovation énergétique solidaire", "Auto-réhabilitation accompagnée"}},
}

// ensureThemes returns the ID of every taxonomy theme, creating the missing
// ones (in one transaction) under their parent.
func ensureThemes(ctx context.Context, client *ent.Client) ([]int, int, error) {
	slugs := make([]string, len(taxonomy))
	for i, t := range taxonomy {
		slugs[i] = t.slug
	}
	have, err := client.Theme.Query().Where(theme.SlugIn(slugs...)).Select(theme.FieldSlug).All(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("synthetic: load themes: %w", err)
	}
	bySlug := make(map[string]int, len(taxonomy))
	for _, t := range have {
		bySlug[t.Slug] = t.ID
	}
	if len(have) == len(taxonomy) {
		return themeIDs(bySlug), 0, nil
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("synthetic: themes: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	created := 0
	for _, t := range taxonomy {
		if _, ok := bySlug[t.slug]; ok {
			continue
		}
		b := tx.Theme.Create().SetSlug(t.slug).SetLabel(t.label)
		if id, ok := bySlug[t.parent]; ok && t.parent != "" {
			b.SetParentID(id)
		}
		th, err := b.Save(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("synthetic: create theme %s: %w", t.slug, err)
		}
		bySlug[t.slug] = th.ID
		created++
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, fmt.Errorf("synthetic: themes: commit: %w", err)
	}
	return themeIDs(bySlug), created, nil
}

func themeIDs(bySlug map[string]int) []int {
	ids := make([]int, len(taxonomy))
	for i, t := range taxonomy {
		ids[i] = bySlug[t.slug]
	}
	return ids
}
