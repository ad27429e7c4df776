// Essaim dashboard: filters (territory, theme, area) drive every view, each
// fed by the public GraphQL API. The filter state lives in the URL query
// (?territory=ID&theme=ID&area=RURAL&gaps=EPCI) so views can be shared.
import { createClient, describe } from "./api.js";
import { searchable, searchVariables, suggestions } from "./suggest.js";
import * as Q from "./queries.js";
import { $, el, fill, fmt } from "./dom.js";
import { hbars, columns, split } from "./charts.js";
import { drawNetwork } from "./network.js";
import { KIND, KIND_PLURAL, ACTOR_KIND, STATUS, ROLE, AREA, gapLevelBelow } from "./labels.js";

const config = JSON.parse($("dashboard-config").textContent);
const gql = createClient(config.endpoint);
const NETWORK_LIMIT = 150;

const state = {
  territory: null, // {id, name, kind, code} or {id} until resolved
  theme: "",
  area: "",
  gapLevel: "", // "" follows the territory
};
let themes = []; // {id, label, parent}
let generation = 0;
let pending = 0;
let cy = null;

// ---- filter state <-> URL ----

function readURL() {
  const p = new URLSearchParams(location.search);
  if (p.get("territory")) state.territory = { id: p.get("territory") };
  state.theme = p.get("theme") || "";
  state.area = ["URBAN", "RURAL"].includes(p.get("area")) ? p.get("area") : "";
  state.gapLevel = ["DEPARTMENT", "EPCI", "COMMUNE"].includes(p.get("gaps")) ? p.get("gaps") : "";
}

function writeURL() {
  const p = new URLSearchParams();
  if (state.territory) p.set("territory", state.territory.id);
  if (state.theme) p.set("theme", state.theme);
  if (state.area) p.set("area", state.area);
  if (state.gapLevel) p.set("gaps", state.gapLevel);
  const q = p.toString();
  history.replaceState(null, "", q ? `?${q}` : location.pathname);
}

// ---- filters as API inputs ----

function themeWithDescendants(id) {
  const ids = [id];
  for (let i = 0; i < ids.length; i++) {
    for (const t of themes) if (t.parent === ids[i]) ids.push(t.id);
  }
  return ids;
}

// The same filter for initiatives and actors: both WhereInputs have
// withinTerritory, area and hasThemesWith.
function where() {
  const w = {};
  if (state.territory) w.withinTerritory = state.territory.id;
  if (state.area) w.area = state.area;
  if (state.theme) w.hasThemesWith = [{ idIn: themeWithDescendants(state.theme) }];
  return w;
}

function gapLevel() {
  return state.gapLevel || gapLevelBelow(state.territory && state.territory.kind);
}

// ---- loading state, read by the browser test ----

function busy(delta) {
  pending += delta;
  document.body.dataset.state = pending > 0 ? "loading" : "ready";
}

// Errors that concern the whole page (access, rate limit, network) are said
// once, in the notice above the views; the others in the view that failed.
const PAGE_ERRORS = ["UNAUTHENTICATED", "FORBIDDEN", "RATE_LIMITED", "TIMEOUT", "UNAVAILABLE", "NETWORK"];

function notify(err) {
  fill($("notice"), err ? [
    el("p", { text: describe(err) }),
    el("button", { type: "button", class: "link", text: "Try again", onclick: () => location.reload() }),
  ] : []);
}

// panel runs load for view id; on failure it empties the views in stale
// (so no figure of another filter stays on screen) and says what went wrong.
async function panel(id, gen, load, stale = []) {
  busy(+1);
  try {
    await load();
  } catch (err) {
    if (gen === generation) {
      for (const s of stale) fill($(s));
      const global = PAGE_ERRORS.includes(err.code);
      if (global) notify(err);
      fill($(id), el("p", { class: "error", "data-code": err.code || "", text: global
        ? "Not loaded: see the message above." : `Could not load: ${describe(err)}` }));
    }
  } finally {
    busy(-1);
  }
}

function refresh() {
  const gen = ++generation;
  document.body.dataset.generation = gen;
  writeURL();
  renderFilterSummary();
  notify(null);
  panel("figures-status", gen, () => loadFigures(gen),
    ["kpis", "by-department", "by-area", "by-year", "place", "gaps"]);
  panel("initiatives", gen, () => loadInitiatives(gen, null));
  panel("network", gen, () => loadNetwork(gen), ["network-caption"]);
}

// ---- figures ----

async function loadFigures(gen) {
  const places = state.territory ? [state.territory.id] : [];
  const data = await gql(Q.FIGURES, {
    where: where(), actorWhere: where(), within: state.territory ? state.territory.id : null, places,
    gapLevel: gapLevel(), theme: state.theme || null, area: state.area || null,
  });
  if (gen !== generation) return;
  const place = data.places[0];
  fill($("figures-status"));
  renderKPIs(data);
  renderDepartments(data.byDepartment);
  renderAreas(data.byArea);
  renderYears(data.byYear);
  renderPlace(place);
  renderGaps(data.gaps);
}

function kpi(id, label, count, sub) {
  return el("div", { class: "kpi", id, "data-count": count },
    el("span", { class: "kpi-value", text: fmt(count) }), el("span", { class: "kpi-label", text: label }),
    sub ? el("span", { class: "kpi-sub", text: sub }) : null);
}

function areaCount(stats, a) {
  const b = stats.buckets.find((b) => b.keys[0].area === a);
  return b ? b.count : 0;
}

function renderKPIs(d) {
  const kinds = d.actors.buckets.slice(0, 2)
    .map((b) => `${fmt(b.count)} ${(ACTOR_KIND[b.keys[0].actorKind] || "no kind").toLowerCase()}`).join(", ");
  fill($("kpis"),
    kpi("kpi-initiatives", "initiatives", d.byDepartment.total),
    kpi("kpi-actors", "actors", d.actors.total, kinds),
    kpi("kpi-rural", "rural initiatives", areaCount(d.byArea, "RURAL")),
    kpi("kpi-gaps", `uncovered ${KIND_PLURAL[gapLevel()]}${d.gaps.length === 10 ? " (first 10)" : ""}`, d.gaps.length));
}

function renderDepartments(stats) {
  const items = stats.buckets.map((b) => {
    const t = b.keys[0].territory;
    return t
      ? { key: t.code, label: `${t.code} ${t.name}`, count: b.count }
      : { key: "none", label: "No département (wider)", count: b.count, muted: true };
  });
  fill($("by-department"), hbars(items, { emptyText: "No initiative matches these filters." }));
}

function renderAreas(stats) {
  const parts = [
    { key: "RURAL", label: "Rural", count: areaCount(stats, "RURAL"), cls: "rural" },
    { key: "URBAN", label: "Urban", count: areaCount(stats, "URBAN"), cls: "urban" },
  ];
  const none = stats.buckets.find((b) => b.keys[0].area === null);
  if (none) parts.push({ key: "none", label: "Unclassified", count: none.count, cls: "none" });
  fill($("by-area"), split(parts),
    el("p", { class: "note", text: "An initiative with both rural and urban territories counts in both." }));
}

function renderYears(stats) {
  const years = stats.buckets.filter((b) => b.keys[0].startYear !== null)
    .map((b) => ({ key: String(b.keys[0].startYear), label: String(b.keys[0].startYear), count: b.count }))
    .sort((a, b) => a.key.localeCompare(b.key));
  const none = stats.buckets.find((b) => b.keys[0].startYear === null);
  fill($("by-year"), columns(years, { emptyText: "No start date is known." }),
    none ? el("p", { class: "note bar", "data-key": "none", "data-count": none.count, text: `${fmt(none.count)} without a start date` }) : null);
}

function renderPlace(place) {
  if (!place) {
    fill($("place"), el("p", { class: "empty", text: "Choose a territory to see its key figures." }));
    return;
  }
  const facts = [
    ["Population", fmt(place.population)],
    ["Area", place.area ? AREA[place.area] : "unclassified"],
  ];
  if (place.ruralPopulationShare !== null) facts.push(["Rural population", `${Math.round(place.ruralPopulationShare * 100)} %`]);
  const indicators = place.indicators.edges.map((e) => e.node);
  fill($("place"),
    el("h3", { text: `${place.name}` }, el("span", { class: "muted", text: ` ${KIND[place.kind]} ${place.code}` })),
    el("dl", { class: "facts" }, facts.map(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })])),
    indicators.length
      ? el("ul", { class: "indicators" }, indicators.map((i) => el("li", { class: "indicator", "data-value": i.value },
          el("span", { class: "ind-value", text: `${fmt(i.value)}${i.unit === "%" ? " %" : ""}` }),
          el("span", { class: "ind-name", text: `${i.name}${i.unit !== "%" ? ` (${i.unit})` : ""}${i.year ? `, ${i.year}` : ""}` }),
          i.source ? el("span", { class: "ind-source", text: i.source }) : null)))
      : el("p", { class: "empty", text: "No indicator recorded for this territory." }));
}

function renderGaps(gaps) {
  if (!gaps.length) {
    fill($("gaps"), el("p", { class: "empty", text: "No gap: every territory of this level is covered." }));
    return;
  }
  fill($("gaps"), el("ol", { class: "gaps" }, gaps.map((g) => el("li", { class: "gap", "data-code": g.territory.code },
    el("button", { type: "button", class: "link", text: `${g.territory.name} (${g.territory.code})`,
      onclick: () => selectTerritory(g.territory) }),
    el("span", { class: "muted", text: ` ${fmt(g.population)} inhabitants${g.territory.area ? `, ${AREA[g.territory.area].toLowerCase()}` : ""}` })))));
}

// ---- initiatives list ----

async function loadInitiatives(gen, after) {
  const data = await gql(Q.INITIATIVES, { where: where(), after });
  if (gen !== generation) return;
  const conn = data.initiatives;
  const list = after ? $("initiative-list") : el("ul", { id: "initiative-list", class: "initiatives" });
  list.append(...conn.edges.map((e) => initiativeItem(e.node)));
  const more = conn.pageInfo.hasNextPage
    ? el("button", { type: "button", class: "more", text: "Show more", onclick: (ev) => {
        ev.target.disabled = true;
        panel("initiatives", gen, () => loadInitiatives(gen, conn.pageInfo.endCursor));
      } })
    : null;
  fill($("initiatives"),
    el("p", { class: "total", id: "initiatives-total", "data-count": conn.totalCount,
      text: `${fmt(conn.totalCount)} initiative${conn.totalCount === 1 ? "" : "s"}, by title` }),
    conn.totalCount ? list : el("p", { class: "empty", text: "No initiative matches these filters." }),
    more);
}

function initiativeItem(i) {
  const places = i.territories.edges.map((e) => e.node.name).join(", ");
  const themes = i.themes.edges.map((e) => e.node.label).join(", ");
  const parts = i.participations.edges.map((e) => e.node);
  const year = i.startDate ? i.startDate.slice(0, 4) : null;
  return el("li", { class: "initiative" },
    el("div", { class: "ini-head" },
      el("strong", { text: i.title }),
      i.status ? el("span", { class: `badge status-${i.status.toLowerCase()}`, text: STATUS[i.status] }) : null,
      year ? el("span", { class: "muted", text: ` since ${year}` }) : null),
    el("div", { class: "ini-meta muted", text: [places, themes].filter(Boolean).join(" · ") }),
    parts.length
      ? el("ul", { class: "actors" }, parts.map((p) => el("li", {},
          p.actor.name, el("span", { class: "muted", text: ` ${ROLE[p.role] || ""}` }))),
          i.participations.totalCount > parts.length ? el("li", { class: "muted", text: `+${i.participations.totalCount - parts.length}` }) : null)
      : el("p", { class: "muted", text: "No actor recorded." }));
}

// ---- network ----

async function loadNetwork(gen) {
  // The actors of the selection, linked by what they do within it: shared
  // initiatives of the theme and place, relations between matching actors.
  const links = {};
  if (state.territory) links.withinTerritory = state.territory.id;
  if (state.area) links.area = state.area;
  if (state.theme) links.theme = state.theme;
  const filter = { ...links, links };
  const data = await gql(Q.NETWORK, { filter, limit: NETWORK_LIMIT });
  if (gen !== generation) return;
  const net = data.actorNetwork;
  if (cy) { cy.destroy(); cy = null; }
  const box = $("network");
  box.dataset.nodes = net.nodes.length;
  box.dataset.edges = net.edges.length;
  const caption = $("network-caption");
  if (!net.nodes.length) {
    fill(box, el("p", { class: "empty", text: "No actor matches these filters." }));
    fill(caption);
    return;
  }
  fill(box);
  const summary = `${fmt(net.nodes.length)} actors, ${fmt(net.edges.length)} links` +
    (net.truncated ? ` — the ${fmt(net.nodes.length)} most connected of ${fmt(net.totalNodes)}` : "") +
    ". Size: links within the view; colour: community. Click an actor to highlight its neighbours.";
  fill(caption, summary);
  cy = drawNetwork(box, net, {
    onSelect: (node, neighbours) => fill(caption, node
      ? `${node.name} (${ACTOR_KIND[node.kind] || node.kind}): ${neighbours} linked actor${neighbours === 1 ? "" : "s"} in this view.`
      : summary),
  });
}

// ---- filters ----

function renderFilterSummary() {
  const t = state.territory;
  fill($("territory-chip"), t
    ? el("span", { class: "chip", "data-id": t.id },
        t.name ? `${t.name} (${KIND[t.kind] || ""} ${t.code})` : "…",
        el("button", { type: "button", "aria-label": "Clear the territory", text: "×", onclick: () => selectTerritory(null) }))
    : el("span", { class: "muted", text: "All of France" }));
}

function selectTerritory(t) {
  state.territory = t;
  state.gapLevel = "";
  $("gap-level").value = gapLevel();
  $("territory-search").value = "";
  fill($("territory-suggestions"));
  refresh();
}

let searchTimer = 0;
let searchSeq = 0;
function onSearchInput() {
  clearTimeout(searchTimer);
  const q = $("territory-search").value.trim();
  if (q.length < 2 || !searchable(q)) { searchSeq++; fill($("territory-suggestions")); return; }
  searchTimer = setTimeout(async () => {
    const seq = ++searchSeq;
    try {
      const data = await gql(Q.TERRITORY_SEARCH, searchVariables(q));
      if (seq !== searchSeq) return;
      const { shown, more } = suggestions(data, q);
      fill($("territory-suggestions"), shown.length
        ? shown.map(suggestionItem)
        : el("li", { class: "muted", text: "No territory found." }),
        more > 0 ? el("li", { class: "muted more-hint", text: `and ${fmt(more)} more: type more of the name` }) : null);
    } catch (err) {
      if (seq !== searchSeq) return;
      fill($("territory-suggestions"), el("li", { class: "error", "data-code": err.code || "", text: describe(err) }));
    }
  }, 200);
}

function suggestionItem(t) {
  return el("li", {}, el("button", { type: "button", class: "suggestion", "data-id": t.id, "data-code": t.code,
    onclick: () => selectTerritory(t) },
    el("strong", { text: t.name }), el("span", { class: "muted", text: ` ${KIND[t.kind]} ${t.code} · ${fmt(t.population)} inh.` })));
}

async function loadThemes() {
  const data = await gql(Q.THEMES);
  themes = data.themes.edges.map((e) => ({ id: e.node.id, label: e.node.label, parent: e.node.parent && e.node.parent.id }));
  if (!themes.some((t) => t.id === state.theme)) state.theme = "";
  const select = $("theme");
  const add = (parent, depth) => {
    for (const t of themes.filter((t) => t.parent === parent)) {
      select.append(el("option", { value: t.id, text: `${"\u2003".repeat(depth)}${t.label}` }));
      add(t.id, depth + 1);
    }
  };
  add(null, 0);
  select.value = state.theme;
}

function bindFilters() {
  $("territory-search").addEventListener("input", onSearchInput);
  $("territory-search").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      const first = $("territory-suggestions").querySelector("button");
      if (first) first.click();
    } else if (ev.key === "Escape") {
      fill($("territory-suggestions"));
    }
  });
  // Close the suggestions when the focus leaves the search (after a click on
  // one has been handled).
  $("territory-search").closest(".search").addEventListener("focusout", (ev) => {
    if (!ev.currentTarget.contains(ev.relatedTarget)) setTimeout(() => fill($("territory-suggestions")), 150);
  });
  $("theme").addEventListener("change", (ev) => { state.theme = ev.target.value; refresh(); });
  $("area").addEventListener("change", (ev) => { state.area = ev.target.value; refresh(); });
  $("gap-level").addEventListener("change", (ev) => { state.gapLevel = ev.target.value; refresh(); });
}

// resolveTerritory completes the territory named by the URL (its kind sets
// the level of the gaps); an ID that is no territory is dropped, but not when
// the API refused the whole page (no access, rate limit): the URL keeps it.
async function resolveTerritory() {
  if (!state.territory) return;
  try {
    const data = await gql(Q.TERRITORY, { ids: [state.territory.id] });
    const t = data.nodes[0];
    state.territory = t && t.kind ? t : null;
  } catch (err) {
    if (!PAGE_ERRORS.includes(err.code)) state.territory = null;
  }
}

async function start() {
  readURL();
  $("area").value = state.area;
  bindFilters();
  busy(+1);
  try {
    await Promise.all([loadThemes(), resolveTerritory()]);
  } catch (err) {
    // The views below say it again if it lasts; the theme list says it too.
    notify(err);
    $("theme").append(el("option", { value: "", disabled: true, text: "(themes could not be loaded)" }));
  } finally {
    busy(-1);
  }
  $("gap-level").value = gapLevel();
  refresh();
}

start();
