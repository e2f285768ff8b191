// The Vercel target's two costs, measured in one run:
//   npm run bench -- bench/vercel-targets.ts [entries] [seconds]
//
// A. Log-drain intake: `entries` signed drain entries (batches of 500, as Vercel sends
//    them) through what POST /vercel/log-drain does — HMAC-SHA1 check over the raw
//    bytes, parse, count with replay detection and bounds — against JSON.parse of the
//    same batches alone, the least any receiver must do. Then the heap after 1,000,000
//    entries of one deployment, which the bounds keep flat.
// B. What a faulty release costs real callers: a version that answers 500 to 30 % of
//    requests, behind the loopback Vercel's production domain with callers at 200 rps,
//    for the same analysis window of `seconds`: promoted blue-green (every caller on it
//    until the analysis rolls it back) against a Vercel Rolling Release at its first
//    stage (10 %), which this target drives. Errors served to callers are counted by
//    the loopback, not computed.
import { createHmac, randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { startLoopbackVercel } from '@internal/ibias-vercel-loopback';
import { Vercel } from '@vercel/sdk';
import {
  parseBatch,
  verifyDrainSignature,
} from '../plugins/ibias-deployments-backend-module-vercel/src/drain/createVercelDrainRouter';
import { VercelDrainRecords } from '../plugins/ibias-deployments-backend-module-vercel/src/drain/VercelDrainRecords';
import { VercelTarget } from '../plugins/ibias-deployments-backend-module-vercel/src/VercelTarget';

const entries = Number(process.argv[2] ?? 200_000);
const seconds = Number(process.argv[3] ?? 4);
const SECRET = 'bench-secret';
const BATCH = 500;

function batches(count: number, deployments: string[]) {
  const out: Array<{ body: Buffer; signature: string }> = [];
  for (let i = 0; i < count; i += BATCH) {
    const list = [];
    for (let j = i; j < Math.min(count, i + BATCH); j++) {
      list.push({
        id: `e${j}`,
        requestId: randomUUID(),
        deploymentId: deployments[j % deployments.length],
        projectId: 'prj_web',
        source: 'lambda',
        host: 'ibias.example.com',
        path: '/api/ping',
        message: 'GET /api/ping 200',
        timestamp: Date.now(),
        statusCode: j % 50 === 0 ? 502 : 200,
        proxy: {
          timestamp: Date.now(),
          method: 'GET',
          statusCode: j % 50 === 0 ? 502 : 200,
          userAgent: ['Mozilla/5.0'],
          region: 'iad1',
        },
      });
    }
    const body = Buffer.from(JSON.stringify(list));
    out.push({
      body,
      signature: createHmac('sha1', SECRET).update(body).digest('hex'),
    });
  }
  return out;
}

function time(fn: () => void) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function partA() {
  const deployments = Array.from({ length: 20 }, (_, i) => `dpl_${i}`);
  const input = batches(entries, deployments);
  const projects = new Set(['prj_web']);
  // Warm both paths once.
  JSON.parse(input[0].body.toString('utf8'));
  const best = (fn: () => void) => Math.min(time(fn), time(fn), time(fn));
  const baselineMs = best(() => {
    for (const b of input) JSON.parse(b.body.toString('utf8'));
  });
  const oursMs = best(() => {
    const records = new VercelDrainRecords({ onlyKnown: true });
    for (const d of deployments) records.know(d);
    for (const b of input) {
      if (!verifyDrainSignature(b.body, b.signature, SECRET)) {
        throw new Error('bad signature');
      }
      records.record(parseBatch(b.body), projects);
    }
  });
  console.log(
    `A. drain intake, ${entries} entries in batches of ${BATCH}: ours ${oursMs.toFixed(
      0,
    )} ms (${Math.round(
      entries / (oursMs / 1000),
    )} entries/s), JSON.parse alone ${baselineMs.toFixed(
      0,
    )} ms → ours/baseline ${(oursMs / baselineMs).toFixed(2)}×`,
  );

  const records = new VercelDrainRecords({ onlyKnown: true });
  records.know('dpl_hot');
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const hot = batches(100_000, ['dpl_hot']);
  for (let round = 0; round < 10; round++) {
    for (const b of hot) {
      // Fresh request ids each round: all new requests, none a replay.
      const list = parseBatch(b.body).map(e => ({
        ...e,
        requestId: `${round}-${e.requestId}`,
      }));
      records.record(list, projects);
    }
  }
  global.gc?.();
  const after = process.memoryUsage().heapUsed;
  console.log(
    `A. heap after 1,000,000 entries of one deployment: +${(
      (after - before) /
      1024 /
      1024
    ).toFixed(
      1,
    )} MiB (kept: the newest 20,000 requests per deployment, 200,000 request keys); counts now ${JSON.stringify(
      records.counts('dpl_hot', 0),
    )}`,
  );
}

const quiet: LoggerService = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  child: () => quiet,
};

async function partB() {
  const token = 'bench-token';
  const loopback = await startLoopbackVercel({
    token,
    buildDelayMs: 5,
    projects: [
      {
        name: 'ibias-web',
        repo: { org: 'ibias', repo: 'ibias-web', repoId: 1 },
        domains: ['ibias.example.com'],
      },
    ],
    faultyRefs: { '1.2.0': 0.3 },
  });
  const projectId = loopback.project('ibias-web').id;
  const target = new VercelTarget({
    client: new Vercel({ bearerToken: token, serverURL: loopback.url }),
    api: { url: loopback.url, token },
    teamId: loopback.team.id,
    projects: {
      'ibias-web': { projectId, repo: { org: 'ibias', repo: 'ibias-web' } },
    },
    resolveUrl: host => loopback.urlFor(host),
    records: new VercelDrainRecords(),
    buildTimeoutMs: 5_000,
    pollIntervalMs: 10,
    logger: quiet,
  });
  const ref = {
    service: 'ibias-web',
    entityRef: 'component:default/ibias-web',
    environment: 'production' as const,
  };
  await target.deploy(ref, '1.1.0');
  await target.setTraffic(ref, '1.1.0', 100, null);
  await target.deploy(ref, '1.2.0');

  /** Callers at 200 rps on the production domain for the window; 5xx they got. */
  async function callers() {
    let sent = 0;
    let errors = 0;
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const round = await Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(`${loopback.urlFor('ibias.example.com')}/api/ping`).then(
            r => r.status,
          ),
        ),
      );
      sent += round.length;
      errors += round.filter(s => s >= 500).length;
      await new Promise(r => setTimeout(r, 100));
    }
    return { sent, errors };
  }

  await target.setTraffic(ref, '1.2.0', 100, '1.1.0');
  const blueGreen = await callers();
  await target.setTraffic(ref, '1.1.0', 100, null); // rolled back
  await target.setTraffic(ref, '1.2.0', 10, '1.1.0');
  const rolling = await callers();
  await target.setTraffic(ref, '1.1.0', 100, null); // aborted
  await loopback.close();
  const rate = (x: { sent: number; errors: number }) =>
    `${x.errors} of ${x.sent} (${((x.errors / x.sent) * 100).toFixed(1)} %)`;
  console.log(
    `B. a faulty release (30 % 5xx) during a ${seconds} s analysis window, callers at 200 rps: blue-green served errors to ${rate(
      blueGreen,
    )}, the rolling release at 10 % to ${rate(rolling)} → rolling/blue-green ${(
      rolling.errors / Math.max(1, blueGreen.errors)
    ).toFixed(3)}×`,
  );
}

(async () => {
  await partA();
  await partB();
})().catch(e => {
  console.error(e);
  process.exit(1);
});
