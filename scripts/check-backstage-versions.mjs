// Fails when yarn.lock resolves any @backstage/* package to more than one version: the
// portal must run one Backstage release, with no mixed majors or stragglers.
import fs from 'node:fs';

const lock = fs.readFileSync(new URL('../yarn.lock', import.meta.url), 'utf8');
const versions = new Map();
for (const block of lock.split(/\n\n/)) {
  const header = block.match(/^"?(@backstage\/[^@"]+)@/m);
  const version = block.match(/^\s+version: "?([^"\n]+)"?$/m);
  if (!header || !version) continue;
  const set = versions.get(header[1]) ?? new Set();
  set.add(version[1]);
  versions.set(header[1], set);
}
const mixed = [...versions].filter(([, v]) => v.size > 1);
for (const [name, v] of mixed) console.error(`${name}: ${[...v].join(', ')}`);
console.log(
  `${versions.size} @backstage packages, ${mixed.length} resolved to more than one version`,
);
process.exit(mixed.length === 0 ? 0 : 1);
