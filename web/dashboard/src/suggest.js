// Territory suggestions: the variables of the DashboardTerritorySearch query
// for what the user typed, and the merge of its three answers (name search,
// exact code, code prefix) into one list, most relevant first.

export const MAX_SUGGESTIONS = 10;

// searchable: the API's search needs at least one letter or digit.
export function searchable(q) {
  return /[\p{L}\p{N}]/u.test(q);
}

// An official code: INSEE (58, 971, 2A, 21231, 2A004) or SIREN (9 digits).
function codeOf(q) {
  const c = q.trim().toUpperCase();
  return /^(\d{2,9}|2[AB]\d{0,3})$/.test(c) ? c : "";
}

export function searchVariables(q) {
  const code = codeOf(q);
  return { q, code, byCode: code !== "" };
}

const KIND_ORDER = { REGION: 0, DEPARTMENT: 1, EPCI: 2, COMMUNE: 3 };

// fold is the text without accents, case or punctuation, as the search sees it.
function fold(s) {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

// suggestions merges the answers of DashboardTerritorySearch: territories
// whose code is the text first, then name matches (the whole name, then names
// starting with the text, then the others by the API's score), then codes
// starting with the text; ties by kind (région, département, EPCI, commune),
// then population, then the API's rank. The country is left out (it is "all
// of France"). more: how many matching territories are not shown.
export function suggestions(data, q) {
  const folded = fold(q);
  const found = new Map();
  const add = (t, match, score, rank) => {
    if (!t || !t.id || !(t.kind in KIND_ORDER) || found.has(t.id)) return;
    found.set(t.id, { t, match, score, rank });
  };
  const nodes = (conn) => (conn ? conn.edges.map((e) => e.node) : []);
  for (const t of nodes(data.exactCode)) add(t, 0, 0, 0);
  for (const e of data.search.edges) {
    const name = fold(e.node.name || "");
    add(e.node, name === folded ? 1 : name.startsWith(folded) ? 2 : 3, e.score, e.rank);
  }
  for (const t of nodes(data.codePrefix)) add(t, 4, 0, 0);
  const list = [...found.values()].sort((a, b) =>
    a.match - b.match || b.score - a.score || KIND_ORDER[a.t.kind] - KIND_ORDER[b.t.kind] ||
    b.t.population - a.t.population || a.rank - b.rank);
  const shown = list.slice(0, MAX_SUGGESTIONS).map((s) => s.t);
  const total = Math.max(found.size, data.search.totalCount, data.codePrefix ? data.codePrefix.totalCount : 0);
  return { shown, more: total - shown.length };
}
