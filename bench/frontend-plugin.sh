#!/usr/bin/env bash
# The app's initial JavaScript with a frontend plugin against without it, measured in one
# run: builds the app twice (for the second build the plugin is taken out of
# packages/app/src/App.tsx and out of packages/app/package.json, which `app.packages: all`
# discovers plugins from; both are put back) and prints both figures and their ratio
# (issue 12's goal for ibias-metrics: ≤ 1.05).
#
#   bash bench/frontend-plugin.sh [pluginVariable [package]]
#   default: ibiasMetricsPlugin @internal/plugin-ibias-metrics
set -euo pipefail
cd "$(dirname "$0")/.."
plugin="${1:-ibiasMetricsPlugin}"
package="${2:-@internal/plugin-ibias-metrics}"
app=packages/app/src/App.tsx
manifest=packages/app/package.json
backup=$(mktemp) manifest_backup=$(mktemp)
cp "$app" "$backup"
cp "$manifest" "$manifest_backup"
trap 'cp "$backup" "$app"; cp "$manifest_backup" "$manifest"; rm -f "$backup" "$manifest_backup"' EXIT
measure() {
  (cd packages/app && yarn backstage-cli package build >/dev/null 2>&1)
  node bench/frontend-initial.mjs --save "$1" >/dev/null
}
with=$(mktemp) without=$(mktemp)
measure "$with"
grep -v "$plugin" "$backup" >"$app"
grep -v "\"$package\"" "$manifest_backup" >"$manifest"
measure "$without"
cp "$backup" "$app"
cp "$manifest_backup" "$manifest"
node -e '
  const [a, b, name] = process.argv.slice(1);
  const fs = require("fs");
  const w = JSON.parse(fs.readFileSync(a, "utf8")), wo = JSON.parse(fs.readFileSync(b, "utf8"));
  const kib = n => (n / 1024).toFixed(1) + " KiB";
  for (const k of ["js", "css"]) {
    console.log(`initial ${k} gzip with ${name}: ${kib(w[k].gzip)}, without: ${kib(wo[k].gzip)}, ratio ${(w[k].gzip / wo[k].gzip).toFixed(4)} (${w[k].gzip - wo[k].gzip} bytes; goal ≤ 1.05)`);
  }' "$with" "$without" "$plugin"
rm -f "$with" "$without"
# Leave a build of the real app behind.
(cd packages/app && yarn backstage-cli package build >/dev/null 2>&1)
