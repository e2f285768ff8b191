// What the portal's own Prometheus metrics cost (plugins/ibias-metrics-backend/src/prometheus):
//   npm run bench -- bench/metrics-scrape.ts [renders] [seconds-per-run]
// A. Scrape: time to render /metrics (PortalMetrics.render) with about 2,000 series
//    (HTTP and query histograms, KPIs, alerts, business events capped at 50 companies,
//    process metrics): median and p95 of [renders] (default 300) renders after a
//    warm-up, and each as a ratio to the 10 ms goal (≤ 1 meets it).
// B. Middleware: requests per second of an express app with one route, with and without
//    PortalMetrics.httpMiddleware, served by a child process (so the load generator has
//    its own core) and driven by 16 keep-alive connections, each sending its next request
//    when the last answer is in, for [seconds-per-run] (default 3) per run; 3 rounds
//    alternating with/without. Prints the ratio with/without (goal ≥ 0.95). A trivial
//    route is the worst case: in a real handler the middleware's share is smaller.
//    Also prints the server's CPU time per request with and without, and their ratio:
//    the throughput ratio of a server with a core to itself, which a busy machine
//    disturbs far less than the wall-clock figure.
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { knex as createKnex } from 'knex';
import { PortalMetrics } from '../plugins/ibias-metrics-backend/src/prometheus';

const renders = Number(process.argv[2] ?? 300);
const secondsPerRun = Number(process.argv[3] ?? 3);
const GOAL_MS = 10;
const CONCURRENCY = 16;
const ROUNDS = 3;

function percentiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p95: at(0.95) };
}

const sampleLines = (body: string) =>
  body.split('\n').filter(line => line !== '' && !line.startsWith('#')).length;

/** A PortalMetrics with about 2,000 series, filled the way the portal fills it. */
async function populatedMetrics(): Promise<PortalMetrics> {
  const metrics = new PortalMetrics();

  // 20 routes × (GET 200, GET 404, POST 201) = 60 histogram series of 14 samples each.
  const app = express();
  app.use(metrics.httpMiddleware());
  for (let r = 0; r < 20; r++) {
    app.get(`/route-${r}/:id`, (req, res) => {
      res.status(req.params.id === 'missing' ? 404 : 200).end();
    });
    app.post(`/route-${r}/:id`, (_req, res) => {
      res.status(201).end();
    });
  }
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (let r = 0; r < 20; r++) {
    await fetch(`${base}/route-${r}/1`);
    await fetch(`${base}/route-${r}/missing`);
    await fetch(`${base}/route-${r}/1`, { method: 'POST' });
  }
  await new Promise(resolve => server.close(resolve));

  // 5 operations × 6 tables = 30 histogram series of 14 samples each.
  const db = createKnex({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  metrics.instrumentKnex(db);
  for (let t = 0; t < 6; t++) {
    const table = `table_${t}`;
    await db.schema.createTable(table, columns => {
      columns.increments('id');
      columns.integer('n');
    });
    await db(table).insert({ n: 1 });
    await db(table).select('*');
    await db(table).update({ n: 2 });
    await db(table).delete();
    await db.raw(`with x as (select 1) select * from ${table}`);
  }
  await db.destroy();

  // 40 KPIs and 120 alert combinations.
  metrics.setKpiValues(
    Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`kpi_${i}`, i])),
  );
  const alerts = [];
  for (let rule = 0; rule < 20; rule++) {
    for (const severity of ['info', 'warning', 'critical']) {
      for (const status of ['open', 'acked']) {
        alerts.push({ rule: `rule-${rule}`, severity, status, count: rule });
      }
    }
  }
  metrics.setAlertCounts(alerts);

  // 10 event types × (50 companies + other) = 510 series out of 997 companies.
  for (let i = 0; i < 20_000; i++) {
    metrics.countBusinessEvent(`event_${i % 10}`, `cus_${i % 997}`);
  }
  return metrics;
}

async function scrapeBench() {
  const metrics = await populatedMetrics();
  const { body } = await metrics.render();
  for (let i = 0; i < 30; i++) await metrics.render();
  const times: number[] = [];
  for (let i = 0; i < renders; i++) {
    const start = process.hrtime.bigint();
    await metrics.render();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const { p50, p95 } = percentiles(times);
  console.log(
    `A. /metrics render, ${sampleLines(body)} series (${
      body.length
    } bytes), ${renders} renders`,
  );
  console.log(
    `   median ${p50.toFixed(2)} ms (${(p50 / GOAL_MS).toFixed(
      3,
    )} of the ${GOAL_MS} ms goal), ` +
      `p95 ${p95.toFixed(2)} ms (${(p95 / GOAL_MS).toFixed(3)} of the goal)`,
  );
}

interface Ports {
  withPort: number;
  withoutPort: number;
}

function isPorts(message: unknown): message is Ports {
  return (
    typeof message === 'object' &&
    message !== null &&
    'withPort' in message &&
    typeof message.withPort === 'number' &&
    'withoutPort' in message &&
    typeof message.withoutPort === 'number'
  );
}

function isCpuMicros(message: unknown): message is { cpuMicros: number } {
  return (
    typeof message === 'object' &&
    message !== null &&
    'cpuMicros' in message &&
    typeof message.cpuMicros === 'number'
  );
}

/**
 * The child: one app with the middleware and one without, on two ports; it answers
 * `cpu` with the CPU time it has used, so the parent can tell the server's cost per
 * request apart from waiting for a core on a busy machine.
 */
function serve() {
  const listen = (withMiddleware: boolean) => {
    const app = express();
    if (withMiddleware) {
      app.use(new PortalMetrics().httpMiddleware());
    }
    app.get('/things/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    const server = http.createServer({ keepAliveTimeout: 30_000 }, app);
    return new Promise<number>(resolve =>
      server.listen(0, '127.0.0.1', () =>
        resolve((server.address() as AddressInfo).port),
      ),
    );
  };
  Promise.all([listen(true), listen(false)]).then(([withPort, withoutPort]) => {
    const ports: Ports = { withPort, withoutPort };
    process.send?.(ports);
  });
  process.on('message', message => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMicros: user + system });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** Requests answered in `seconds` by CONCURRENCY keep-alive loops. */
async function load(port: number, seconds: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const deadline = Date.now() + seconds * 1000;
  let answered = 0;
  let next = 0;
  const get = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port, path: `/things/${next++}`, agent },
          res => {
            if (res.statusCode !== 200) {
              reject(new Error(`status ${res.statusCode}`));
            }
            res.resume();
            res.on('end', resolve);
          },
        )
        .on('error', reject);
    });
  const loop = async () => {
    while (Date.now() < deadline) {
      await get();
      answered++;
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return { answered, perSecond: answered / elapsed };
}

async function middlewareBench() {
  const child: ChildProcess = fork(__filename, ['serve'], {
    execArgv: process.execArgv,
  });
  // The TypeScript transform also talks on this channel ({ type: 'watch' }), so each
  // wait picks its own kind of message.
  const next = <T>(accept: (message: unknown) => message is T) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (!accept(message)) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = (code: number | null) =>
        reject(new Error(`server exited ${code}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const serverCpuMicros = async () => {
    const answer = next(isCpuMicros);
    child.send('cpu');
    return (await answer).cpuMicros;
  };
  try {
    const ports = await next(isPorts);
    await load(ports.withPort, 1);
    await load(ports.withoutPort, 1);
    const runs = { with: [] as number[], without: [] as number[] };
    const cpuPerRequest = { with: [] as number[], without: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first so a drift of the machine favours neither.
      const order =
        round % 2 === 0
          ? (['without', 'with'] as const)
          : (['with', 'without'] as const);
      for (const mode of order) {
        const cpuBefore = await serverCpuMicros();
        const { answered, perSecond } = await load(
          mode === 'with' ? ports.withPort : ports.withoutPort,
          secondsPerRun,
        );
        const cpuAfter = await serverCpuMicros();
        runs[mode].push(perSecond);
        cpuPerRequest[mode].push((cpuAfter - cpuBefore) / answered);
      }
    }
    const median = (xs: number[]) => percentiles(xs).p50;
    const format = (xs: number[], digits: number) =>
      `${xs.map(x => x.toFixed(digits)).join(', ')} (median ${median(
        xs,
      ).toFixed(digits)})`;
    console.log(
      `B. requests/s, ${CONCURRENCY} keep-alive connections, ${ROUNDS} runs of ${secondsPerRun} s each`,
    );
    console.log(`   without middleware: ${format(runs.without, 0)}`);
    console.log(`   with middleware:    ${format(runs.with, 0)}`);
    console.log(
      `   ratio with/without ${(
        median(runs.with) / median(runs.without)
      ).toFixed(3)} (goal ≥ 0.95)`,
    );
    // Throughput swings with what else runs on the machine; the server's own CPU time
    // per request does much less, and its ratio is the throughput ratio of a server
    // that has a core to itself and is kept busy.
    console.log(
      `   server CPU µs/request without: ${format(cpuPerRequest.without, 1)}`,
    );
    console.log(
      `   server CPU µs/request with:    ${format(cpuPerRequest.with, 1)}`,
    );
    console.log(
      `   CPU-bound ratio with/without ${(
        median(cpuPerRequest.without) / median(cpuPerRequest.with)
      ).toFixed(3)} (goal ≥ 0.95)`,
    );
  } finally {
    child.disconnect();
  }
}

async function main() {
  await scrapeBench();
  await middlewareBench();
}

if (process.argv[2] === 'serve') {
  serve();
} else {
  main().catch(e => {
    console.error(e);
    process.exit(1);
  });
}
