#!/usr/bin/env bash
# Rebuilds the GraphiQL browser assets embedded by internal/graphiql.
#
# Fetches exact, pinned versions with `npm pack` (only the npm registry is
# needed; no bundler runs) and copies into this folder:
#
#   graphiql.min.js, graphiql.min.css   UMD bundle of GraphiQL (graphql-js,
#                                       CodeMirror 5 and the rest bundled in;
#                                       React and ReactDOM are externals)
#   react.production.min.js             React UMD build   (global React)
#   react-dom.production.min.js         ReactDOM UMD build (global ReactDOM)
#   LICENSES/                           licence texts of all of the above and
#                                       of every package bundled inside
#                                       graphiql.min.js, indexed by
#                                       LICENSES/THIRD_PARTY.md
#
# init.js and page.css are hand-written (they are ours) and are not touched.
#
# The only change made to upstream files: the trailing `//# sourceMappingURL=`
# comment is removed from graphiql.min.js, because the 4 MB source map is not
# shipped (browsers would otherwise request it when devtools are open).
#
# To upgrade: change the versions below, run this script, load the page in a
# browser (see the package doc of internal/graphiql) and run the Go tests.
# GraphiQL 4.x still ships a UMD bundle but needs React >= 18 and brings its
# own plugin packages; GraphiQL 5 dropped the UMD bundle altogether.
set -euo pipefail

GRAPHIQL_VERSION='3.9.0'   # peers: react/react-dom ^16.8 || ^17 || ^18, graphql ^15.5 || ^16 || ^17
REACT_VERSION='18.3.1'     # react and react-dom, kept equal
# graphql-js is bundled inside graphiql.min.js; 16.9.0 is the version that the
# 3.9.0 bundle reports (GraphiQL.GraphQL.version). Used here for the licence only.
GRAPHQL_VERSION='16.9.0'
# Packages bundled in graphiql.min.js that `npm install graphiql@...` does not
# put in node_modules any more (ranges moved on); packed only for their licence.
EXTRA_LICENCE_PACKAGES=(
  '@babel/runtime@7.29.15'
  '@radix-ui/react-use-escape-keydown@1.1.6'
  'graphql-ws@5.16.2'
)

ASSETS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

unpack() { # unpack NAME VERSION -> prints the package dir
  local name="$1" version="$2" dir tgz
  dir="$WORK/pack/${name//\//__}"
  mkdir -p "$dir"
  tgz="$(cd "$dir" && npm pack --silent "$name@$version" | tail -n 1)"
  tar -xzf "$dir/$tgz" -C "$dir"
  local got
  got="$(node -e 'console.log(require(process.argv[1]).version)' "$dir/package/package.json")"
  if [[ "$got" != "$version" ]]; then
    echo "rebuild.sh: expected $name $version, got $got" >&2
    exit 1
  fi
  echo "$dir/package"
}

GRAPHIQL_DIR="$(unpack graphiql "$GRAPHIQL_VERSION")"
REACT_DIR="$(unpack react "$REACT_VERSION")"
REACT_DOM_DIR="$(unpack react-dom "$REACT_VERSION")"

# --- the assets -------------------------------------------------------------
sed '/^\/\/# sourceMappingURL=/d' "$GRAPHIQL_DIR/graphiql.min.js" >"$ASSETS_DIR/graphiql.min.js"
cp "$GRAPHIQL_DIR/graphiql.min.css" "$ASSETS_DIR/graphiql.min.css"
cp "$REACT_DIR/umd/react.production.min.js" "$ASSETS_DIR/react.production.min.js"
cp "$REACT_DOM_DIR/umd/react-dom.production.min.js" "$ASSETS_DIR/react-dom.production.min.js"

# --- the licences -------------------------------------------------------------
# Which packages graphiql.min.js bundles is read from its source map; their
# licence texts are taken from a production install of the same graphiql
# version (plus the few packed above), so the versions listed in
# THIRD_PARTY.md are those of that install, not necessarily the bundled ones.
mkdir -p "$WORK/install"
(
  cd "$WORK/install"
  echo '{"private":true}' >package.json
  npm install --silent --ignore-scripts --no-audit --no-fund --omit=dev --save-exact \
    "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION" \
    "graphql@$GRAPHQL_VERSION"
)
EXTRA_DIRS=()
for spec in "${EXTRA_LICENCE_PACKAGES[@]}"; do
  EXTRA_DIRS+=("$(unpack "${spec%@*}" "${spec##*@}")")
done

rm -rf "$ASSETS_DIR/LICENSES"
mkdir -p "$ASSETS_DIR/LICENSES"
cat >"$WORK/licences.js" <<'EOF'
// node licences.js MAP NODE_MODULES OUT_DIR [EXTRA_PACKAGE_DIR...]
const fs = require('fs');
const path = require('path');
const [mapFile, nodeModules, outDir, ...extraDirs] = process.argv.slice(2);

// Monorepo packages of graphql/graphiql appear as ../../<folder>/... in the map.
const workspace = {
  'graphiql-react': '@graphiql/react',
  'graphiql-toolkit': '@graphiql/toolkit',
  'codemirror-graphql': 'codemirror-graphql',
  'graphql-language-service': 'graphql-language-service',
};
const bundled = new Set();
for (const src of JSON.parse(fs.readFileSync(mapFile, 'utf8')).sources) {
  const i = src.lastIndexOf('node_modules/');
  if (i >= 0) {
    const parts = src.slice(i + 'node_modules/'.length).split('/');
    bundled.add(parts[0].startsWith('@') ? parts[0] + '/' + parts[1] : parts[0]);
    continue;
  }
  const m = src.match(/^\.\.\/\.\.\/([^/]+)\//);
  if (m) {
    if (!workspace[m[1]]) throw new Error('unknown workspace source ' + src);
    bundled.add(workspace[m[1]]);
  }
}

// All package dirs available: the install tree (top level first) and extras.
const dirs = new Map();
function walk(dir) {
  if (!fs.existsSync(dir)) return;
  const later = [];
  for (const e of fs.readdirSync(dir)) {
    if (e.startsWith('.')) continue;
    const scoped = e.startsWith('@') ? fs.readdirSync(path.join(dir, e)).map((s) => e + '/' + s) : [e];
    for (const name of scoped) {
      const d = path.join(dir, name);
      if (!fs.existsSync(path.join(d, 'package.json'))) continue;
      if (!dirs.has(name)) dirs.set(name, d);
      later.push(path.join(d, 'node_modules'));
    }
  }
  later.forEach(walk);
}
walk(nodeModules);
for (const d of extraDirs) {
  const name = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')).name;
  if (!dirs.has(name)) dirs.set(name, d);
}

const rows = [];
function collect(name, usedBy) {
  const d = dirs.get(name);
  if (!d) throw new Error('no package dir for bundled package ' + name + ' (add it to EXTRA_LICENCE_PACKAGES)');
  const pj = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
  const licence = typeof pj.license === 'string' ? pj.license : JSON.stringify(pj.license || pj.licenses);
  const files = fs.readdirSync(d).filter((f) => /^(licen[cs]e|copying|notice)/i.test(f)).sort();
  const out = path.join(outDir, name);
  fs.mkdirSync(out, { recursive: true });
  for (const f of files) fs.copyFileSync(path.join(d, f), path.join(out, f));
  if (files.length === 0) {
    const author = typeof pj.author === 'string' ? pj.author : pj.author && pj.author.name;
    fs.writeFileSync(path.join(out, 'NOTICE'),
      `${name}@${pj.version} ships no licence file; its package.json declares ` +
      `the licence "${licence}"${author ? ` and the author "${author}"` : ''}.\n`);
    files.push('NOTICE');
  }
  rows.push(`| ${name} | ${pj.version} | ${licence} | ${usedBy} | ${files.map((f) => `[${f}](${name}/${f})`).join(', ')} |`);
}
const inBundle = (name) => (bundled.has(name) ? ' (also bundled in graphiql.min.js)' : '');
collect('graphiql', 'graphiql.min.js, graphiql.min.css');
collect('react', 'react.production.min.js' + inBundle('react'));
collect('react-dom', 'react-dom.production.min.js' + inBundle('react-dom'));
for (const name of [...bundled].sort()) if (!['graphiql', 'react', 'react-dom'].includes(name)) collect(name, 'bundled in graphiql.min.js');

fs.writeFileSync(path.join(outDir, 'THIRD_PARTY.md'), [
  '# Third-party software in internal/graphiql/assets',
  '',
  'Generated by ../rebuild.sh; do not edit. Licence texts come from the npm',
  'packages; for packages bundled inside graphiql.min.js (list read from its',
  'source map) the version is that of a fresh install of the same GraphiQL',
  'release, which may differ slightly from the bundled one.',
  '',
  '| package | version | licence | where | files |',
  '| --- | --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n'));
console.log(`licences: ${rows.length} packages`);
EOF
node "$WORK/licences.js" "$GRAPHIQL_DIR/graphiql.min.js.map" "$WORK/install/node_modules" \
  "$ASSETS_DIR/LICENSES" "$GRAPHIQL_DIR" "$REACT_DIR" "$REACT_DOM_DIR" "${EXTRA_DIRS[@]}"

ls -l "$ASSETS_DIR"/*.js "$ASSETS_DIR"/*.css
