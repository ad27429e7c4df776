package synthetic

import (
	"fmt"
	"math/rand/v2"

	"github.com/essaim/essaim/ent/actor"
)

// kindDef describes how often an actor kind occurs, where it is based and
// how it is named.
type kindDef struct {
	kind   actor.Kind
	label  string  // for descriptions: "Association", "Structure"…
	weight int     // relative frequency
	levels weights // home at commune, EPCI, département level
	// The name is "<prefix> <stem> – <home> (synthétique NNNNN)"; byLevel,
	// when set, replaces prefix and stem by a name per level.
	prefixes, stems []string
	byLevel         [3]string
}

// actorKinds: associations are by far the most common ESS actors, then
// cooperatives, public bodies and work-integration companies. Networks sit
// mostly at département level, public bodies follow the level they govern.
var actorKinds = []kindDef{
	{kind: actor.KindASSOCIATION, label: "Association", weight: 52, levels: weights{64, 23, 13},
		prefixes: []string{"Association"},
		stems: []string{"Entraide", "Les Jardins partagés", "Le Lien solidaire", "Repair café", "Épicerie solidaire",
			"Accueil et partage", "Culture pour tous", "Vélo solidaire", "Savoirs partagés", "Boutique solidaire",
			"Jeunesse et avenir", "Aide à domicile", "Familles rurales", "Les Amis du quartier", "Sport et santé"}},
	{kind: actor.KindCOOPERATIVE, label: "Coopérative", weight: 10, levels: weights{60, 27, 13},
		prefixes: []string{"SCIC", "SCOP", "Coopérative"},
		stems: []string{"Énergies citoyennes", "Mobilités partagées", "Terres nourricières", "Habitat participatif",
			"Bâtir ensemble", "Circuits courts", "Numérique coopératif", "Bois et territoire", "Le Fournil"}},
	{kind: actor.KindMUTUAL, label: "Mutuelle", weight: 4, levels: weights{40, 30, 30},
		prefixes: []string{"Mutuelle"},
		stems:    []string{"solidaire", "des familles", "santé pour tous", "des travailleurs", "du territoire"}},
	{kind: actor.KindFOUNDATION, label: "Fondation", weight: 3, levels: weights{45, 20, 35},
		prefixes: []string{"Fondation"},
		stems:    []string{"pour l'inclusion", "Terre et solidarité", "pour l'enfance", "Avenir partagé", "du patrimoine"}},
	{kind: actor.KindESUS_COMPANY, label: "Entreprise solidaire", weight: 8, levels: weights{62, 28, 10},
		prefixes: []string{"Entreprise d'insertion", "Atelier chantier d'insertion", "Entreprise adaptée", "ESAT"},
		stems:    []string{"Recyclerie", "Les Ateliers du tri", "Bio et insertion", "Logistique solidaire", "Nettoyage solidaire", "Espaces verts"}},
	{kind: actor.KindCOMPANY, label: "Entreprise", weight: 6, levels: weights{70, 20, 10},
		prefixes: []string{"SAS", "SARL"},
		stems:    []string{"Transports", "Distribution locale", "Services numériques", "Bâtiment durable", "Conseil et formation"}},
	{kind: actor.KindPUBLIC_BODY, label: "Collectivité", weight: 9, levels: weights{50, 35, 15},
		byLevel: [3]string{"Mairie", "Intercommunalité", "Conseil départemental"}},
	{kind: actor.KindNETWORK, label: "Tête de réseau", weight: 4, levels: weights{10, 30, 60},
		prefixes: []string{"Réseau", "Fédération", "Collectif", "Pôle territorial de coopération économique"},
		stems: []string{"des acteurs de l'ESS", "des recycleries", "de l'insertion", "des AMAP", "des tiers-lieux",
			"des épiceries solidaires"}},
	{kind: actor.KindOTHER, label: "Structure", weight: 4, levels: weights{70, 20, 10},
		prefixes: []string{"Groupement", "Collectif citoyen"},
		stems:    []string{"d'habitants", "en transition", "local", "des parents"}},
}

// name builds the name of the n-th actor (1-based); n makes it unique.
func (k kindDef) name(r *rand.Rand, level int, home string, n int) string {
	label := k.byLevel[level]
	if label == "" {
		label = oneOf(r, k.prefixes) + " " + oneOf(r, k.stems)
	}
	return fmt.Sprintf("%s – %s (synthétique %05d)", label, home, n)
}
