import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Vercel } from '@vercel/sdk';
import type { DrainLogEntry } from './logDrain';
import { startLoopbackVercel, type LoopbackVercel } from './server';

// The log-drain simulator against a receiver that checks the signature the way Vercel's
// documentation does it: HMAC-SHA1 of the raw body, hex, compared in constant time.
const TOKEN = 'vercel_t0ken';
const SECRET = 'drain-secret';

interface Received {
  signatureOk: boolean;
  body: string;
}

async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(
        createHmac('sha1', SECRET).update(raw).digest('hex'),
      );
      const got = Buffer.from(String(req.headers['x-vercel-signature'] ?? ''));
      const signatureOk =
        got.length === expected.length && timingSafeEqual(got, expected);
      received.push({ signatureOk, body: raw.toString('utf8') });
      if (!signatureOk) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            code: 'invalid_signature',
            error: "signature didn't match",
          }),
        );
        return;
      }
      res.writeHead(200);
      res.end();
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/drain`,
    received,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

describe('drainTo', () => {
  let loopback: LoopbackVercel;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let deployment: { id: string; url: string };

  beforeEach(async () => {
    loopback = await startLoopbackVercel({
      token: TOKEN,
      buildDelayMs: 5,
      projects: [
        { name: 'web', repo: { org: 'ibias', repo: 'web', repoId: 1 } },
      ],
      faultyRefs: { 'v2.0.0': 1 },
    });
    receiver = await startReceiver();
    const vercel = new Vercel({ bearerToken: TOKEN, serverURL: loopback.url });
    const created = await vercel.deployments.createDeployment({
      requestBody: {
        name: 'web',
        target: 'production',
        gitSource: { type: 'github', org: 'ibias', repo: 'web', ref: 'v2.0.0' },
      },
    });
    await loopback.waitForBuild(created.id);
    if (!('url' in created)) throw new Error('the SDK parsed the minimal view');
    deployment = { id: created.id, url: created.url };
  });
  afterEach(async () => {
    await loopback.close();
    await receiver.close();
  });

  it('sends what the deployment served as a signed JSON array in Vercel drain format', async () => {
    const base = loopback.urlFor(deployment.url);
    await fetch(`${base}/health`);
    await fetch(`${base}/api/orders?page=2`, {
      headers: { 'user-agent': 'smoke' },
    });

    const sent = await loopback.drainTo(receiver.url, SECRET, {
      deploymentId: deployment.id,
    });
    expect(sent.statuses).toEqual([200]);
    expect(sent.signature).toBe(
      createHmac('sha1', SECRET).update(sent.body).digest('hex'),
    );
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].signatureOk).toBe(true);
    const entries: DrainLogEntry[] = JSON.parse(receiver.received[0].body);
    expect(entries).toHaveLength(2);
    const project = loopback.project('web');
    expect(entries[1]).toEqual({
      id: expect.any(String),
      deploymentId: deployment.id,
      projectId: project.id,
      projectName: 'web',
      source: 'lambda',
      type: 'stdout',
      level: 'error',
      host: deployment.url,
      path: '/api/orders?page=2',
      message: 'GET /api/orders?page=2 500',
      timestamp: expect.any(Number),
      statusCode: 500,
      requestId: entries[1].id,
      environment: 'production',
      executionRegion: 'iad1',
      proxy: {
        timestamp: entries[1].timestamp,
        method: 'GET',
        host: deployment.url,
        path: '/api/orders?page=2',
        userAgent: ['smoke'],
        region: 'iad1',
        statusCode: 500,
        clientIp: '127.0.0.1',
        scheme: 'https',
        vercelCache: 'MISS',
        lambdaRegion: 'iad1',
      },
    });
    expect(entries[0]).toMatchObject({ path: '/health', statusCode: 200 });

    // What was drained is not sent again.
    const next = await loopback.drainTo(receiver.url, SECRET, {
      deploymentId: deployment.id,
    });
    expect(next.entries).toEqual([]);
  });

  it('sends made-up requests, a bad signature, or the same batch twice', async () => {
    const bad = await loopback.drainTo(receiver.url, SECRET, {
      deploymentId: deployment.url,
      requests: [{ path: '/api/x', statusCode: 502 }],
      badSignature: true,
    });
    expect(bad.statuses).toEqual([403]);
    expect(receiver.received[0].signatureOk).toBe(false);
    expect(bad.entries[0]).toMatchObject({ statusCode: 502, level: 'error' });

    const replayed = await loopback.drainTo(receiver.url, SECRET, {
      deploymentId: deployment.id,
      requests: [{ method: 'POST', path: '/api/y' }],
      replay: true,
    });
    expect(replayed.statuses).toEqual([200, 200]);
    expect(receiver.received[1].body).toBe(receiver.received[2].body);
    expect(JSON.parse(receiver.received[2].body)[0]).toMatchObject({
      proxy: { method: 'POST', path: '/api/y', statusCode: 200 },
    });
  });
});
