package dashboard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/essaim/essaim/internal/dbtest"
	"github.com/essaim/essaim/internal/server"
	"github.com/essaim/essaim/internal/store"
)

// The browser test drives the real page in headless Chromium against the
// real server over the ActorNetwork fixture: it loads /dashboard, reads the
// figures the page shows, changes the area and the territory filters (typing
// in the search box), and checks after each step that the page shows exactly
// what the API answers to the same filter, and that nothing broke (no script
// error, no CSP violation).
//
// Without Chromium the test skips, unless ESSAIM_REQUIRE_BROWSER=1 (CI).
// ESSAIM_CHROMIUM names the browser binary (default: chromium on the PATH).
// ESSAIM_DASHBOARD_SCREENSHOT=file.png saves a full-page screenshot of the
// last step, to look at the page while working on it.
func TestDashboardInBrowser(t *testing.T) {
	browser := findChromium(t)
	st := dbtest.SQLite(t)
	fx := dbtest.NewActorNetwork(t, st)
	ctx := context.Background()
	for _, y := range []struct {
		id   int
		year int
	}{{fx.IA1.ID, 2019}, {fx.IA2.ID, 2021}, {fx.IB1.ID, 2021}, {fx.IB2.ID, 2023}} {
		if err := st.Client.Initiative.UpdateOneID(y.id).
			SetStartDate(time.Date(y.year, 3, 1, 0, 0, 0, 0, time.UTC)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Client.Indicator.Create().SetTerritory(fx.Nievre).SetName("Part de l'ESS dans l'emploi salarié").
		SetValue(12.5).SetUnit("%").SetYear(2019).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(server.Handler(server.DefaultConfig(), st, log))
	t.Cleanup(srv.Close)
	api := apiClient{t: t, url: srv.URL + "/graphql"}

	bctx := startBrowser(t, browser)
	if _, err := chromedp.Call(bctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: recordProblems}); err != nil {
		t.Fatalf("install the problem recorder: %v", err)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/dashboard")); err != nil { // redirected to /dashboard/
		t.Fatalf("load the dashboard: %v", err)
	}

	nievre, coteDor, circuits := fmt.Sprint(fx.Nievre.ID), fmt.Sprint(fx.CoteDor.ID), fmt.Sprint(fx.X.ID)
	steps := []struct {
		name   string
		action chromedp.Action[chromedp.Void] // nil: the page as loaded
		where  map[string]any                 // the filter the page should now show
		theme  string                         // the theme of the network filter
		reload bool                           // the action reloads the page
		total  int                            // known from the fixture
		url    []string                       // in the page's query string
		place  []float64                      // indicator values of the territory card
	}{
		{name: "all of France", where: map[string]any{}, total: 5},
		{
			name:   "area RURAL",
			action: selectOption("#area", "RURAL"),
			where:  map[string]any{"area": "RURAL"}, total: 2, url: []string{"area=RURAL"},
		},
		{
			// Typed without its accent, as the API's search allows.
			name:   "territory Nièvre found by name",
			action: pickTerritory("nievr", []string{"58"}, "58"),
			where:  map[string]any{"area": "RURAL", "withinTerritory": nievre}, total: 1,
			url: []string{"area=RURAL", "territory=" + nievre}, place: []float64{12.5},
		},
		{
			name:   "theme Circuits courts, with its sub-theme",
			action: selectOption("#theme", circuits),
			where: map[string]any{"area": "RURAL", "withinTerritory": nievre,
				"hasThemesWith": []map[string]any{{"idIn": []string{circuits, fmt.Sprint(fx.X1.ID)}}}},
			theme: circuits, total: 1, url: []string{"theme=" + circuits}, place: []float64{12.5},
		},
		{
			name:   "back to urban and rural",
			action: selectOption("#area", ""),
			where: map[string]any{"withinTerritory": nievre,
				"hasThemesWith": []map[string]any{{"idIn": []string{circuits, fmt.Sprint(fx.X1.ID)}}}},
			theme: circuits, total: 2, url: []string{"theme=" + circuits}, place: []float64{12.5},
		},
		{
			name:   "reloaded: the URL restores the selection",
			action: chromedp.Reload(), reload: true,
			where: map[string]any{"withinTerritory": nievre,
				"hasThemesWith": []map[string]any{{"idIn": []string{circuits, fmt.Sprint(fx.X1.ID)}}}},
			theme: circuits, total: 2, url: []string{"theme=" + circuits}, place: []float64{12.5},
		},
		{
			// The exact code first, then the codes it starts.
			name:   "territory Côte-d'Or found by its code",
			action: pickTerritory("21", []string{"21", "21231"}, "21"),
			where: map[string]any{"withinTerritory": coteDor,
				"hasThemesWith": []map[string]any{{"idIn": []string{circuits, fmt.Sprint(fx.X1.ID)}}}},
			theme: circuits, total: 0, url: []string{"territory=" + coteDor, "theme=" + circuits},
		},
		{
			name:   "all themes in Côte-d'Or",
			action: selectOption("#theme", ""),
			where:  map[string]any{"withinTerritory": coteDor}, total: 1, url: []string{"territory=" + coteDor},
		},
	}
	gen := 1
	for _, step := range steps {
		if step.action != nil {
			gen++
			if step.reload {
				gen = 1
			}
			if err := chromedp.Do(bctx, step.action); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
		}
		got := readPage(t, bctx, gen)
		want := api.expected(step.where, step.theme)
		if want.Initiatives != step.total {
			t.Fatalf("%s: the API counts %d initiatives, the fixture has %d", step.name, want.Initiatives, step.total)
		}
		want.Place = append([]float64{}, step.place...)
		want.Problems = got.Problems // compared below, with a clearer message
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the page shows\n%+v\nthe API says\n%+v", step.name, got, want)
		}
		if len(got.Problems) > 0 {
			t.Errorf("%s: script errors or CSP violations: %q", step.name, got.Problems)
		}
		if !got.HasCanvas && got.NetworkNodes > 0 {
			t.Errorf("%s: the network has %d actors but no canvas was drawn", step.name, got.NetworkNodes)
		}
		shown, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](
			`["#area", "#theme"].map((s) => { const o = document.querySelector(s).selectedOptions[0]; return o ? o.value : "(none)"; })`))
		if err != nil {
			t.Fatal(err)
		}
		if area, _ := step.where["area"].(string); shown[0] != area || shown[1] != step.theme {
			t.Errorf("%s: the filters show area %q and theme %q, want %q and %q", step.name, shown[0], shown[1], area, step.theme)
		}
		location, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range step.url {
			if !strings.Contains(location, part) {
				t.Errorf("%s: the URL %s does not keep %s", step.name, location, part)
			}
		}
	}
	screenshot(t, bctx, "")
	refusals(t, bctx, st, log)
}

// refusals checks that the page, which sends no API key, says why when the
// API refuses it (anonymous reads off, rate limit spent) instead of breaking.
func refusals(t *testing.T, bctx context.Context, st *store.Store, log *slog.Logger) {
	noAnonymous := server.DefaultConfig()
	noAnonymous.Access.AnonymousRole = ""
	spent := server.DefaultConfig()
	spent.RateLimit.PerMinute = 1 // below the cost of any of the page's queries
	for _, c := range []struct {
		name string
		cfg  server.Config
		code string
		says string
	}{
		{"anonymous reads off", noAnonymous, "UNAUTHENTICATED", "does not allow anonymous reads"},
		{"rate limited", spent, "RATE_LIMITED", "Too many requests"},
	} {
		srv := httptest.NewServer(server.Handler(c.cfg, st, log))
		if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/dashboard/")); err != nil {
			t.Fatalf("%s: load the dashboard: %v", c.name, err)
		}
		if err := waitReady(bctx, 1); err != nil {
			pageFailed(t, bctx, 1, err)
		}
		got, err := chromedp.Run(bctx, chromedp.Evaluate[map[string]any](`({
  notice: document.querySelector("#notice p") ? document.querySelector("#notice p").textContent : "",
  codes: [...document.querySelectorAll("main .error")].map((e) => e.dataset.code),
  problems: window.__problems })`))
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		notice, _ := got["notice"].(string)
		if !strings.Contains(notice, c.says) {
			t.Errorf("%s: the notice says %q, want it to say %q", c.name, notice, c.says)
		}
		if want := []any{c.code, c.code, c.code}; !reflect.DeepEqual(got["codes"], want) {
			t.Errorf("%s: the views show the errors %v, want %v", c.name, got["codes"], want)
		}
		if p, _ := got["problems"].([]any); len(p) > 0 {
			t.Errorf("%s: script errors or CSP violations: %q", c.name, p)
		}
		screenshot(t, bctx, "-"+c.code)
	}
}

// pickTerritory types in the territory box, checks the suggestions (their
// codes, in order) and clicks the one with code pick.
func pickTerritory(typed string, want []string, pick string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.SendKeys(chromedp.ID("territory-search"), typed)(ctx, t); err != nil {
			return err
		}
		codes, err := chromedp.Poll[[]string](`(() => { const b = [...document.querySelectorAll("#territory-suggestions button")];
  return b.length ? b.map((e) => e.dataset.code) : null; })()`,
			chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second))(ctx, t)
		if err != nil {
			return fmt.Errorf("suggestions for %q: %w", typed, err)
		}
		if !reflect.DeepEqual(codes, want) {
			return fmt.Errorf("suggestions for %q: codes %q, want %q", typed, codes, want)
		}
		if path := os.Getenv("ESSAIM_DASHBOARD_SCREENSHOT"); path != "" {
			png, err := chromedp.CaptureScreenshot()(ctx, t) // the viewport, suggestions open
			if err == nil {
				err = os.WriteFile(strings.TrimSuffix(path, ".png")+"-suggest-"+typed+".png", png, 0o644)
			}
			if err != nil {
				return err
			}
		}
		_, err = chromedp.Click(chromedp.CSS(`#territory-suggestions button[data-code="`+pick+`"]`), chromedp.NodeVisible)(ctx, t)
		return err
	})
}

// screenshot saves a full-page screenshot when ESSAIM_DASHBOARD_SCREENSHOT
// names a file (suffix goes before its extension).
func screenshot(t *testing.T, ctx context.Context, suffix string) {
	t.Helper()
	path := os.Getenv("ESSAIM_DASHBOARD_SCREENSHOT")
	if path == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(strings.TrimSuffix(path, ".png")+suffix+".png", png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// recordProblems runs before the page's own scripts and keeps what went
// wrong where readPage can see it.
const recordProblems = `window.__problems = [];
addEventListener("securitypolicyviolation", (e) => __problems.push("CSP " + e.violatedDirective + " " + e.blockedURI));
addEventListener("error", (e) => __problems.push("error " + e.message));
addEventListener("unhandledrejection", (e) => __problems.push("rejection " + e.reason));`

func findChromium(t *testing.T) string {
	t.Helper()
	candidates := []string{"chromium", "chromium-browser"}
	if env := os.Getenv("ESSAIM_CHROMIUM"); env != "" {
		candidates = []string{env}
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("ESSAIM_REQUIRE_BROWSER") == "1" {
		t.Fatalf("no Chromium found (%v) and ESSAIM_REQUIRE_BROWSER=1: apt-get install chromium", candidates)
	}
	t.Skipf("no Chromium found (%v); install it (apt-get install chromium) to run the browser test", candidates)
	return ""
}

// startBrowser starts a headless Chromium that needs no network (these
// flags keep it from stalling on an offline machine) in a fresh profile.
func startBrowser(t *testing.T, path string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 60*time.Second)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancelTimeout() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return bctx
}

// selectOption picks an option of a <select> as a user would: the value
// changes, then the change event fires. (chromedp's SetValue cannot set an
// empty value: the empty string reaches the page as undefined.)
func selectOption(sel, value string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.value = %q;
  s.dispatchEvent(new Event("change", {bubbles: true})); return s.value; })()`, sel, value)
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		got, err := chromedp.Evaluate[string](js)(ctx, t)
		if err == nil && got != value {
			err = fmt.Errorf("%s has no option %q", sel, value)
		}
		return err
	})
}

// figures is what the page shows, and what the API says it should.
type figures struct {
	Initiatives  int            `json:"initiatives"`
	Actors       int            `json:"actors"`
	Departments  map[string]int `json:"departments"`
	Areas        map[string]int `json:"areas"`
	Years        map[string]int `json:"years"`
	Listed       int            `json:"listed"`
	Titles       []string       `json:"titles"`
	Gaps         []string       `json:"gaps"`
	Place        []float64      `json:"place"`
	NetworkNodes int            `json:"networkNodes"`
	HasCanvas    bool           `json:"hasCanvas"`
	Problems     []string       `json:"problems"`
}

const readFigures = `(() => {
  const count = (sel) => Number(document.querySelector(sel).dataset.count);
  const bars = (sel) => Object.fromEntries([...document.querySelectorAll(sel + " .bar")]
    .map((b) => [b.dataset.key, Number(b.dataset.count)]));
  return {
    initiatives: count("#kpi-initiatives"),
    actors: count("#kpi-actors"),
    departments: bars("#by-department"),
    areas: bars("#by-area"),
    years: bars("#by-year"),
    listed: count("#initiatives-total"),
    titles: [...document.querySelectorAll("#initiative-list .initiative strong")].map((e) => e.textContent),
    gaps: [...document.querySelectorAll("#gaps .gap")].map((g) => g.dataset.code),
    place: [...document.querySelectorAll("#place .indicator")].map((i) => Number(i.dataset.value)),
    networkNodes: Number(document.querySelector("#network").dataset.nodes),
    hasCanvas: !!document.querySelector("#network canvas"),
    problems: window.__problems,
  };
})()`

// readPage waits until the views of filter generation gen have loaded, then
// reads them.
func readPage(t *testing.T, ctx context.Context, gen int) figures {
	t.Helper()
	err := waitReady(ctx, gen)
	var f figures
	if err == nil {
		f, err = chromedp.Run(ctx, chromedp.Evaluate[figures](readFigures))
	}
	if err != nil {
		pageFailed(t, ctx, gen, err)
	}
	if f.Problems == nil {
		f.Problems = []string{}
	}
	if f.Place == nil {
		f.Place = []float64{}
	}
	return f
}

// waitReady waits until the views of filter generation gen have loaded.
func waitReady(ctx context.Context, gen int) error {
	ready := fmt.Sprintf(`document.body.dataset.state === "ready" && document.body.dataset.generation === "%d"`, gen)
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](ready,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second)))
	return err
}

func pageFailed(t *testing.T, ctx context.Context, gen int, err error) {
	t.Helper()
	problems, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__problems`))
	body, _ := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`({...document.body.dataset})`))
	t.Fatalf("wait for filter %d: %v (page state %v, problems %q)", gen, err, body, problems)
}

// apiClient asks the API directly, with its own queries, what the page
// should show for a filter.
type apiClient struct {
	t   *testing.T
	url string
}

const expectedQuery = `query ($where: InitiativeWhereInput, $actorWhere: ActorWhereInput, $within: ID,
    $level: TerritoryKind!, $theme: ID, $area: Area, $net: NetworkFilter) {
  dep: initiativeStats(where: $where, groupBy: [TERRITORY_DEPARTMENT]) { total buckets { count keys { territory { code } } } }
  area: initiativeStats(where: $where, groupBy: [AREA]) { buckets { count keys { area } } }
  year: initiativeStats(where: $where, groupBy: [START_YEAR]) { buckets { count keys { startYear } } }
  actorStats(where: $actorWhere, groupBy: [ACTOR_KIND]) { total }
  initiatives(first: 20, where: $where, orderBy: {field: TITLE}) { totalCount edges { node { title } } }
  coverageGaps(level: $level, within: $within, theme: $theme, area: $area, first: 10) { territory { code } }
  actorNetwork(filter: $net, limit: 150) { nodes { actor { id } } }
}`

func (c apiClient) expected(where map[string]any, theme string) figures {
	c.t.Helper()
	within, _ := where["withinTerritory"].(string)
	area, _ := where["area"].(string)
	// The page's network: the selection's actors, linked within it.
	links := map[string]any{}
	if within != "" {
		links["withinTerritory"] = within
	}
	if area != "" {
		links["area"] = area
	}
	if theme != "" {
		links["theme"] = theme
	}
	net := map[string]any{"links": links}
	for k, v := range links {
		net[k] = v
	}
	vars := map[string]any{"where": where, "actorWhere": where, "level": "DEPARTMENT", "net": net}
	if within != "" {
		vars["within"] = within
		vars["level"] = "EPCI" // the page's default under a département
	}
	if area != "" {
		vars["area"] = area
	}
	if theme != "" {
		vars["theme"] = theme
	}
	type bucket struct {
		Count int `json:"count"`
		Keys  []struct {
			Territory *struct{ Code string } `json:"territory"`
			Area      *string                `json:"area"`
			StartYear *int                   `json:"startYear"`
		} `json:"keys"`
	}
	var d struct {
		Dep struct {
			Total   int      `json:"total"`
			Buckets []bucket `json:"buckets"`
		} `json:"dep"`
		Area        struct{ Buckets []bucket } `json:"area"`
		Year        struct{ Buckets []bucket } `json:"year"`
		ActorStats  struct{ Total int }        `json:"actorStats"`
		Initiatives struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct{ Node struct{ Title string } }
		} `json:"initiatives"`
		CoverageGaps []struct{ Territory struct{ Code string } } `json:"coverageGaps"`
		ActorNetwork struct{ Nodes []struct{} }                  `json:"actorNetwork"`
	}
	c.post(expectedQuery, vars, &d)
	f := figures{
		Initiatives: d.Dep.Total, Actors: d.ActorStats.Total, Listed: d.Initiatives.TotalCount,
		Departments: map[string]int{}, Areas: map[string]int{"RURAL": 0, "URBAN": 0}, Years: map[string]int{},
		Titles: []string{}, Gaps: []string{}, NetworkNodes: len(d.ActorNetwork.Nodes), HasCanvas: len(d.ActorNetwork.Nodes) > 0,
	}
	for _, b := range d.Dep.Buckets {
		key := "none"
		if t := b.Keys[0].Territory; t != nil {
			key = t.Code
		}
		f.Departments[key] = b.Count
	}
	for _, b := range d.Area.Buckets {
		key := "none"
		if a := b.Keys[0].Area; a != nil {
			key = *a
		}
		f.Areas[key] = b.Count
	}
	for _, b := range d.Year.Buckets {
		key := "none"
		if y := b.Keys[0].StartYear; y != nil {
			key = fmt.Sprint(*y)
		}
		f.Years[key] = b.Count
	}
	for _, e := range d.Initiatives.Edges {
		f.Titles = append(f.Titles, e.Node.Title)
	}
	if f.Initiatives == 0 {
		f.Areas = map[string]int{} // the page says "Nothing matches." rather than an empty split
	}
	for _, g := range d.CoverageGaps {
		f.Gaps = append(f.Gaps, g.Territory.Code)
	}
	return f
}

func (c apiClient) post(query string, vars map[string]any, out any) {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		c.t.Fatal(err)
	}
	res, err := http.Post(c.url, "application/json", bytes.NewReader(body))
	if err != nil {
		c.t.Fatalf("post to the API: %v", err)
	}
	defer res.Body.Close()
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&resp); err != nil {
		c.t.Fatalf("decode the API's answer: %v", err)
	}
	if len(resp.Errors) > 0 {
		c.t.Fatalf("the API refused the expected-figures query: %+v", resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, out); err != nil {
		c.t.Fatalf("decode %s: %v", resp.Data, err)
	}
}
