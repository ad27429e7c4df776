package refdata

import (
	"fmt"
	"sort"
)

// Load builds a dataset from the given files, using the embedded copy for
// every empty path; Load(Files{}) is Embedded(). All inputs are validated:
// a duplicate code, a missing required field, an unknown zone, a
// département whose région is unknown, a commune whose département is
// unknown, a commune in two EPCIs or an unknown density label is an error
// naming the file and the entry (JSON, 0-based index) or row (CSV line).
// EPCI members absent from the commune list are skipped without error: the
// EPCI list and the commune list may come from slightly different dates.
func Load(f Files) (*Dataset, error) {
	ins, err := readInputs(f)
	if err != nil {
		return nil, err
	}
	regions, err := parseRegions(ins.regions)
	if err != nil {
		return nil, err
	}
	departements, err := parseDepartements(ins.departements, codesOf(regions, func(r regionRow) string { return r.Code }))
	if err != nil {
		return nil, err
	}
	communes, err := parseCommunes(ins.communes, codesOf(departements, func(d departementRow) string { return d.Code }))
	if err != nil {
		return nil, err
	}
	epcis, err := parseEPCIs(ins.epci)
	if err != nil {
		return nil, err
	}
	levels, err := parseDensity(ins.density)
	if err != nil {
		return nil, err
	}
	d, err := assemble(regions, departements, communes, epcis, levels, ins.epci.name)
	if err != nil {
		return nil, err
	}
	d.Sources = []string{ins.regions.source, ins.departements.source, ins.communes.source, ins.epci.source, ins.density.source}
	return d, nil
}

type inputs struct {
	regions, departements, communes, epci, density input
}

func readInputs(f Files) (inputs, error) {
	var ins inputs
	for _, s := range []struct {
		dst              *input
		path, base, prov string
	}{
		{&ins.regions, f.Regions, regionsFile, packageSource},
		{&ins.departements, f.Departements, departementsFile, packageSource},
		{&ins.communes, f.Communes, communesFile, packageSource},
		{&ins.epci, f.EPCI, epciFile, packageSource},
		{&ins.density, f.Density, densityFile, densitySource},
	} {
		in, err := readInput(s.path, s.base, s.prov)
		if err != nil {
			return inputs{}, err
		}
		*s.dst = in
	}
	return ins, nil
}

func codesOf[T any](rows []T, code func(T) string) uniqueCodes {
	u := make(uniqueCodes, len(rows))
	for _, r := range rows {
		u[code(r)] = true
	}
	return u
}

// assemble turns validated rows into the ordered Territories of a Dataset.
// epciName names the EPCI file in errors.
func assemble(regions []regionRow, departements []departementRow, communes []communeRow,
	epcis []epciRow, levels map[string]int, epciName string) (*Dataset, error) {
	communeEPCI, skipped, err := linkEPCIs(epcis, communes, epciName)
	if err != nil {
		return nil, err
	}
	d := &Dataset{skippedMembers: skipped}
	communeTs, unclassified := buildCommunes(communes, communeEPCI, levels)
	depTs := buildDepartements(departements, communeTs)
	regionTs := buildRegions(regions, departements, depTs)
	epciTs := buildEPCIs(epcis, communes)

	country := Territory{Kind: KindCountry, Code: CountryCode, Name: "France"}
	for _, r := range regionTs {
		country.Population += r.Population
	}
	d.Territories = append(d.Territories, country)
	for _, group := range [][]Territory{regionTs, depTs, epciTs, communeTs} {
		sortByCode(group)
		d.Territories = append(d.Territories, group...)
	}
	d.Unclassified = unclassified
	return d, nil
}

// linkEPCIs maps each commune code to the SIREN of its EPCI and counts the
// members unknown to the commune list. A commune belongs to at most one EPCI
// à fiscalité propre by law, so a second membership is a data error.
func linkEPCIs(epcis []epciRow, communes []communeRow, epciName string) (map[string]string, int, error) {
	known := codesOf(communes, func(c communeRow) string { return c.Code })
	owner := map[string]string{}
	skipped := 0
	for _, e := range epcis {
		for _, m := range e.Membres {
			if !known[m.Code] {
				skipped++
				continue
			}
			if prev, dup := owner[m.Code]; dup {
				return nil, 0, fmt.Errorf("%s: entry %d: EPCI %s: commune %s is already a member of EPCI %s",
					epciName, e.index, e.Code, m.Code, prev)
			}
			owner[m.Code] = e.Code
		}
	}
	return owner, skipped, nil
}

// buildCommunes returns the commune territories and the unclassified ones
// (no density row), both sorted by code.
func buildCommunes(communes []communeRow, communeEPCI map[string]string, levels map[string]int) ([]Territory, []Ref) {
	ts := make([]Territory, 0, len(communes))
	var unclassified []Ref
	for _, c := range communes {
		t := Territory{
			Kind: KindCommune, Code: c.Code, Name: c.Nom, Population: c.Population,
			DensityLevel: levels[c.Code],
			Parents:      []Ref{{Kind: KindDepartment, Code: c.Departement}},
		}
		if siren, ok := communeEPCI[c.Code]; ok {
			t.Parents = append(t.Parents, Ref{Kind: KindEPCI, Code: siren})
		}
		if t.DensityLevel == 0 {
			unclassified = append(unclassified, t.Ref())
		}
		ts = append(ts, t)
	}
	sortByCode(ts)
	sort.Slice(unclassified, func(i, j int) bool { return unclassified[i].Code < unclassified[j].Code })
	return ts, unclassified
}

// buildDepartements sums the population of each département's communes.
func buildDepartements(departements []departementRow, communes []Territory) []Territory {
	pop := map[string]int{}
	for _, c := range communes {
		pop[c.Parents[0].Code] += c.Population // Parents[0] is the département
	}
	ts := make([]Territory, 0, len(departements))
	for _, d := range departements {
		ts = append(ts, Territory{
			Kind: KindDepartment, Code: d.Code, Name: d.Nom, Population: pop[d.Code],
			Parents: []Ref{{Kind: KindRegion, Code: d.Region}},
		})
	}
	return ts
}

// buildRegions sums the population of each région's départements, hence of
// its communes.
func buildRegions(regions []regionRow, departements []departementRow, depTs []Territory) []Territory {
	regionOf := map[string]string{}
	for _, d := range departements {
		regionOf[d.Code] = d.Region
	}
	pop := map[string]int{}
	for _, d := range depTs {
		pop[regionOf[d.Code]] += d.Population
	}
	ts := make([]Territory, 0, len(regions))
	for _, r := range regions {
		ts = append(ts, Territory{
			Kind: KindRegion, Code: r.Code, Name: r.Nom, Population: pop[r.Code],
			Parents: []Ref{{Kind: KindCountry, Code: CountryCode}},
		})
	}
	return ts
}

// buildEPCIs links each EPCI to the sorted set of départements its known
// member communes lie in.
func buildEPCIs(epcis []epciRow, communes []communeRow) []Territory {
	depOf := make(map[string]string, len(communes))
	for _, c := range communes {
		depOf[c.Code] = c.Departement
	}
	ts := make([]Territory, 0, len(epcis))
	for _, e := range epcis {
		t := Territory{Kind: KindEPCI, Code: e.Code, Name: e.Nom, Population: e.PopulationMunicipale}
		t.Parents = departementsOf(e, depOf)
		ts = append(ts, t)
	}
	return ts
}

func departementsOf(e epciRow, depOf map[string]string) []Ref {
	seen := map[string]bool{}
	var refs []Ref
	for _, m := range e.Membres {
		dep, ok := depOf[m.Code]
		if !ok || seen[dep] {
			continue
		}
		seen[dep] = true
		refs = append(refs, Ref{Kind: KindDepartment, Code: dep})
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].Code < refs[j].Code })
	return refs
}

func sortByCode(ts []Territory) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].Code < ts[j].Code })
}
