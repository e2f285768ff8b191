import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ibiasTestDatabaseIds } from '@internal/ibias-test-utils';
import { DEFAULT_ANALYSIS_POLICY } from '@internal/plugin-ibias-deployments-common';
import { DeployEngine } from '../engine/DeployEngine';
import { OutageStore } from '../testing/OutageStore';
import { ScriptedTarget } from '../testing/ScriptedTarget';
import { testStore } from '../testing/testStore';
import { createRouter } from '../service/router';
import type { DeploymentService } from '../service/DeploymentService';
import { checkHttp } from './checkHttp';
import { PluginHealthCheck } from './PluginHealthCheck';

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

/** A loopback dependency whose readiness answer the test chooses. */
async function dependency() {
  let mode: 'ready' | 'failing' | 'hanging' = 'ready';
  const server = http.createServer((_req, res) => {
    if (mode === 'hanging') return;
    res.writeHead(mode === 'ready' ? 200 : 503).end('Prometheus is Ready.');
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    set: (m: typeof mode) => {
      mode = m;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise(r => server.close(r));
    },
  };
}

describe.each(databases.eachSupportedId())('GET /health on %s', id => {
  async function setup() {
    const outage = new OutageStore(await testStore(databases, id));
    const prometheus = await dependency();
    const target = new ScriptedTarget('local');
    (target as { dependencies?: () => Promise<unknown> }).dependencies =
      async () => [await checkHttp('prometheus', `${prometheus.url}/-/ready`)];
    const engine = new DeployEngine({
      store: outage.store,
      target,
      logger: mockServices.logger.mock(),
      analysisPolicy: () => DEFAULT_ANALYSIS_POLICY,
    });
    let clock = 0;
    const health = new PluginHealthCheck({
      store: outage.store,
      engine,
      targets: [target],
      now: () => clock,
    });
    const router = createRouter({
      service: {} as DeploymentService,
      httpAuth: mockServices.httpAuth({
        defaultCredentials: mockCredentials.none(),
      }),
      health,
    });
    const server = express().use(router).use(mockErrorHandler());
    const get = async () => {
      clock += 5_000; // past the one-second cache
      return request(server).get('/health');
    };
    return { outage, prometheus, get };
  }

  it('ok; down (503) while the database is unreachable; degraded when Prometheus is', async () => {
    const { outage, prometheus, get } = await setup();
    try {
      const ok = await get();
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        status: 'ok',
        checks: [
          { name: 'database', status: 'ok' },
          { name: 'local/prometheus', status: 'ok' },
        ],
        engine: { runningHere: 0, lastSweepAt: null, abandonedAtLastSweep: 0 },
      });

      outage.down = true;
      const down = await get();
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('down');
      expect(down.body.checks[0]).toEqual({
        name: 'database',
        status: 'down',
        latencyMs: expect.any(Number),
        detail: 'unreachable',
      });
      outage.down = false;

      prometheus.set('failing');
      const failing = await get();
      expect(failing.status).toBe(200);
      expect(failing.body.status).toBe('degraded');
      expect(failing.body.checks[1]).toMatchObject({
        name: 'local/prometheus',
        status: 'down',
        detail: 'answered 503',
      });

      prometheus.set('hanging');
      const hanging = await get();
      expect(hanging.body.status).toBe('degraded');
      expect(hanging.body.checks[1]).toMatchObject({
        status: 'down',
        detail: 'timed out after 2 s',
      });

      // Nothing of an address or an error's text reaches an unauthenticated caller.
      for (const body of [down.body, failing.body, hanging.body]) {
        expect(JSON.stringify(body)).not.toMatch(
          /127\.0\.0\.1|ECONNREFUSED|5432/,
        );
      }
    } finally {
      await prometheus.close();
    }
  });

  it('an unreachable dependency is down, not an error', async () => {
    const gone = await checkHttp('prometheus', 'http://127.0.0.1:9/-/ready');
    expect(gone).toEqual({
      name: 'prometheus',
      status: 'down',
      latencyMs: expect.any(Number),
      detail: 'unreachable',
    });
  });
});

describe('PluginHealthCheck under load and with targets of modules', () => {
  const engine = {
    status: () => ({
      runningHere: 0,
      lastSweepAt: null,
      abandonedAtLastSweep: 0,
    }),
  };

  it('concurrent requests share one check; a hung ping is not joined by another', async () => {
    let pings = 0;
    const store = {
      ping: () => {
        pings += 1;
        return new Promise<void>(() => {}); // a pool that never hands out a connection
      },
    };
    let clock = 0;
    const health = new PluginHealthCheck({
      store: store as never,
      engine,
      targets: [],
      now: () => clock,
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => health.check()),
    );
    expect(pings).toBe(1);
    expect(answers.every(a => a.status === 'down')).toBe(true);
    expect(answers[0].checks[0].detail).toBe('timed out after 2 s');
    clock += 5_000;
    const again = await health.check();
    expect(again.checks[0]).toMatchObject({
      status: 'down',
      detail: 'timed out after 2 s',
    });
    expect(pings).toBe(1);
  });

  it("passes on only the document's fields and fixed phrases of a module's target", async () => {
    const leaky = new ScriptedTarget('vercel');
    (leaky as { dependencies?: () => Promise<unknown> }).dependencies =
      async () => [
        {
          name: 'api <https://token@api.vercel.example>',
          status: 'down',
          latencyMs: 12.7,
          detail: 'getaddrinfo ENOTFOUND api.vercel.example (token abc123)',
          token: 'abc123',
        },
        { name: 'edge', status: 'ok', detail: 'answered 200' },
      ];
    const health = new PluginHealthCheck({
      store: { ping: async () => {} } as never,
      engine,
      targets: [leaky],
    });
    const answer = await health.check();
    expect(answer.status).toBe('degraded');
    expect(answer.checks.slice(1)).toEqual([
      {
        name: 'vercel/apihttpstokenapi.vercel.example',
        status: 'down',
        latencyMs: 13,
      },
      { name: 'vercel/edge', status: 'ok', detail: 'answered 200' },
    ]);
    expect(JSON.stringify(answer)).not.toMatch(/abc123|ENOTFOUND/);
  });
});
