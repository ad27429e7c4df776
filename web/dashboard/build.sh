#!/usr/bin/env bash
# Builds the /dashboard assets embedded in the binary (internal/dashboard/assets)
# from src/ and the npm packages pinned in package-lock.json. Reproducible:
# `npm ci` installs the locked versions, esbuild's output is deterministic, and
# the committed assets are what this script writes (CI never runs it; the Go
# build does not need Node). Run it after any change under src/ or any
# dependency upgrade, then commit internal/dashboard/assets.
set -euo pipefail
cd "$(dirname "$0")"
out=../../internal/dashboard/assets

npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
mkdir -p "$out/LICENSES"
# --ignore-scripts skips esbuild's postinstall; its binary comes from the
# locked @esbuild/<platform> package all the same.
./node_modules/.bin/esbuild src/main.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=none --charset=utf8 --log-level=warning --outfile="$out/dashboard.js"
./node_modules/.bin/esbuild src/dashboard.css --minify --charset=utf8 --log-level=warning \
  --outfile="$out/dashboard.css"
cp node_modules/cytoscape/LICENSE "$out/LICENSES/cytoscape-LICENSE.txt"
{
  echo "# Third-party code in the dashboard bundle"
  echo
  echo "dashboard.js bundles, besides Essaim's own code:"
  echo
  node -e 'const p=require("./node_modules/cytoscape/package.json");console.log(`- ${p.name} ${p.version} (${p.license}), ${p.homepage}: LICENSES/cytoscape-LICENSE.txt`)'
} > "$out/LICENSES/THIRD_PARTY.md"
echo "built $out: $(cd "$out" && ls -1 | tr '\n' ' ')"
