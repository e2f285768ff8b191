// Catalog API latency against the backend's cheapest endpoint, measured in one run.
//   node bench/catalog-api.mjs [baseUrl] [requests]
// Needs a running portal (npm start). Prints p50/p95 per endpoint and each one's ratio to
// the readiness endpoint, which does no database work: the ratio is what the catalog's
// own work costs, independent of how fast this machine is.
const baseUrl = process.argv[2] ?? 'http://localhost:7007';
const requests = Number(process.argv[3] ?? 200);

const refresh = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
  headers: { 'X-Requested-With': 'XMLHttpRequest' },
});
if (!refresh.ok) throw new Error(`guest sign-in failed: ${refresh.status}`);
const token = (await refresh.json()).backstageIdentity.token;
const headers = { Authorization: `Bearer ${token}` };

async function measure(path) {
  const times = [];
  for (let i = 0; i < requests + 10; i++) {
    const start = process.hrtime.bigint();
    const res = await fetch(`${baseUrl}${path}`, { headers });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    if (i >= 10) times.push(Number(process.hrtime.bigint() - start) / 1e6); // skip warm-up
  }
  times.sort((a, b) => a - b);
  const pct = p =>
    times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { p50: pct(0.5), p95: pct(0.95) };
}

const paths = {
  readiness: '/.backstage/health/v1/readiness',
  'entity by name': '/api/catalog/entities/by-name/component/default/ibias-api',
  'all entities': '/api/catalog/entities',
  'components query':
    '/api/catalog/entities/by-query?filter=kind=component&limit=20',
};
const results = {};
for (const [name, path] of Object.entries(paths))
  results[name] = await measure(path);
const base = results.readiness;
console.log(`${requests} sequential requests each against ${baseUrl}`);
for (const [name, r] of Object.entries(results)) {
  console.log(
    `${name.padEnd(18)} p50 ${r.p50.toFixed(2).padStart(7)} ms  p95 ${r.p95
      .toFixed(2)
      .padStart(7)} ms  ` +
      `ratio to readiness p50 ${(r.p50 / base.p50).toFixed(1)}x  p95 ${(
        r.p95 / base.p95
      ).toFixed(1)}x`,
  );
}
