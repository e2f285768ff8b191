#!/usr/bin/env node
// Re-renders the sample services in services/ from their templates through a running
// portal's scaffolder dry-run (the same rendering the drift-guard test compares with),
// then resolves each lockfile and formats the files as the verification gate does.
//
//   node scripts/render-samples.mjs [base-url] [name...]
//   (base-url defaults to http://localhost:7007; names default to all of services/samples.json)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [baseUrl = 'http://localhost:7007', ...only] = process.argv.slice(2);
const samples = JSON.parse(
  fs.readFileSync(path.join(root, 'services', 'samples.json'), 'utf8'),
);

function listFiles(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'golden' ? [] : listFiles(full, base);
    }
    return [path.relative(base, full)];
  });
}

/**
 * A dry run is idempotent: sent again when the server closed the kept-alive connection
 * just as it was reused (the npm install of the previous sample outlasts the server's
 * keep-alive timeout).
 */
async function fetchRetryingClosedSockets(url, init) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 3 || error?.cause?.code !== 'UND_ERR_SOCKET') throw error;
    }
  }
}

const auth = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
  headers: { 'X-Requested-With': 'XMLHttpRequest' },
});
if (!auth.ok) throw new Error(`guest sign-in failed: ${auth.status}`);
const token = (await auth.json()).backstageIdentity.token;
const yaml = await import('yaml');

for (const [name, { template, ...values }] of Object.entries(samples)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const dir = path.join(root, 'templates', template);
  const res = await fetchRetryingClosedSockets(
    `${baseUrl}/api/scaffolder/v2/dry-run`,
    {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        template: yaml.parse(
          fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'),
        ),
        values: {
          name,
          ...values,
          system: 'system:default/ibias',
          lifecycle: 'production',
        },
        secrets: {},
        directoryContents: listFiles(dir).map(file => ({
          path: file,
          base64Content: fs
            .readFileSync(path.join(dir, file))
            .toString('base64'),
        })),
      }),
    },
  );
  if (!res.ok)
    throw new Error(`dry-run of ${name}: ${res.status} ${await res.text()}`);
  const out = path.join(root, 'services', name);
  const lockfile = path.join(out, 'package-lock.json');
  const lock = fs.existsSync(lockfile) ? fs.readFileSync(lockfile) : undefined;
  fs.rmSync(out, { recursive: true, force: true });
  for (const file of (await res.json()).directoryContents) {
    const target = path.join(out, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, Buffer.from(file.base64Content, 'base64'));
  }
  if (lock) fs.writeFileSync(lockfile, lock);
  const npm = { cwd: out, stdio: 'inherit' };
  execFileSync('npm', ['install', '--no-audit', '--no-fund'], npm);
  execFileSync('npm', ['run', 'format', '--silent'], npm);
  fs.rmSync(path.join(out, 'node_modules'), { recursive: true, force: true });
  console.log(`services/${name} rendered from ${template}`);
}
