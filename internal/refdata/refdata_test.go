package refdata

import (
	"github.com/essaim/essaim/internal/area"

	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// loadEmbedded parses the embedded data once per test.
func loadEmbedded(t *testing.T) *Dataset {
	t.Helper()
	d, err := Embedded()
	if err != nil {
		t.Fatalf("Embedded: %v", err)
	}
	return d
}

func find(t *testing.T, d *Dataset, ref Ref) Territory {
	t.Helper()
	for _, tr := range d.Territories {
		if tr.Ref() == ref {
			return tr
		}
	}
	t.Fatalf("%v not found", ref)
	return Territory{}
}

// rawGz reads an embedded data file directly from disk, bypassing the
// package's own reading and parsing, for independent cross-checks.
func rawGz(t *testing.T, name string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join("data", name+".gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// rawJSON decodes an embedded JSON file into generic maps.
func rawJSON(t *testing.T, name string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal(rawGz(t, name), &rows); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return rows
}

func keptRaw(row map[string]any) bool {
	z := row["zone"]
	return z == "metro" || z == "drom"
}

// rawCommunes returns the current metro/drom communes of the raw file.
func rawCommunes(t *testing.T) []map[string]any {
	var out []map[string]any
	for _, c := range rawJSON(t, communesFile) {
		if c["type"] == "commune-actuelle" && keptRaw(c) {
			out = append(out, c)
		}
	}
	return out
}

// rawRuralLabels reads the raw grid: commune code -> rural (by label).
func rawRuralLabels(t *testing.T) map[string]bool {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(string(rawGz(t, densityFile)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rural := map[string]bool{}
	for _, r := range recs[1:] {
		rural[r[0]] = strings.HasPrefix(r[3], "Rural") || r[3] == "Bourgs ruraux"
	}
	return rural
}

func TestCounts(t *testing.T) {
	d := loadEmbedded(t)
	count := func(rows []map[string]any, keep func(map[string]any) bool) int {
		n := 0
		for _, r := range rows {
			if keep(r) {
				n++
			}
		}
		return n
	}
	all := func(map[string]any) bool { return true }
	// The hard-coded values were verified with python3 against the full
	// files in /tmp/npmdata/package/data (decoupage-administratif 6.0.0)
	// and /work/shared/data/insee-grille-densite-7-niveaux-2024.csv; the
	// "raw" column recounts them from the embedded files independently.
	tests := []struct {
		kind      Kind
		want, raw int
	}{
		{KindCountry, 1, 1},
		{KindRegion, 18, count(rawJSON(t, regionsFile), keptRaw)},
		{KindDepartment, 101, count(rawJSON(t, departementsFile), keptRaw)},
		{KindEPCI, 1255, count(rawJSON(t, epciFile), all)},
		{KindCommune, 34875, len(rawCommunes(t))},
	}
	for _, tc := range tests {
		t.Run(string(tc.kind), func(t *testing.T) {
			if got := d.Count(tc.kind); got != tc.want || got != tc.raw {
				t.Errorf("Count(%s) = %d, want %d (raw recount %d)", tc.kind, got, tc.want, tc.raw)
			}
		})
	}
	t.Run("unclassified", func(t *testing.T) {
		grid := rawRuralLabels(t)
		var want []Ref
		for _, c := range rawCommunes(t) {
			if _, ok := grid[c["code"].(string)]; !ok {
				want = append(want, Ref{KindCommune, c["code"].(string)})
			}
		}
		sort.Slice(want, func(i, j int) bool { return want[i].Code < want[j].Code })
		if len(d.Unclassified) != 8 || !reflect.DeepEqual(d.Unclassified, want) {
			t.Errorf("Unclassified = %v, want 8 communes %v", d.Unclassified, want)
		}
	})
	if d.skippedMembers != 0 {
		t.Errorf("skipped EPCI members = %d, want 0 on the embedded data", d.skippedMembers)
	}
}

func TestEmbeddedIsLoadOfEmptyFiles(t *testing.T) {
	a := loadEmbedded(t)
	b, err := Load(Files{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("Embedded() != Load(Files{})")
	}
	if len(a.Sources) != 5 {
		t.Errorf("Sources = %q, want one line per file", a.Sources)
	}
}

func TestOrdering(t *testing.T) {
	d := loadEmbedded(t)
	rank := map[Kind]int{KindCountry: 0, KindRegion: 1, KindDepartment: 2, KindEPCI: 3, KindCommune: 4}
	for i := 1; i < len(d.Territories); i++ {
		p, c := d.Territories[i-1], d.Territories[i]
		if rank[p.Kind] > rank[c.Kind] || (p.Kind == c.Kind && p.Code >= c.Code) {
			t.Fatalf("territory %d (%v) not after %v", i, c.Ref(), p.Ref())
		}
	}
}

func TestParents(t *testing.T) {
	d := loadEmbedded(t)
	dep := func(code string) Ref { return Ref{KindDepartment, code} }
	tests := []struct {
		name string
		ref  Ref
		want []Ref
	}{
		{"commune in département and EPCI", Ref{KindCommune, "58194"}, []Ref{dep("58"), {KindEPCI, "245804406"}}},
		// 29083 (Île-de-Sein) belongs to no EPCI.
		{"commune without EPCI", Ref{KindCommune, "29083"}, []Ref{dep("29")}},
		// CA Beaune, Côte et Sud spans Côte-d'Or and Saône-et-Loire.
		{"EPCI over two départements", Ref{KindEPCI, "200006682"}, []Ref{dep("21"), dep("71")}},
		{"EPCI in one département", Ref{KindEPCI, "245804406"}, []Ref{dep("58")}},
		{"département", dep("58"), []Ref{{KindRegion, "27"}}},
		{"région", Ref{KindRegion, "27"}, []Ref{{KindCountry, "FR"}}},
		{"country", Ref{KindCountry, "FR"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := find(t, d, tc.ref).Parents; !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parents(%v) = %v, want %v", tc.ref, got, tc.want)
			}
		})
	}
}

func TestPopulations(t *testing.T) {
	d := loadEmbedded(t)
	sumRaw := func(dep string) int {
		n := 0
		for _, c := range rawCommunes(t) {
			if p, ok := c["population"].(float64); ok && (dep == "" || c["departement"] == dep) {
				n += int(p)
			}
		}
		return n
	}
	tests := []struct {
		ref  Ref
		want int
	}{
		{Ref{KindCountry, "FR"}, sumRaw("")},
		{Ref{KindDepartment, "58"}, sumRaw("58")},
		{Ref{KindCommune, "58194"}, 33085},
		{Ref{KindEPCI, "245804406"}, 67408}, // populationMunicipale of CA de Nevers
	}
	for _, tc := range tests {
		if got := find(t, d, tc.ref).Population; got != tc.want {
			t.Errorf("Population(%v) = %d, want %d", tc.ref, got, tc.want)
		}
	}
}

func TestDensityLevels(t *testing.T) {
	d := loadEmbedded(t)
	tests := []struct {
		code  string
		level int
		rural bool
	}{
		{"58001", 7, true},  // Achun: Rural à habitat très dispersé
		{"58194", 2, false}, // Nevers: Centres urbains intermédiaires
		{"75056", 1, false}, // Paris
		{"12218", 0, false}, // Conques-en-Rouergue: no row in the 2024 grid
	}
	for _, tc := range tests {
		got := find(t, d, Ref{KindCommune, tc.code}).DensityLevel
		if got != tc.level || area.IsRuralLevel(got) != tc.rural {
			t.Errorf("commune %s: level %d (rural %v), want %d (rural %v)", tc.code, got, area.IsRuralLevel(got), tc.level, tc.rural)
		}
	}
}

func TestRuralShares(t *testing.T) {
	d := loadEmbedded(t)
	shares := d.RuralShares()
	grid := rawRuralLabels(t)
	// Independent computation straight from the raw embedded files.
	raw := func(dep string) float64 {
		var rural, total float64
		for _, c := range rawCommunes(t) {
			isRural, classified := grid[c["code"].(string)]
			if !classified || (dep != "" && c["departement"] != dep) {
				continue
			}
			p, _ := c["population"].(float64)
			total += p
			if isRural {
				rural += p
			}
		}
		return rural / total
	}
	tests := []struct {
		ref    Ref
		want   float64
		approx float64 // value checked with python3, to 1e-4
	}{
		// Nièvre shares EPCIs with 03, 18 and 89: a naive walk through EPCIs
		// would count communes of those départements.
		{Ref{KindDepartment, "58"}, raw("58"), 0.6351},
		{Ref{KindCountry, "FR"}, raw(""), 0.3243},
		{Ref{KindCommune, "58001"}, 1, 1},
		{Ref{KindCommune, "58194"}, 0, 0},
	}
	for _, tc := range tests {
		got, ok := shares[tc.ref]
		if !ok || math.Abs(got-tc.want) > 1e-12 || math.Abs(got-tc.approx) > 1e-4 {
			t.Errorf("RuralShares[%v] = %v (present %v), want %v ≈ %v", tc.ref, got, ok, tc.want, tc.approx)
		}
	}
	if _, ok := shares[Ref{KindCommune, "12218"}]; ok {
		t.Error("unclassified commune 12218 has a share")
	}
	for _, k := range []Kind{KindRegion, KindDepartment, KindEPCI} {
		for _, tr := range d.Territories {
			if s, ok := shares[tr.Ref()]; tr.Kind == k && (!ok || s < 0 || s > 1) {
				t.Errorf("%v: share %v present %v", tr.Ref(), s, ok)
			}
		}
	}
}

// Small inputs in the formats of the real files.
const (
	tinyRegions      = `[{"code":"27","nom":"Bourgogne-Franche-Comté","zone":"metro"},{"code":"COM","nom":"Outre-mer","zone":"com"}]`
	tinyDepartements = `[{"code":"58","region":"27","nom":"Nièvre","zone":"metro"},{"code":"89","region":"27","nom":"Yonne","zone":"metro"},{"code":"975","region":"COM","nom":"SPM","zone":"com"}]`
	tinyCommunes     = `[
{"code":"58001","nom":"Achun","type":"commune-actuelle","zone":"metro","departement":"58","population":100},
{"code":"58002","nom":"Urbaine","type":"commune-actuelle","zone":"metro","departement":"58","population":300},
{"code":"58003","nom":"Sans grille","type":"commune-actuelle","zone":"metro","departement":"58"},
{"code":"89001","nom":"Auxerre-ish","type":"commune-actuelle","zone":"metro","departement":"89","population":600},
{"code":"89999","nom":"Déléguée","type":"commune-deleguee","zone":"metro","departement":"99"},
{"code":"97501","nom":"Miquelon","type":"commune-actuelle","zone":"com","departement":"975","population":5}]`
	tinyEPCI = `[{"code":"200000001","nom":"CC Test","type":"CC","populationMunicipale":1000,
"membres":[{"code":"89001"},{"code":"58001"},{"code":"00000"}]}]`
	// DENS of 58002 says 3 but the label says 4: the label wins.
	tinyGrid = "CODGEO,LIBGEO,DENS,LIBDENS,PMUN21\n58001,Achun,7,Rural à habitat très dispersé,100\n58002,Urbaine,3,Ceintures urbaines,300\n89001,Auxerre-ish,5,Bourgs ruraux,600\n"
)

// writeFile writes content to dir/name, gzipped when name ends in .gz.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !strings.HasSuffix(name, ".gz") {
		if _, err := f.WriteString(content); err != nil {
			t.Fatal(err)
		}
		return p
	}
	zw := gzip.NewWriter(f)
	if _, err := zw.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// tinyFiles writes the tiny inputs, with overrides by field name, plain or
// gzipped.
func tinyFiles(t *testing.T, gz bool, override map[string]string) Files {
	t.Helper()
	dir := t.TempDir()
	ext := ""
	if gz {
		ext = ".gz"
	}
	content := map[string]string{"regions": tinyRegions, "departements": tinyDepartements,
		"communes": tinyCommunes, "epci": tinyEPCI, "density": tinyGrid}
	for k, v := range override {
		content[k] = v
	}
	w := func(k, name string) string { return writeFile(t, dir, name+ext, content[k]) }
	return Files{
		Regions: w("regions", "regions.json"), Departements: w("departements", "departements.json"),
		Communes: w("communes", "communes.json"), EPCI: w("epci", "epci.json"),
		Density: w("density", "grid.csv"),
	}
}

func TestLoadFiles(t *testing.T) {
	for _, gz := range []bool{false, true} {
		name := "plain"
		if gz {
			name = "gzip"
		}
		t.Run(name, func(t *testing.T) {
			d, err := Load(tinyFiles(t, gz, nil))
			if err != nil {
				t.Fatal(err)
			}
			checkTiny(t, d)
		})
	}
}

func checkTiny(t *testing.T, d *Dataset) {
	t.Helper()
	counts := map[Kind]int{KindCountry: 1, KindRegion: 1, KindDepartment: 2, KindEPCI: 1, KindCommune: 4}
	for k, want := range counts {
		if got := d.Count(k); got != want {
			t.Errorf("Count(%s) = %d, want %d", k, got, want)
		}
	}
	if d.skippedMembers != 1 {
		t.Errorf("skipped members = %d, want 1", d.skippedMembers)
	}
	if want := []Ref{{KindCommune, "58003"}}; !reflect.DeepEqual(d.Unclassified, want) {
		t.Errorf("Unclassified = %v, want %v", d.Unclassified, want)
	}
	checks := []struct {
		ref          Ref
		pop, level   int
		parents      []Ref
		share        float64
		shareMissing bool
	}{
		{Ref{KindCountry, "FR"}, 1000, 0, nil, 700.0 / 1000, false},
		{Ref{KindDepartment, "58"}, 400, 0, []Ref{{KindRegion, "27"}}, 100.0 / 400, false},
		{Ref{KindEPCI, "200000001"}, 1000, 0, []Ref{{KindDepartment, "58"}, {KindDepartment, "89"}}, 1, false},
		{Ref{KindCommune, "58002"}, 300, 4, []Ref{{KindDepartment, "58"}}, 0, false},
		{Ref{KindCommune, "58003"}, 0, 0, []Ref{{KindDepartment, "58"}}, 0, true},
	}
	shares := d.RuralShares()
	for _, c := range checks {
		tr := find(t, d, c.ref)
		if tr.Population != c.pop || tr.DensityLevel != c.level || !reflect.DeepEqual(tr.Parents, c.parents) {
			t.Errorf("%v = %+v, want pop %d level %d parents %v", c.ref, tr, c.pop, c.level, c.parents)
		}
		s, ok := shares[c.ref]
		if ok == c.shareMissing || math.Abs(s-c.share) > 1e-12 {
			t.Errorf("share %v = %v (present %v), want %v (absent %v)", c.ref, s, ok, c.share, c.shareMissing)
		}
	}
}

func TestLoadSemicolonGrid(t *testing.T) {
	grid := strings.ReplaceAll(tinyGrid, ",", ";")
	d, err := Load(tinyFiles(t, false, map[string]string{"density": "\ufeff" + grid}))
	if err != nil {
		t.Fatal(err)
	}
	checkTiny(t, d)
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		override map[string]string
		want     []string // substrings of the error
	}{
		{"unknown density label", map[string]string{"density": tinyGrid + "89002,X,4,Périurbain,1\n"},
			[]string{"grid.csv: row 5", `unknown LIBDENS "Périurbain"`}},
		{"grid without LIBDENS", map[string]string{"density": "CODGEO,DENS\n58001,7\n"},
			[]string{"grid.csv: header", "LIBDENS"}},
		{"duplicate grid row", map[string]string{"density": tinyGrid + "58001,Achun,7,Rural à habitat très dispersé,100\n"},
			[]string{"grid.csv: row 5", "duplicate"}},
		{"unknown département", map[string]string{"communes": `[{"code":"01001","nom":"X","type":"commune-actuelle","zone":"metro","departement":"01"}]`},
			[]string{"communes.json: entry 0", `unknown département "01"`}},
		{"missing commune code", map[string]string{"communes": `[{"nom":"X","type":"commune-actuelle","zone":"metro","departement":"58"}]`},
			[]string{"communes.json: entry 0: missing code"}},
		{"unknown zone", map[string]string{"regions": `[{"code":"27","nom":"B","zone":"mars"}]`},
			[]string{"regions.json: entry 0", `unknown zone "mars"`}},
		{"unknown région", map[string]string{"departements": `[{"code":"58","region":"99","nom":"N","zone":"metro"}]`},
			[]string{"departements.json: entry 0", `unknown région "99"`}},
		{"commune in two EPCIs", map[string]string{"epci": `[{"code":"1","nom":"A","membres":[{"code":"58001"}]},{"code":"2","nom":"B","membres":[{"code":"58001"}]}]`},
			[]string{"epci.json: entry 1", "already a member of EPCI 1"}},
		{"not JSON", map[string]string{"epci": `{`}, []string{"epci.json: not a JSON array"}},
		{"bad field type", map[string]string{"regions": `[{"code":27}]`}, []string{"regions.json: entry 0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tinyFiles(t, false, tc.override))
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(Files{Communes: filepath.Join(t.TempDir(), "nope.json")})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want a wrapped fs.ErrNotExist", err)
	}
}
