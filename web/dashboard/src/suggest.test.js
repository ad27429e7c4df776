// Unit tests of the territory suggestions (Node's own runner, no package):
//   cd web/dashboard && npm test
import { test } from "node:test";
import assert from "node:assert/strict";
import { searchVariables, searchable, suggestions, MAX_SUGGESTIONS } from "./suggest.js";

const t = (id, kind, code, name, population) => ({ id: String(id), kind, code, name, population });
const hits = (...nodes) => nodes.map((node, i) => ({ node, rank: i + 1, score: 3 }));
const codes = (r) => r.shown.map((x) => x.code);

test("variables: a code is looked up by code too, a name only by search", () => {
  assert.deepEqual(searchVariables("58"), { q: "58", code: "58", byCode: true });
  assert.deepEqual(searchVariables("2a004"), { q: "2a004", code: "2A004", byCode: true });
  assert.deepEqual(searchVariables("200067684"), { q: "200067684", code: "200067684", byCode: true });
  assert.deepEqual(searchVariables("nievre"), { q: "nievre", code: "", byCode: false });
  assert.deepEqual(searchVariables("5"), { q: "5", code: "", byCode: false });
  assert.equal(searchable("--"), false);
  assert.equal(searchable("Nièv"), true);
});

test("order: exact code, whole name, start of name, other names, code prefix; then kind and population", () => {
  const data = {
    exactCode: { edges: [{ node: t(1, "DEPARTMENT", "21", "Côte-d'Or", 534000) }] },
    search: { totalCount: 5, edges: hits(
      t(2, "COMMUNE", "21231", "Dijon", 156000),
      t(3, "COMMUNE", "21999", "Plombières-lès-Dijon", 2800),
      t(4, "EPCI", "242100410", "Dijon Métropole", 256000),
      t(5, "COUNTRY", "FR", "Dijon land", 1),
      t(6, "COMMUNE", "21500", "Dijon-Ville", 500),
    ) },
    codePrefix: { totalCount: 3, edges: [
      { node: t(1, "DEPARTMENT", "21", "Côte-d'Or", 534000) },
      { node: t(2, "COMMUNE", "21231", "Dijon", 156000) },
      { node: t(7, "COMMUNE", "21054", "Beaune", 21000) },
    ] },
  };
  const r = suggestions(data, "DIJON");
  assert.deepEqual(codes(r), ["21", "21231", "242100410", "21500", "21999", "21054"]);
  assert.equal(r.more, 0);
});

test("accents and case are ignored when comparing the name", () => {
  const data = { search: { totalCount: 2, edges: hits(
    t(1, "COMMUNE", "58194", "Nièvre-sur-Loire", 10),
    t(2, "DEPARTMENT", "58", "Nièvre", 200000),
  ) } };
  assert.deepEqual(codes(suggestions(data, "nievre")), ["58", "58194"]);
});

test("at most MAX_SUGGESTIONS, with the count of the others", () => {
  const many = Array.from({ length: 30 }, (_, i) => t(i + 1, "COMMUNE", String(10000 + i), `Saint-${i}`, i));
  const r = suggestions({ search: { totalCount: 1234, edges: hits(...many) } }, "saint");
  assert.equal(r.shown.length, MAX_SUGGESTIONS);
  assert.equal(r.shown[0].population, 29);
  assert.equal(r.more, 1234 - MAX_SUGGESTIONS);
});
