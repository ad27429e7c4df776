// Package refdata provides the French territorial reference used by essaim:
// the country, its régions, départements, EPCIs (intercommunalités à
// fiscalité propre) and communes, with populations, containment links and the
// INSEE 2024 7-level communal density grid.
//
// The data is embedded in the binary (see data/ATTRIBUTION.md for sources,
// licences and how to rebuild it) and can be replaced by newer files of the
// same formats through Load. This package holds plain structs only; writing
// them to the database is another package's job.
//
// Scope: only zones "metro" (metropolitan France) and "drom" (the five
// départements et régions d'outre-mer) are kept. The collectivités d'outre-mer
// (zone "com": Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin,
// Wallis-et-Futuna, Polynésie française, Nouvelle-Calédonie, ...) are neither
// régions nor départements in the INSEE sense and are not covered by the
// density grid, so they are dropped. Among communes only current communes
// (type "commune-actuelle") are kept: communes déléguées, associées and the
// arrondissements municipaux of Paris, Lyon and Marseille are parts of a
// current commune and would be counted twice.
package refdata

import "fmt"

// Kind is the level of a territory.
type Kind string

// Territory kinds, from the largest to the smallest.
const (
	KindCountry    Kind = "COUNTRY"
	KindRegion     Kind = "REGION"
	KindDepartment Kind = "DEPARTMENT"
	KindEPCI       Kind = "EPCI"
	KindCommune    Kind = "COMMUNE"
)

// CountryCode is the code of the single KindCountry territory.
const CountryCode = "FR"

// Ref identifies a territory: codes are only unique within a kind.
type Ref struct {
	Kind Kind
	Code string
}

// String renders a Ref as "KIND:code", for error messages and logs.
func (r Ref) String() string { return fmt.Sprintf("%s:%s", r.Kind, r.Code) }

// Territory is one node of the territorial reference.
type Territory struct {
	Kind Kind
	// Code is "FR" for the country, the INSEE code for régions, départements
	// and communes, and the SIREN number for EPCIs.
	Code string
	Name string
	// Population is, for communes, the population given by the
	// decoupage-administratif package (0 when missing); for EPCIs its
	// populationMunicipale; for départements, régions and the country the sum
	// of their communes.
	Population int
	// DensityLevel is set for communes only: 1..7 from the INSEE grid, or 0
	// when the commune has no row in the grid (see Dataset.Unclassified).
	DensityLevel int
	// Parents are the direct containers: commune -> its département and its
	// EPCI (if any); EPCI -> every département its member communes lie in
	// (sorted; an EPCI may straddle départements, so this is "overlaps", not
	// "is contained in"); département -> its région; région -> FR; FR -> none.
	Parents []Ref
}

// Ref returns the reference of t.
func (t Territory) Ref() Ref { return Ref{Kind: t.Kind, Code: t.Code} }

// Dataset is a complete, validated territorial reference.
type Dataset struct {
	// Territories is ordered country, régions, départements, EPCIs, communes;
	// each group sorted by code.
	Territories []Territory
	// Unclassified lists the communes with no row in the density grid (the
	// grid and the commune list may follow different years' commune maps),
	// sorted by code. They have DensityLevel 0.
	Unclassified []Ref
	// Sources are human-readable provenance lines, one per input file.
	Sources []string

	// skippedMembers counts EPCI members unknown to the commune list. Kept
	// for tests only: such members are tolerated, not reported.
	skippedMembers int
}

// Files names replacement input files. An empty path selects the embedded
// copy; a path ending in ".gz" is gunzipped.
type Files struct {
	Communes, EPCI, Departements, Regions, Density string
}

// Embedded returns the dataset built from the data embedded in the binary.
// It parses the files on every call: callers that need it often keep it.
func Embedded() (*Dataset, error) { return Load(Files{}) }

// Count returns the number of territories of kind k.
func (d *Dataset) Count(k Kind) int {
	n := 0
	for _, t := range d.Territories {
		if t.Kind == k {
			n++
		}
	}
	return n
}
