#!/usr/bin/env node
// Initial JavaScript and CSS of the app: what index.html loads before any lazy chunk
// (the scripts and stylesheets it names), raw and gzip, from the production build in
// packages/app/dist. Build first: `yarn workspace app build`.
//
//   node bench/frontend-initial.mjs            print the figures and the ratio to the baseline
//   node bench/frontend-initial.mjs --save F   also write them to F (a baseline for later runs)
//
// The baseline in bench/baselines/frontend-initial.json was measured on the build before the
// deployments frontend moved from Material UI v4 to @backstage/ui (issue 10).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'packages/app/dist');
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const assets = [
  ...[...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map(m => ['js', m[1]]),
  ...[...html.matchAll(/<link[^>]*href="([^"]+\.css)"[^>]*>/g)].map(m => [
    'css',
    m[1],
  ]),
];
const totals = {
  js: { raw: 0, gzip: 0, files: 0 },
  css: { raw: 0, gzip: 0, files: 0 },
};
for (const [kind, src] of assets) {
  const body = readFileSync(join(dist, src.replace(/^\//, '')));
  totals[kind].raw += body.length;
  totals[kind].gzip += gzipSync(body, { level: 9 }).length;
  totals[kind].files += 1;
}
const kib = n => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `initial JS : ${totals.js.files} files, ${kib(totals.js.raw)} raw, ${kib(
    totals.js.gzip,
  )} gzip`,
);
console.log(
  `initial CSS: ${totals.css.files} files, ${kib(totals.css.raw)} raw, ${kib(
    totals.css.gzip,
  )} gzip`,
);
const save = process.argv.indexOf('--save');
if (save > 0)
  writeFileSync(process.argv[save + 1], `${JSON.stringify(totals, null, 2)}\n`);
const baselineFile = join(root, 'bench/baselines/frontend-initial.json');
if (existsSync(baselineFile)) {
  const base = JSON.parse(readFileSync(baselineFile, 'utf8'));
  for (const kind of ['js', 'css']) {
    console.log(
      `${kind} gzip now / before issue 10: ${(
        totals[kind].gzip / base[kind].gzip
      ).toFixed(4)} ` +
        `(${kib(totals[kind].gzip)} vs ${kib(base[kind].gzip)}, ${
          totals[kind].gzip - base[kind].gzip
        } bytes), raw ${(totals[kind].raw / base[kind].raw).toFixed(4)}`,
    );
  }
}
