// Deployments, measured in one run against a running portal (npm start):
//   node bench/deployments.mjs [baseUrl] [requests]
// 1. Traffic router overhead: p50/p95 of GET /health through the local target's router vs
//    straight to the same sample process (ratio = what the router adds).
// 2. Lock contention: 50 concurrent deploy requests for one service and environment vs
//    one request (ratio = how the one-deploy-at-a-time check scales), and how many won.
// 3. Revert: time from the first breaching analysis sample of the faulty 1.2.0 canary to
//    traffic fully back on 1.1.0 (the router's weights, polled every 50 ms), as a ratio
//    to the policy's interval × consecutive breaches.
// 4. Detection: time from starting the faulty 1.2.0 canary to rolled_back vs the limit
//    the analysis policy allows (deploy, checks and consecutiveBreaches × interval).
// Lock-acquire latency against SELECT 1 is bench/deployment-locks.ts.
// Uses ibias-api in development (it deploys 1.1.0 first when needed).
const baseUrl = process.argv[2] ?? 'http://localhost:7007';
const requests = Number(process.argv[3] ?? 300);
const api = `${baseUrl}/api/ibias-deployments`;
const entityRef = 'component:default/ibias-api';
const environment = 'development';

const refresh = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
  headers: { 'X-Requested-With': 'XMLHttpRequest' },
});
if (!refresh.ok) throw new Error(`guest sign-in failed: ${refresh.status}`);
const token = (await refresh.json()).backstageIdentity.token;
const headers = {
  Authorization: `Bearer ${token}`,
  'Content-Type': 'application/json',
};

const call = async (path, init) => {
  const res = await fetch(`${api}${path}`, { headers, ...init });
  return { status: res.status, body: await res.json() };
};
const state = async () =>
  (await call(`/environments?entityRef=${entityRef}`)).body.items.find(
    e => e.environment === environment,
  );
async function deploy(version, strategy) {
  const started = Date.now();
  const { status, body } = await call('/deployments', {
    method: 'POST',
    body: JSON.stringify({ entityRef, environment, version, strategy }),
  });
  if (status !== 202)
    throw new Error(`deploy ${version}: ${status} ${JSON.stringify(body)}`);
  for (;;) {
    const d = (await call(`/deployments/${body.id}`)).body;
    if (!['queued', 'running'].includes(d.status)) {
      return { ...d, seconds: (Date.now() - started) / 1000 };
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

async function latencies(url) {
  const times = [];
  for (let i = 0; i < requests + 20; i++) {
    const start = process.hrtime.bigint();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    if (i >= 20) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const pct = p =>
    times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { p50: pct(0.5), p95: pct(0.95) };
}

let current = await state();
if (current?.version !== '1.1.0') {
  const d = await deploy('1.1.0', 'blue-green');
  if (d.status !== 'succeeded')
    throw new Error(`setup deploy ${d.status}: ${d.reason}`);
  current = await state();
}
for (let i = 0; !current.endpoints?.length && i < 60; i++) {
  await new Promise(r => setTimeout(r, 1000)); // restored after a restart
  current = await state();
}
const direct = current.endpoints.find(e => e.version === '1.1.0').url;
const viaRouter = await latencies(`${current.url}/health`);
const straight = await latencies(`${direct}/health`);

const one = Date.now();
const dry = await call('/deployments', {
  method: 'POST',
  body: JSON.stringify({
    entityRef,
    environment,
    version: '1.0.0',
    strategy: 'blue-green',
    dryRun: true,
  }),
});
const oneMs = Date.now() - one;
if (dry.status !== 200) throw new Error(`dry run: ${dry.status}`);
const burst = Date.now();
const results = await Promise.all(
  Array.from({ length: 50 }, () =>
    fetch(`${api}/deployments`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        entityRef,
        environment,
        version: '1.2.0',
        strategy: 'canary',
      }),
    }).then(async r => ({ status: r.status, body: await r.json() })),
  ),
);
const burstMs = Date.now() - burst;
const winner = results.find(r => r.status === 202);
const conflicts = results.filter(r => r.status === 409).length;
// The winner is the faulty 1.2.0 canary: time its automatic rollback, and watch the
// router's weights so the moment traffic is fully back on 1.1.0 is seen from outside.
const isBreach = e =>
  e.verdict === 'fail' && ['error-rate', 'p95-latency'].includes(e.check);
const allOn110 = async () => {
  const traffic = (await state()).traffic ?? {};
  return traffic['1.1.0'] === 100 && !traffic['1.2.0'];
};
let detection;
let trafficBackAt;
for (;;) {
  const d = (await call(`/deployments/${winner.body.id}`)).body;
  if (
    trafficBackAt === undefined &&
    d.evidence.some(isBreach) &&
    (await allOn110())
  ) {
    trafficBackAt = Date.now();
  }
  if (!['queued', 'running'].includes(d.status)) {
    detection = { ...d, seconds: (Date.now() - burst) / 1000 };
    break;
  }
  await new Promise(r => setTimeout(r, 50));
}
if (trafficBackAt === undefined && (await allOn110()))
  trafficBackAt = Date.now();
const firstBreach = detection.evidence.find(isBreach);
const plan = dry.body.analysis;
// The limit: every canary step's analysis may run its whole window before the trigger.
const analysisSteps = dry.body.steps.length; // upper bound on steps with overhead
const limitSeconds =
  plan.intervalSeconds * plan.intervals * 2 + // analysis at 10 % and at 50 %
  plan.intervalSeconds * plan.intervals + // monitoring
  analysisSteps; // about a second per other step (start, probes, traffic)

const f = n => n.toFixed(2);
console.log(
  `router  GET /health p50 ${f(viaRouter.p50)} ms, p95 ${f(
    viaRouter.p95,
  )} ms; direct p50 ${f(straight.p50)} ms, p95 ${f(straight.p95)} ms`,
);
console.log(
  `        router/direct ratio: p50 ${f(
    viaRouter.p50 / straight.p50,
  )}×, p95 ${f(viaRouter.p95 / straight.p95)}×`,
);
console.log(
  `locks   50 concurrent requests ${burstMs} ms vs one dry-run request ${oneMs} ms: ${f(
    burstMs / oneMs,
  )}× for 50× the requests; ${
    results.filter(r => r.status === 202).length
  } accepted, ${conflicts} × 409`,
);
// From the first breaching interval's measurement to traffic fully back on 1.1.0, as a
// ratio to the policy's time to act (interval × consecutive breaches).
if (firstBreach && trafficBackAt !== undefined) {
  const back = (trafficBackAt - Date.parse(firstBreach.at)) / 1000;
  const budget = plan.intervalSeconds * plan.consecutiveBreaches;
  console.log(
    `revert  first breaching sample (${firstBreach.check} ${f(
      firstBreach.value * (firstBreach.check === 'error-rate' ? 100 : 1),
    )}${firstBreach.check === 'error-rate' ? ' %' : ' ms'} over ${
      firstBreach.samples
    } requests) → traffic fully on 1.1.0 in ${f(back)} s; interval ${
      plan.intervalSeconds
    } s × ${plan.consecutiveBreaches} breaches = ${budget} s: ratio ${f(
      back / budget,
    )}`,
  );
} else {
  console.log(
    `revert  no breaching sample or traffic not back on 1.1.0 (${detection.status}: ${detection.reason})`,
  );
}
console.log(
  `detect  1.2.0 canary → ${detection.status} after ${f(
    detection.seconds,
  )} s; limit ${limitSeconds} s: ratio ${f(
    detection.seconds / limitSeconds,
  )} (${detection.reason})`,
);
