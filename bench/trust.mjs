// Trust boundaries, measured in one run against a running portal (npm start):
//   node bench/trust.mjs [baseUrl] [requests]
// 1. Refusals are cheap: p50/p95 of requests an attacker sends (a file location, a
//    template value with a newline and `---`, a deploy of a Resource, a deploy in another
//    letter case by someone who does not own the service) vs the readiness endpoint, which
//    does no work. A refusal that cost a build, a clone or a file read would show here.
// 2. What the checks add to an honest read: the environments of a service (catalog lookup,
//    real-path containment, YAML parse, masking every secret, the baseline) vs reading the
//    same entity from the catalog.
const baseUrl = process.argv[2] ?? 'http://localhost:7007';
const requests = Number(process.argv[3] ?? 200);

const refresh = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
  headers: { 'X-Requested-With': 'XMLHttpRequest' },
});
if (!refresh.ok) throw new Error(`guest sign-in failed: ${refresh.status}`);
const identity = (await refresh.json()).backstageIdentity;
const headers = {
  Authorization: `Bearer ${identity.token}`,
  'Content-Type': 'application/json',
};

async function latencies(label, url, init, expected) {
  const times = [];
  for (let i = 0; i < requests + 20; i++) {
    const start = process.hrtime.bigint();
    const res = await fetch(`${baseUrl}${url}`, { headers, ...init });
    await res.arrayBuffer();
    if (!expected.includes(res.status)) {
      throw new Error(`${label}: ${res.status}, expected ${expected}`);
    }
    if (i >= 20) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const pct = p =>
    times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { label, p50: pct(0.5), p95: pct(0.95) };
}

const post = body => ({ method: 'POST', body: JSON.stringify(body) });
const readiness = await latencies(
  'readiness',
  '/.backstage/health/v1/readiness',
  {},
  [200],
);
const refusals = [
  await latencies(
    'file location /etc/passwd',
    '/api/catalog/locations',
    post({ type: 'file', target: '/etc/passwd' }),
    [400, 403],
  ),
  await latencies(
    'template owner with a newline and ---',
    '/api/scaffolder/v2/tasks',
    post({
      templateRef: 'template:default/ibias-service',
      values: {
        name: 'bench-evil',
        description: 'hostile',
        owner: 'group:default/web-team\n---\nkind: User',
        system: 'system:default/ibias',
        lifecycle: 'experimental',
      },
    }),
    [400],
  ),
  await latencies(
    'deploy a Resource (dry run)',
    '/api/ibias-deployments/deployments',
    post({
      entityRef: 'resource:default/ibias-postgres',
      environment: 'development',
      version: '1.1.0',
      strategy: 'blue-green',
      dryRun: true,
    }),
    [400, 403],
  ),
  await latencies(
    'deploy ai-recommendations in upper case, not an owner (dry run)',
    '/api/ibias-deployments/deployments',
    post({
      entityRef: 'Component:Default/AI-RECOMMENDATIONS',
      environment: 'development',
      version: '1.1.0',
      strategy: 'blue-green',
      dryRun: true,
    }),
    [403],
  ),
];
const entityRead = await latencies(
  'catalog entity ibias-api',
  '/api/catalog/entities/by-name/component/default/ibias-api',
  {},
  [200],
);
const environmentsRead = await latencies(
  'environments of ibias-api (contained read, masked, baseline)',
  '/api/ibias-deployments/environments?entityRef=component:default/ibias-api',
  {},
  [200],
);

const fmt = n => n.toFixed(2);
const ratio = (a, b) => `${(a / b).toFixed(1)}x`;
console.log(
  `Trust boundaries, ${requests} sequential requests each, as ${identity.identity.userEntityRef}\n`,
);
console.log('| request | p50 / p95 | ratio to readiness (p50 / p95) |');
console.log('| --- | --- | --- |');
for (const r of [readiness, ...refusals]) {
  console.log(
    `| ${r.label} | ${fmt(r.p50)} / ${fmt(r.p95)} ms | ${ratio(
      r.p50,
      readiness.p50,
    )} / ${ratio(r.p95, readiness.p95)} |`,
  );
}
console.log('\n| read | p50 / p95 | ratio to the catalog entity read |');
console.log('| --- | --- | --- |');
for (const r of [entityRead, environmentsRead]) {
  console.log(
    `| ${r.label} | ${fmt(r.p50)} / ${fmt(r.p95)} ms | ${ratio(
      r.p50,
      entityRead.p50,
    )} / ${ratio(r.p95, entityRead.p95)} |`,
  );
}
