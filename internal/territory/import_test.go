package territory_test

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/essaim/essaim/ent"
	"github.com/essaim/essaim/ent/actor"
	enttr "github.com/essaim/essaim/ent/territory"
	"github.com/essaim/essaim/internal/area"
	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/refdata"
	"github.com/essaim/essaim/internal/store"
	"github.com/essaim/essaim/internal/territory"
)

// Numbers verified with python3 against the embedded files (current
// metro/drom communes, LIBDENS label of the 2024 grid); the tests also
// recompute them from the raw files, independently of package refdata.
const (
	wantRegions      = 18
	wantDepartements = 101
	wantEPCIs        = 1255
	wantCommunes     = 34875
	wantUnclassified = 8 // communes with no row in the 2024 grid

	nievreRuralPop, nievreClassifiedPop = 127924, 201417     // share ≈ 0.63512
	franceRuralPop, franceClassifiedPop = 22157441, 68325284 // share ≈ 0.32429
)

// shareTolerance bounds the difference between a stored share and the
// independent computation (both are one float64 division of integers).
const shareTolerance = 1e-9

// --- the dataset, parsed once per test binary -------------------------------

var embedded = sync.OnceValues(refdata.Embedded)

func dataset(t *testing.T) *refdata.Dataset {
	t.Helper()
	ds, err := embedded()
	if err != nil {
		t.Fatalf("refdata.Embedded: %v", err)
	}
	return ds
}

// --- independent reading of the raw embedded files --------------------------

// rawData is what the tests read straight from internal/refdata/data, with
// none of package refdata's code.
type rawData struct {
	regions, departements, epcis int
	communes                     []rawCommune // current metro/drom communes
	grid                         map[string]string
}

type rawCommune struct {
	Code        string `json:"code"`
	Nom         string `json:"nom"`
	Type        string `json:"type"`
	Zone        string `json:"zone"`
	Departement string `json:"departement"`
	Population  int    `json:"population"`
}

var (
	rawOnce sync.Once
	raw     rawData
	rawErr  error
)

func loadRaw(t *testing.T) rawData {
	t.Helper()
	rawOnce.Do(func() { raw, rawErr = readRaw() })
	if rawErr != nil {
		t.Fatalf("read raw embedded files: %v", rawErr)
	}
	return raw
}

func readGz(name string) ([]byte, error) {
	f, err := os.Open(filepath.Join("..", "refdata", "data", name+".gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func readJSON(name string, v any) error {
	data, err := readGz(name)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

func kept(zone string) bool { return zone == "metro" || zone == "drom" }

func readRaw() (rawData, error) {
	var r rawData
	var zoned []struct {
		Zone string `json:"zone"`
	}
	if err := readJSON("regions.json", &zoned); err != nil {
		return r, err
	}
	for _, z := range zoned {
		if kept(z.Zone) {
			r.regions++
		}
	}
	zoned = nil
	if err := readJSON("departements.json", &zoned); err != nil {
		return r, err
	}
	for _, z := range zoned {
		if kept(z.Zone) {
			r.departements++
		}
	}
	var epcis []json.RawMessage
	if err := readJSON("epci.json", &epcis); err != nil {
		return r, err
	}
	r.epcis = len(epcis)
	var communes []rawCommune
	if err := readJSON("communes.json", &communes); err != nil {
		return r, err
	}
	for _, c := range communes {
		if c.Type == "commune-actuelle" && kept(c.Zone) {
			r.communes = append(r.communes, c)
		}
	}
	data, err := readGz("insee-grille-densite-7-niveaux-2024.csv")
	if err != nil {
		return r, err
	}
	recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		return r, err
	}
	codeCol, labelCol := slices.Index(recs[0], "CODGEO"), slices.Index(recs[0], "LIBDENS")
	r.grid = map[string]string{}
	for _, rec := range recs[1:] {
		r.grid[rec[codeCol]] = rec[labelCol]
	}
	return r, nil
}

// ruralLabels are the LIBDENS labels of levels 5, 6 and 7.
var ruralLabels = map[string]bool{
	"Bourgs ruraux":                 true,
	"Rural à habitat dispersé":      true,
	"Rural à habitat très dispersé": true,
}

// ruralPop sums the population of rural communes and of classified communes
// (those with a grid row) of département dep, or of all when dep is "".
func (r rawData) ruralPop(dep string) (rural, classified int) {
	for _, c := range r.communes {
		label, ok := r.grid[c.Code]
		if !ok || (dep != "" && c.Departement != dep) {
			continue
		}
		classified += c.Population
		if ruralLabels[label] {
			rural += c.Population
		}
	}
	return rural, classified
}

func (r rawData) unclassified() []string {
	var codes []string
	for _, c := range r.communes {
		if _, ok := r.grid[c.Code]; !ok {
			codes = append(codes, c.Code)
		}
	}
	sort.Strings(codes)
	return codes
}

func (r rawData) communesOf(dep string) int {
	n := 0
	for _, c := range r.communes {
		if c.Departement == dep {
			n++
		}
	}
	return n
}

// --- reading the store back ---------------------------------------------------

// snapshot is everything an import writes, keyed by (kind, code).
type snapshot struct {
	rows  map[refdata.Ref]row
	links map[[2]refdata.Ref]bool // {parent, child}
	// up maps a territory to its containers.
	up map[refdata.Ref][]refdata.Ref
	// byID maps a territory ID back to its reference.
	byID map[int]refdata.Ref
}

type row struct {
	ID           int
	Name         string
	Population   int
	DensityLevel *int
	Area         *area.Area
	Share        *float64
}

func take(t *testing.T, st *store.Store) snapshot {
	t.Helper()
	ctx := context.Background()
	all, err := st.Client.Territory.Query().All(ctx)
	if err != nil {
		t.Fatalf("load territories: %v", err)
	}
	s := snapshot{rows: map[refdata.Ref]row{}, links: map[[2]refdata.Ref]bool{},
		up: map[refdata.Ref][]refdata.Ref{}, byID: map[int]refdata.Ref{}}
	for _, tr := range all {
		ref := refdata.Ref{Kind: refdata.Kind(tr.Kind), Code: tr.Code}
		s.rows[ref] = row{tr.ID, tr.Name, tr.Population, tr.DensityLevel, tr.Area, tr.RuralPopulationShare}
		s.byID[tr.ID] = ref
	}
	// territory_id is the container, contained_in_id the contained
	// territory (edge "contains" from territory_id).
	rows, err := st.DB.QueryContext(ctx, `SELECT territory_id, contained_in_id FROM territory_contains`)
	if err != nil {
		t.Fatalf("load containment: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var parent, child int
		if err := rows.Scan(&parent, &child); err != nil {
			t.Fatal(err)
		}
		s.links[[2]refdata.Ref{s.byID[parent], s.byID[child]}] = true
		s.up[s.byID[child]] = append(s.up[s.byID[child]], s.byID[parent])
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s snapshot) get(t *testing.T, kind refdata.Kind, code string) row {
	t.Helper()
	r, ok := s.rows[refdata.Ref{Kind: kind, Code: code}]
	if !ok {
		t.Fatalf("territory %s %s not in the store", kind, code)
	}
	return r
}

// parents returns the containers of ref, sorted.
func (s snapshot) parents(ref refdata.Ref) []refdata.Ref {
	out := slices.Clone(s.up[ref])
	sortRefs(out)
	return out
}

func sortRefs(refs []refdata.Ref) {
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Kind != refs[j].Kind {
			return refs[i].Kind < refs[j].Kind
		}
		return refs[i].Code < refs[j].Code
	})
}

// countByKind counts territories per kind in SQL.
func countByKind(t *testing.T, st *store.Store) map[refdata.Kind]int {
	t.Helper()
	rows, err := st.DB.QueryContext(context.Background(), `SELECT kind, COUNT(*) FROM territories GROUP BY kind`)
	if err != nil {
		t.Fatalf("count territories: %v", err)
	}
	defer rows.Close()
	counts := map[refdata.Kind]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		counts[refdata.Kind(k)] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return counts
}

func countRows(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func importDataset(t *testing.T, st *store.Store, ds *refdata.Dataset) *territory.Report {
	t.Helper()
	start := time.Now()
	var stages []string // "stage@elapsed" at the first report of each stage
	lastStage := ""
	rep, err := territory.Import(context.Background(), st.Client, st.Dialect, ds, func(stage string, done, total int) {
		if done > total || total <= 0 {
			t.Errorf("progress %s: %d/%d", stage, done, total)
		}
		if stage != lastStage {
			lastStage = stage
			stages = append(stages, stage+"@"+time.Since(start).Round(time.Millisecond).String())
		}
	})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	t.Logf("%s: Import of %d territories took %v (stages %v)", st.Dialect, len(ds.Territories), time.Since(start).Round(time.Millisecond), stages)
	return rep
}

var allKinds = []refdata.Kind{refdata.KindCountry, refdata.KindRegion, refdata.KindDepartment, refdata.KindEPCI, refdata.KindCommune}

func kindCounts(ds *refdata.Dataset) map[refdata.Kind]int {
	m := map[refdata.Kind]int{}
	for _, k := range allKinds {
		m[k] = ds.Count(k)
	}
	return m
}

func linkCount(ds *refdata.Dataset) int {
	n := 0
	for _, tr := range ds.Territories {
		n += len(tr.Parents)
	}
	return n
}

// --- tests --------------------------------------------------------------------

// TestImport imports the embedded reference once per store and checks the
// result read back through SQL and ent; its subtests only read.
func TestImport(t *testing.T) {
	t.Parallel()
	ds := dataset(t)
	raw := loadRaw(t)
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			st := s.Open(t)
			rep := importDataset(t, st, ds)
			snap := take(t, st)

			t.Run("counts", func(t *testing.T) {
				got := countByKind(t, st)
				for _, c := range []struct {
					kind           refdata.Kind
					verified, file int
				}{
					{refdata.KindCountry, 1, 1},
					{refdata.KindRegion, wantRegions, raw.regions},
					{refdata.KindDepartment, wantDepartements, raw.departements},
					{refdata.KindEPCI, wantEPCIs, raw.epcis},
					{refdata.KindCommune, wantCommunes, len(raw.communes)},
				} {
					if got[c.kind] != c.verified || got[c.kind] != c.file || got[c.kind] != ds.Count(c.kind) {
						t.Errorf("%s: %d rows, want %d (raw files: %d, dataset: %d)", c.kind, got[c.kind], c.verified, c.file, ds.Count(c.kind))
					}
				}
				if n := countRows(t, st, "territories"); n != len(ds.Territories) {
					t.Errorf("territories: %d rows, want %d", n, len(ds.Territories))
				}
				if n := countRows(t, st, "territory_contains"); n != linkCount(ds) {
					t.Errorf("territory_contains: %d rows, want %d", n, linkCount(ds))
				}
			})

			t.Run("report", func(t *testing.T) {
				if want := kindCounts(ds); !reflect.DeepEqual(rep.Created, want) {
					t.Errorf("Created = %v, want %v", rep.Created, want)
				}
				for k, n := range rep.Updated {
					if n != 0 {
						t.Errorf("Updated[%s] = %d on an empty store", k, n)
					}
				}
				if rep.LinksAdded != linkCount(ds) || rep.LinksRemoved != 0 {
					t.Errorf("links added %d removed %d, want %d and 0", rep.LinksAdded, rep.LinksRemoved, linkCount(ds))
				}
			})

			t.Run("rows match the dataset", func(t *testing.T) {
				for _, tr := range ds.Territories {
					r, ok := snap.rows[tr.Ref()]
					if !ok {
						t.Errorf("%v missing", tr.Ref())
						continue
					}
					var level int
					if r.DensityLevel != nil {
						level = *r.DensityLevel
					}
					if r.Name != tr.Name || r.Population != tr.Population || level != tr.DensityLevel {
						t.Errorf("%v = %q pop %d level %d, want %q pop %d level %d",
							tr.Ref(), r.Name, r.Population, level, tr.Name, tr.Population, tr.DensityLevel)
					}
					want := slices.Clone(tr.Parents)
					sortRefs(want)
					if got := snap.parents(tr.Ref()); !slices.Equal(got, want) {
						t.Errorf("containers of %v = %v, want %v", tr.Ref(), got, want)
					}
				}
			})

			t.Run("EPCI over two départements", func(t *testing.T) {
				ctx := context.Background()
				beaune, err := st.Client.Territory.Query().
					Where(enttr.KindEQ(enttr.KindEPCI), enttr.Code("200006682")).Only(ctx)
				if err != nil {
					t.Fatal(err)
				}
				deps, err := beaune.QueryContainedIn().Order(ent.Asc(enttr.FieldCode)).All(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var codes []string
				for _, d := range deps {
					if d.Kind != enttr.KindDEPARTMENT {
						t.Errorf("EPCI contained in %s %s", d.Kind, d.Code)
					}
					codes = append(codes, d.Code)
				}
				if !slices.Equal(codes, []string{"21", "71"}) {
					t.Errorf("CA Beaune is contained in %v, want [21 71]", codes)
				}
				// The walk down from Côte-d'Or must not cross the EPCI into
				// Saône-et-Loire: Chagny (71073) is a member of CA Beaune.
				cote := snap.get(t, refdata.KindDepartment, "21")
				n, err := st.Client.Territory.Query().Where(enttr.KindEQ(enttr.KindCOMMUNE),
					territory.Territories(territory.Within(cote.ID))).Count(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if want := raw.communesOf("21"); n != want {
					t.Errorf("communes within Côte-d'Or = %d, want %d", n, want)
				}
				chagny := snap.get(t, refdata.KindCommune, "71073")
				if !snap.links[[2]refdata.Ref{{Kind: refdata.KindEPCI, Code: "200006682"}, {Kind: refdata.KindCommune, Code: "71073"}}] {
					t.Fatal("Chagny is not in CA Beaune")
				}
				up, err := st.Client.Territory.Query().Where(territory.Territories(territory.Covering(chagny.ID))).All(ctx)
				if err != nil {
					t.Fatal(err)
				}
				var upCodes []string
				for _, u := range up {
					upCodes = append(upCodes, string(u.Kind)+":"+u.Code)
				}
				sort.Strings(upCodes)
				want := []string{"COMMUNE:71073", "COUNTRY:FR", "DEPARTMENT:71", "EPCI:200006682", "REGION:27"}
				if !slices.Equal(upCodes, want) {
					t.Errorf("territories covering Chagny = %v, want %v", upCodes, want)
				}
			})

			t.Run("communes", func(t *testing.T) {
				for _, c := range []struct {
					code, name string
					level      int
					area       area.Area
					share      float64
				}{
					{"58001", "Achun", 7, area.Rural, 1},
					{"58194", "Nevers", 2, area.Urban, 0},
				} {
					r := snap.get(t, refdata.KindCommune, c.code)
					if r.Name != c.name || r.DensityLevel == nil || *r.DensityLevel != c.level ||
						r.Area == nil || *r.Area != c.area || r.Share == nil || *r.Share != c.share {
						t.Errorf("commune %s = %s, want %s level %d %s share %v", c.code, fmtRow(r), c.name, c.level, c.area, c.share)
					}
				}
			})

			t.Run("unclassified", func(t *testing.T) {
				r := snap.get(t, refdata.KindCommune, "12218") // Conques-en-Rouergue
				if r.DensityLevel != nil || r.Area != nil || r.Share != nil {
					t.Errorf("unclassified commune 12218 = %s, want null density, area and share", fmtRow(r))
				}
				var got []string
				for _, ref := range rep.Unclassified {
					if ref.Kind != refdata.KindCommune {
						t.Errorf("unclassified %v is not a commune", ref)
					}
					got = append(got, ref.Code)
					if r := snap.rows[ref]; r.DensityLevel != nil || r.Area != nil || r.Share != nil {
						t.Errorf("unclassified %v = %s", ref, fmtRow(r))
					}
				}
				want := raw.unclassified()
				if len(got) != wantUnclassified || !slices.Equal(got, want) || !slices.Contains(got, "12218") {
					t.Errorf("Report.Unclassified = %v, want the %d communes %v", got, wantUnclassified, want)
				}
				var nulls int
				if err := st.DB.QueryRowContext(context.Background(),
					`SELECT COUNT(*) FROM territories WHERE kind = 'COMMUNE' AND density_level IS NULL AND area IS NULL AND rural_population_share IS NULL`).
					Scan(&nulls); err != nil {
					t.Fatal(err)
				}
				if nulls != wantUnclassified {
					t.Errorf("%d communes without density, area and share, want %d", nulls, wantUnclassified)
				}
			})

			t.Run("rural share", func(t *testing.T) {
				for _, c := range []struct {
					kind                 refdata.Kind
					code, dep            string
					verRural, verClassif int
					area                 area.Area
				}{
					{refdata.KindDepartment, "58", "58", nievreRuralPop, nievreClassifiedPop, area.Rural},
					{refdata.KindCountry, "FR", "", franceRuralPop, franceClassifiedPop, area.Urban},
				} {
					rural, classified := raw.ruralPop(c.dep)
					if rural != c.verRural || classified != c.verClassif {
						t.Errorf("raw files: %s %s rural %d / %d, verified %d / %d", c.kind, c.code, rural, classified, c.verRural, c.verClassif)
					}
					want := float64(rural) / float64(classified)
					r := snap.get(t, c.kind, c.code)
					if r.Share == nil || math.Abs(*r.Share-want) > shareTolerance {
						t.Errorf("%s %s share = %s, want %v (%d / %d)", c.kind, c.code, fmtFloat(r.Share), want, rural, classified)
					}
					if r.Area == nil || *r.Area != c.area {
						t.Errorf("%s %s area = %v, want %s", c.kind, c.code, r.Area, c.area)
					}
				}
			})

			t.Run("every share matches refdata", func(t *testing.T) {
				shares := ds.RuralShares()
				for ref, r := range snap.rows {
					want, ok := shares[ref]
					if !ok {
						if r.Share != nil || r.Area != nil {
							t.Errorf("%v = %s, want no share nor area", ref, fmtRow(r))
						}
						continue
					}
					if r.Share == nil || math.Abs(*r.Share-want) > shareTolerance {
						t.Errorf("%v share = %s, want %v", ref, fmtFloat(r.Share), want)
						continue
					}
					wantArea := area.FromRuralShare(want)
					if ref.Kind == refdata.KindCommune && r.DensityLevel != nil {
						wantArea = area.FromDensity(*r.DensityLevel)
					}
					if r.Area == nil || *r.Area != wantArea {
						t.Errorf("%v area = %v, want %s", ref, r.Area, wantArea)
					}
				}
			})
		})
	}
}

func fmtFloat(f *float64) string {
	if f == nil {
		return "null"
	}
	return strconv.FormatFloat(*f, 'g', -1, 64)
}

func fmtRow(r row) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// TestReimport owns its store: it imports, re-imports the same dataset, then
// a changed one.
func TestReimport(t *testing.T) {
	t.Parallel()
	ds := dataset(t)
	for _, s := range dbtest.Stores() {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := s.Open(t)
			importDataset(t, st, ds)
			checkAncestors(t, st)

			// An actor based in a commune the changed dataset drops.
			const droppedCode = "58003" // Alligny-en-Morvan, CC Morvan Sommets et Grands Lacs
			first := take(t, st)
			dropped := first.get(t, refdata.KindCommune, droppedCode)
			nievre := first.get(t, refdata.KindDepartment, "58")
			a, err := st.Client.Actor.Create().SetName("Association test").SetKind(actor.KindASSOCIATION).
				SetHomeTerritoryID(dropped.ID).AddTerritoryIDs(dropped.ID, nievre.ID).Save(ctx)
			if err != nil {
				t.Fatalf("create actor: %v", err)
			}
			rowsBefore, linksBefore := countRows(t, st, "territories"), countRows(t, st, "territory_contains")

			t.Run("same dataset", func(t *testing.T) {
				rep := importDataset(t, st, ds)
				for _, k := range allKinds {
					if rep.Created[k] != 0 || rep.Updated[k] != ds.Count(k) {
						t.Errorf("%s: created %d updated %d, want 0 and %d", k, rep.Created[k], rep.Updated[k], ds.Count(k))
					}
				}
				if rep.LinksAdded != 0 || rep.LinksRemoved != 0 {
					t.Errorf("links added %d removed %d, want 0 and 0", rep.LinksAdded, rep.LinksRemoved)
				}
				if r, l := countRows(t, st, "territories"), countRows(t, st, "territory_contains"); r != rowsBefore || l != linksBefore {
					t.Errorf("rows %d links %d, want %d and %d", r, l, rowsBefore, linksBefore)
				}
				again := take(t, st)
				if !reflect.DeepEqual(again.rows, first.rows) {
					for ref, r := range again.rows {
						if !reflect.DeepEqual(r, first.rows[ref]) {
							t.Errorf("%v changed: %s -> %s", ref, fmtRow(first.rows[ref]), fmtRow(r))
						}
					}
				}
				if !reflect.DeepEqual(again.links, first.links) {
					t.Error("containment changed")
				}
				checkActor(t, st, a.ID, dropped.ID, dropped.ID, nievre.ID)
				checkAncestors(t, st)
			})

			t.Run("changed dataset", func(t *testing.T) {
				changed, oldEPCI := changeDataset(t, ds, droppedCode)
				rep := importDataset(t, st, changed)
				for _, k := range allKinds {
					if rep.Created[k] != 0 || rep.Updated[k] != changed.Count(k) {
						t.Errorf("%s: created %d updated %d, want 0 and %d", k, rep.Created[k], rep.Updated[k], changed.Count(k))
					}
				}
				if rep.LinksAdded != 1 || rep.LinksRemoved != 1 {
					t.Errorf("links added %d removed %d, want 1 and 1 (Achun moved)", rep.LinksAdded, rep.LinksRemoved)
				}
				if r, l := countRows(t, st, "territories"), countRows(t, st, "territory_contains"); r != rowsBefore || l != linksBefore {
					t.Errorf("rows %d links %d, want %d and %d", r, l, rowsBefore, linksBefore)
				}
				after := take(t, st)
				for ref, r := range first.rows {
					if after.rows[ref].ID != r.ID {
						t.Errorf("%v: ID %d, was %d", ref, after.rows[ref].ID, r.ID)
					}
				}
				if n := after.get(t, refdata.KindCommune, "58194"); n.Name != "Nevers-sur-Loire" {
					t.Errorf("58194 is named %q after the rename", n.Name)
				}
				achun := refdata.Ref{Kind: refdata.KindCommune, Code: "58001"}
				want := []refdata.Ref{{Kind: refdata.KindDepartment, Code: "58"}, {Kind: refdata.KindEPCI, Code: "245804406"}}
				sortRefs(want)
				if got := after.parents(achun); !slices.Equal(got, want) {
					t.Errorf("Achun is contained in %v, want %v (old EPCI %s)", got, want, oldEPCI)
				}
				// The closure table follows the move.
				checkAncestors(t, st)
				if got := above(t, st, after.rows[achun].ID); !slices.Contains(got, "EPCI 245804406@1") ||
					slices.Contains(got, "EPCI "+oldEPCI+"@1") {
					t.Errorf("Achun's ancestors after the move: %v", got)
				}
				// The dropped commune stays, with its name, its containers
				// (links of territories outside the import are kept) and
				// the actor pointing at it.
				d := after.get(t, refdata.KindCommune, droppedCode)
				if !reflect.DeepEqual(d, dropped) {
					t.Errorf("dropped commune = %s, was %s", fmtRow(d), fmtRow(dropped))
				}
				if got, want := after.parents(refdata.Ref{Kind: refdata.KindCommune, Code: droppedCode}),
					first.parents(refdata.Ref{Kind: refdata.KindCommune, Code: droppedCode}); !slices.Equal(got, want) {
					t.Errorf("dropped commune is contained in %v, was %v", got, want)
				}
				checkActor(t, st, a.ID, dropped.ID, dropped.ID, nievre.ID)
				// A commune that left the grid loses its level and what was
				// derived from it.
				if r := after.get(t, refdata.KindCommune, declassified); r.DensityLevel != nil || r.Area != nil || r.Share != nil {
					t.Errorf("declassified commune %s = %s, want null density, area and share", declassified, fmtRow(r))
				}
				if !slices.Contains(rep.Unclassified, refdata.Ref{Kind: refdata.KindCommune, Code: declassified}) ||
					len(rep.Unclassified) != wantUnclassified+1 {
					t.Errorf("Report.Unclassified = %v, want the %d communes and %s", rep.Unclassified, wantUnclassified, declassified)
				}
				// Derived shares follow the move: the two EPCIs hold none of
				// the dropped commune, so refdata's computation on the changed
				// dataset is an oracle for them.
				shares := changed.RuralShares()
				for _, code := range []string{"245804406", oldEPCI} {
					ref := refdata.Ref{Kind: refdata.KindEPCI, Code: code}
					r := after.rows[ref]
					if r.Share == nil || math.Abs(*r.Share-shares[ref]) > shareTolerance {
						t.Errorf("EPCI %s share = %s, want %v", code, fmtFloat(r.Share), shares[ref])
					}
				}
				// Achun (rural) joins the urban CA de Nevers: its share rises.
				caNevers := refdata.Ref{Kind: refdata.KindEPCI, Code: "245804406"}
				if before, now := first.rows[caNevers].Share, after.rows[caNevers].Share; now == nil || !(*now > *before) {
					t.Errorf("CA de Nevers share %s, was %s: want it to rise", fmtFloat(now), fmtFloat(before))
				}
			})
		})
	}
}

// declassified is a commune (Alluy, level 7) that the changed dataset takes
// out of the density grid.
const declassified = "58004"

// changeDataset copies ds, renames Nevers, moves Achun from its EPCI to the
// CA de Nevers, takes Alluy out of the density grid and drops the commune
// drop. It returns Achun's old EPCI.
func changeDataset(t *testing.T, ds *refdata.Dataset, drop string) (*refdata.Dataset, string) {
	t.Helper()
	c := &refdata.Dataset{Unclassified: slices.Clone(ds.Unclassified), Sources: slices.Clone(ds.Sources)}
	var oldEPCI string
	found := map[string]bool{}
	for _, tr := range ds.Territories {
		tr.Parents = slices.Clone(tr.Parents)
		if tr.Kind == refdata.KindCommune {
			switch tr.Code {
			case drop:
				found[tr.Code] = true
				continue
			case "58194":
				found[tr.Code] = true
				tr.Name = "Nevers-sur-Loire"
			case declassified:
				found[tr.Code] = true
				tr.DensityLevel = 0
				c.Unclassified = append(c.Unclassified, tr.Ref())
			case "58001":
				found[tr.Code] = true
				for i, p := range tr.Parents {
					if p.Kind == refdata.KindEPCI {
						oldEPCI = p.Code
						tr.Parents[i].Code = "245804406"
					}
				}
			}
		}
		c.Territories = append(c.Territories, tr)
	}
	sort.Slice(c.Unclassified, func(i, j int) bool { return c.Unclassified[i].Code < c.Unclassified[j].Code })
	if len(found) != 4 || oldEPCI == "" || oldEPCI == "245804406" {
		t.Fatalf("dataset change failed: found %v, Achun's EPCI %q", found, oldEPCI)
	}
	if len(c.Territories) != len(ds.Territories)-1 {
		t.Fatalf("changed dataset has %d territories, want %d", len(c.Territories), len(ds.Territories)-1)
	}
	return c, oldEPCI
}

// checkActor asserts that the actor still has its home and its territories.
func checkActor(t *testing.T, st *store.Store, actorID, home int, territories ...int) {
	t.Helper()
	ctx := context.Background()
	a, err := st.Client.Actor.Get(ctx, actorID)
	if err != nil {
		t.Fatalf("actor: %v", err)
	}
	h, err := a.QueryHomeTerritory().OnlyID(ctx)
	if err != nil || h != home {
		t.Errorf("actor home = %d (%v), want %d", h, err, home)
	}
	ids, err := a.QueryTerritories().IDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sort.Ints(ids)
	want := slices.Clone(territories)
	sort.Ints(want)
	if !slices.Equal(ids, want) {
		t.Errorf("actor territories = %v, want %v", ids, want)
	}
}
