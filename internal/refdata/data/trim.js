// trim.js SRC_DIR DST_DIR
// Rewrites the four JSON files of @etalab/decoupage-administratif keeping the
// same format and field names, but only the rows and fields that the Go
// parser in internal/refdata reads. Output: one JSON object per line inside a
// JSON array, so that diffs of the (gunzipped) files stay readable.
'use strict';
const fs = require('fs');
const path = require('path');

const [src, dst] = process.argv.slice(2);
if (!src || !dst) {
  console.error('usage: node trim.js SRC_DIR DST_DIR');
  process.exit(2);
}

// Collectivités d'outre-mer ("com") are neither régions nor départements in
// the INSEE sense: the Go parser drops them, so the embedded copy does too.
const keptZone = (z) => z === 'metro' || z === 'drom';

const read = (name) => JSON.parse(fs.readFileSync(path.join(src, name), 'utf8'));
const pick = (obj, keys) => {
  const out = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
};
const write = (name, rows) => {
  const body = '[\n' + rows.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n';
  fs.writeFileSync(path.join(dst, name), body);
  console.error(`${name}: ${rows.length} entries`);
};

write('regions.json', read('regions.json')
  .filter((r) => keptZone(r.zone))
  .map((r) => pick(r, ['code', 'nom', 'zone'])));

write('departements.json', read('departements.json')
  .filter((d) => keptZone(d.zone))
  .map((d) => pick(d, ['code', 'region', 'nom', 'zone'])));

write('communes.json', read('communes.json')
  .filter((c) => c.type === 'commune-actuelle' && keptZone(c.zone))
  .map((c) => pick(c, ['code', 'nom', 'type', 'zone', 'departement', 'region', 'population'])));

write('epci.json', read('epci.json').map((e) => {
  const out = pick(e, ['code', 'nom', 'type', 'populationMunicipale']);
  out.membres = (e.membres || []).map((m) => pick(m, ['code']));
  return out;
}));
