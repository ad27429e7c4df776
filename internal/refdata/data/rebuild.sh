#!/usr/bin/env bash
# Rebuilds the reference data embedded by internal/refdata (see ATTRIBUTION.md).
#
# Environment overrides:
#   REFDATA_DENSITY_CSV  path of the INSEE 7-level density grid CSV
#                        (default: <repo root>/../shared/data/insee-grille-densite-7-niveaux-2024.csv)
#   REFDATA_NPM_TGZ      an already downloaded decoupage-administratif tarball
#                        (default: fetched with `npm pack`)
#
# Outputs are gzipped with `gzip -n -9` (no name, no timestamp) so that two runs
# on the same inputs produce byte-identical files.
set -euo pipefail

PKG='@etalab/decoupage-administratif'
VERSION='6.0.0'
GRID_NAME='insee-grille-densite-7-niveaux-2024.csv'

DATA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$DATA_DIR/../../.." && pwd)"
GRID_CSV="${REFDATA_DENSITY_CSV:-$REPO_ROOT/../shared/data/$GRID_NAME}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [[ -n "${REFDATA_NPM_TGZ:-}" ]]; then
  TGZ="$REFDATA_NPM_TGZ"
else
  (cd "$WORK" && npm pack --silent "$PKG@$VERSION" >/dev/null)
  TGZ="$(ls "$WORK"/*.tgz)"
fi
tar -xzf "$TGZ" -C "$WORK"

# Refuse a tarball of another version: ATTRIBUTION.md and the Go tests name 6.0.0.
got="$(node -e 'console.log(require(process.argv[1]).version)' "$WORK/package/package.json")"
if [[ "$got" != "$VERSION" ]]; then
  echo "rebuild.sh: expected $PKG $VERSION, got $got" >&2
  exit 1
fi

mkdir -p "$WORK/out"
node "$DATA_DIR/trim.js" "$WORK/package/data" "$WORK/out"
cp "$GRID_CSV" "$WORK/out/$GRID_NAME"

for f in communes.json epci.json departements.json regions.json "$GRID_NAME"; do
  gzip -n -9 -c "$WORK/out/$f" >"$DATA_DIR/$f.gz"
done
cp "$WORK/package/LICENSE" "$DATA_DIR/LICENSE-decoupage-administratif"

ls -l "$DATA_DIR"/*.gz
