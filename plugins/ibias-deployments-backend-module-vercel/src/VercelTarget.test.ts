import { mockServices } from '@backstage/backend-test-utils';
import {
  startLoopbackVercel,
  type LoopbackVercel,
} from '@internal/ibias-vercel-loopback';
import type { TargetRef } from '@internal/plugin-ibias-deployments-node';
import { Vercel } from '@vercel/sdk';
import { VercelDrainRecords } from './drain/VercelDrainRecords';
import { VercelTarget, type VercelTargetOptions } from './VercelTarget';

const TOKEN = 'vercel_t0ken_never_shown';
const REPO = { org: 'ibias', repo: 'ibias-web', repoId: 4242 };
const REF: TargetRef = {
  service: 'ibias-web',
  entityRef: 'component:default/ibias-web',
  environment: 'production',
};

describe('VercelTarget on the loopback Vercel API with @vercel/sdk', () => {
  let loopback: LoopbackVercel;
  let target: VercelTarget;
  let options: VercelTargetOptions;
  let records: VercelDrainRecords;
  let projectId: string;

  beforeEach(async () => {
    loopback = await startLoopbackVercel({
      token: TOKEN,
      buildDelayMs: 5,
      projects: [
        { name: 'ibias-web', repo: REPO, domains: ['ibias.example.com'] },
      ],
      failingRefs: ['9.9.9'],
      faultyRefs: { '3.0.0': 0.5 },
    });
    projectId = loopback.project('ibias-web').id;
    records = new VercelDrainRecords();
    options = {
      client: new Vercel({
        bearerToken: TOKEN,
        serverURL: loopback.url,
        timeoutMs: 5_000,
      }),
      api: { url: loopback.url, token: TOKEN },
      teamId: loopback.team.id,
      projects: {
        'ibias-web': { projectId, repo: { org: REPO.org, repo: REPO.repo } },
      },
      resolveUrl: host => loopback.urlFor(host),
      records,
      buildTimeoutMs: 5_000,
      pollIntervalMs: 10,
      logger: mockServices.logger.mock(),
    };
    target = new VercelTarget(options);
  });
  afterEach(() => loopback.close());

  const production = () => loopback.project('ibias-web').productionDeploymentId;
  it('refuses a service without a configured project', async () => {
    const other = { ...REF, service: 'ibias-api' };
    expect(target.cannotDeploy(other)).toBe(
      'ibias.deployments.vercel.projects has no project for ibias-api',
    );
    await expect(target.deploy(other, '1.0.0')).rejects.toThrow(
      'ibias.deployments.vercel.projects has no project for ibias-api',
    );
  });

  it('surfaces a failed build with its error code, and never the token', async () => {
    const failure = await target.deploy(REF, '9.9.9').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failure?.message).toMatch(
      /^The Vercel build of ibias-web 9\.9\.9 \(dpl_\w+\) ended in ERROR \(BUILD_UTILS_SPAWN_1/,
    );
    expect(failure?.message).not.toContain(TOKEN);
    expect(await target.versions(REF)).toEqual([]);
  });

  it('turns an API error into a message without the token', async () => {
    const wrong = new VercelTarget({
      client: new Vercel({ bearerToken: 'wrong', serverURL: loopback.url }),
      api: { url: loopback.url, token: 'wrong' },
      projects: {
        'ibias-web': { projectId, repo: { org: REPO.org, repo: REPO.repo } },
      },
      resolveUrl: host => loopback.urlFor(host),
      records,
      buildTimeoutMs: 1_000,
      logger: mockServices.logger.mock(),
    });
    await expect(wrong.versions(REF)).rejects.toThrow(
      'Listing Vercel deployments failed: Vercel answered 403 forbidden: Not authorized',
    );
    expect(await wrong.dependencies()).toEqual([
      expect.objectContaining({
        name: 'api',
        status: 'down',
        detail: 'answered 403',
      }),
    ]);
    expect(await target.dependencies()).toEqual([
      expect.objectContaining({ name: 'api', status: 'ok' }),
    ]);
  });

  it('deploys staged, checks the unique URL, promotes, and rolls back instantly', async () => {
    await target.deploy(REF, '1.0.0');
    // Built from the tag as a staged production deployment: no domains yet.
    expect(loopback.requests).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        body: expect.objectContaining({
          target: 'production',
          gitSource: {
            type: 'github',
            org: 'ibias',
            repo: 'ibias-web',
            ref: '1.0.0',
          },
        }),
      }),
    );
    expect(production()).toBeNull();
    expect(await target.traffic(REF)).toEqual({});
    expect(await target.healthChecks(REF, '1.0.0')).toEqual([
      { query: 'GET /health', passed: true, detail: 'answered 200' },
    ]);
    expect(await target.smokeTests(REF, '1.0.0')).toEqual([
      { query: 'GET /', passed: true, detail: 'answered 200' },
    ]);

    expect(await target.health(REF)).toBe('unknown');
    await target.setTraffic(REF, '1.0.0', 100, null);
    expect(await target.traffic(REF)).toEqual({ '1.0.0': 100 });
    expect(await target.health(REF)).toBe('healthy');
    expect(target.url(REF)).toBe('https://ibias.example.com');
    const v1 = production();

    // Deploying again is idempotent: the READY deployment is reused.
    const creates = () =>
      loopback.requests.filter(
        r => r.method === 'POST' && r.path.startsWith('/v13/deployments'),
      ).length;
    await target.deploy(REF, '1.0.0');
    expect(creates()).toBe(1);

    await target.deploy(REF, '1.1.0');
    expect(creates()).toBe(2);
    // Staged: 1.0.0 still has the production domains.
    expect(production()).toBe(v1);
    expect(await target.traffic(REF)).toEqual({ '1.0.0': 100 });
    await target.setTraffic(REF, '1.1.0', 100, '1.0.0');
    expect(await target.traffic(REF)).toEqual({ '1.1.0': 100 });
    const health = await fetch(
      `${loopback.urlFor('ibias.example.com')}/health`,
    );
    expect(await health.json()).toEqual({ status: 'ok', version: '1.1.0' });
    expect(await target.versions(REF)).toEqual(['1.1.0', '1.0.0']);

    // The engine's rollback: the previous version back at 100 %, by instant rollback.
    await target.setTraffic(REF, '1.1.0', 0, '1.0.0');
    expect(production()).toBe(v1);
    expect(await target.traffic(REF)).toEqual({ '1.0.0': 100 });
    expect(loopback.requests).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        path: expect.stringMatching(
          new RegExp(`^/v1/projects/${projectId}/rollback/${v1}`),
        ),
      }),
    );
    // And forward again with promote.
    await target.setTraffic(REF, '1.1.0', 100, '1.0.0');
    expect(await target.traffic(REF)).toEqual({ '1.1.0': 100 });
  });

  it('after a crash mid-build, a second deploy waits for the same deployment', async () => {
    const creates = () =>
      loopback.requests.filter(
        r => r.method === 'POST' && r.path.startsWith('/v13/deployments'),
      ).length;
    await Promise.all([
      target.deploy(REF, '1.0.0'),
      // Starts once the first has created its deployment (still QUEUED or BUILDING).
      (async () => {
        while (creates() === 0) await new Promise(r => setTimeout(r, 1));
        await target.deploy(REF, '1.0.0');
      })(),
    ]);
    expect(creates()).toBe(1);
  });

  it('refuses to take traffic off the only production deployment', async () => {
    await target.deploy(REF, '1.0.0');
    await target.setTraffic(REF, '1.0.0', 100, null);
    await expect(target.setTraffic(REF, '1.0.0', 0, null)).rejects.toThrow(
      '1.0.0 is the only production deployment of ibias-web on Vercel: there is nothing to move its traffic to',
    );
  });

  it('drives a canary as a Vercel rolling release: stages from the canary weights, approve, complete', async () => {
    await target.deploy(REF, '1.0.0');
    await target.setTraffic(REF, '1.0.0', 100, null);
    const first = production();
    await target.deploy(REF, '1.1.0');
    await target.setTraffic(REF, '1.1.0', 10, '1.0.0');
    const p = loopback.project('ibias-web');
    // The project's stages were set to the engine's weights (the SDK cannot: raw PATCH).
    expect(p.rollingReleaseConfig?.stages.map(s => s.targetPercentage)).toEqual(
      [10, 50, 100],
    );
    expect(p.rollingRelease).toMatchObject({ state: 'ACTIVE', activeIndex: 0 });
    expect(await target.traffic(REF)).toEqual({ '1.0.0': 90, '1.1.0': 10 });
    await target.setTraffic(REF, '1.1.0', 50, '1.0.0');
    // A retried step changes nothing.
    await target.setTraffic(REF, '1.1.0', 50, '1.0.0');
    expect(await target.traffic(REF)).toEqual({ '1.0.0': 50, '1.1.0': 50 });
    await target.setTraffic(REF, '1.1.0', 100, '1.0.0');
    expect(loopback.project('ibias-web').rollingRelease?.state).toBe(
      'COMPLETE',
    );
    expect(production()).not.toBe(first);
    expect(await target.traffic(REF)).toEqual({ '1.1.0': 100 });
    // A rolling deploy's steps are a rolling release too, with its own stages.
    await target.deploy(REF, '1.3.0');
    await target.setTraffic(REF, '1.3.0', 25, '1.1.0');
    expect(
      loopback
        .project('ibias-web')
        .rollingReleaseConfig?.stages.map(s => s.targetPercentage),
    ).toEqual([25, 50, 75, 100]);
    await target.setTraffic(REF, '1.3.0', 50, '1.1.0');
    await target.setTraffic(REF, '1.3.0', 75, '1.1.0');
    expect(await target.traffic(REF)).toEqual({ '1.1.0': 25, '1.3.0': 75 });
    await target.setTraffic(REF, '1.3.0', 100, '1.1.0');
    expect(await target.traffic(REF)).toEqual({ '1.3.0': 100 });
    // Stages that already match are left alone: one PATCH per change.
    await target.deploy(REF, '1.2.0');
    await target.setTraffic(REF, '1.2.0', 10, '1.3.0');
    await target.setTraffic(REF, '1.2.0', 100, '1.3.0');
    await target.deploy(REF, '1.4.0');
    await target.setTraffic(REF, '1.4.0', 10, '1.2.0');
    expect(
      loopback.requests.filter(
        r => r.method === 'PATCH' && r.path.includes('rolling-release/config'),
      ),
    ).toHaveLength(3);
  });

  it('aborts a rolling release by rolling back to the stable deployment', async () => {
    await target.deploy(REF, '1.0.0');
    await target.setTraffic(REF, '1.0.0', 100, null);
    const stable = production();
    await target.deploy(REF, '3.0.0');
    await target.setTraffic(REF, '3.0.0', 10, '1.0.0');
    // What the engine does on a rollback trigger.
    await target.setTraffic(REF, '1.0.0', 100, null);
    expect(loopback.project('ibias-web').rollingRelease?.state).toBe('ABORTED');
    expect(production()).toBe(stable);
    expect(await target.traffic(REF)).toEqual({ '1.0.0': 100 });
    expect(loopback.requests).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        path: expect.stringMatching(/^\/v9\/projects\/prj_\w+\/rollback\/dpl_/),
      }),
    );
  });

  it('completes the rolling release Vercel makes of a later blue-green promotion', async () => {
    await target.deploy(REF, '1.0.0');
    await target.setTraffic(REF, '1.0.0', 100, null);
    await target.deploy(REF, '1.1.0');
    await target.setTraffic(REF, '1.1.0', 10, '1.0.0');
    await target.setTraffic(REF, '1.1.0', 100, '1.0.0');
    // Rolling Releases stay enabled on the project: Vercel rolls a promotion out.
    await target.deploy(REF, '1.2.0');
    await target.setTraffic(REF, '1.2.0', 100, '1.1.0');
    expect(await target.traffic(REF)).toEqual({ '1.2.0': 100 });
    expect(loopback.project('ibias-web').rollingRelease).toMatchObject({
      state: 'COMPLETE',
      canaryDeploymentId: production(),
    });
  });

  it("aborts a rolling release to the deployment it started from when the stable version's is gone", async () => {
    await target.deploy(REF, '1.0.0');
    await target.setTraffic(REF, '1.0.0', 100, null);
    const stable = production();
    await target.deploy(REF, '3.0.0');
    await target.setTraffic(REF, '3.0.0', 10, '1.0.0');
    // The engine asks for a version Vercel has no READY deployment of.
    await expect(target.setTraffic(REF, '0.9.0', 100, null)).rejects.toThrow(
      `The rolling release of ibias-web was aborted to ${stable}, but no READY Vercel deployment of 0.9.0 was found`,
    );
    expect(loopback.project('ibias-web').rollingRelease?.state).toBe('ABORTED');
    expect(production()).toBe(stable);
  });

  it('refuses canary weights that start where a rolling deploy starts', () => {
    expect(
      () => new VercelTarget({ ...options, canaryWeights: [25, 60, 100] }),
    ).toThrow(
      "ibias.deployments.canaryWeights may not start at 25% with the vercel target: a rolling deploy's first stage is 25%",
    );
  });

  it('refuses canary weights that are not stages, and a first deployment as a canary', async () => {
    await target.deploy(REF, '1.0.0');
    await expect(target.setTraffic(REF, '1.0.0', 10, null)).rejects.toThrow(
      'ibias-web has no production deployment on Vercel to roll 1.0.0 out from: deploy it blue-green first',
    );
    await target.setTraffic(REF, '1.0.0', 100, null);
    await target.deploy(REF, '1.1.0');
    await expect(target.setTraffic(REF, '1.1.0', 30, '1.0.0')).rejects.toThrow(
      '30% is not a stage of a Vercel rolling release (10, 50, 100 or 25, 50, 75, 100)',
    );
    await expect(target.setTraffic(REF, '1.1.0', 50, '1.0.0')).rejects.toThrow(
      'No rolling release of ibias-web is active on Vercel to move to 50%',
    );
  });

  it('deploys a preview environment behind its alias: previews of tags, the alias switches back and forth', async () => {
    const STAGING: TargetRef = { ...REF, environment: 'staging' };
    const alias = 'staging.ibias.example.com';
    const previews = new VercelTarget({
      ...options,
      projects: {
        'ibias-web': {
          projectId,
          repo: { org: REPO.org, repo: REPO.repo },
          environments: {
            staging: {
              projectId,
              repo: { org: REPO.org, repo: REPO.repo },
              preview: { alias },
            },
          },
        },
      },
    });
    await previews.deploy(REF, '1.0.0');
    await previews.setTraffic(REF, '1.0.0', 100, null);
    const prod = production();
    // The tags with a production build are offered; nothing is behind the alias yet.
    expect(await previews.versions(STAGING)).toEqual(['1.0.0']);
    expect(await previews.traffic(STAGING)).toEqual({});
    expect(await previews.health(STAGING)).toBe('unknown');

    await previews.deploy(STAGING, '1.0.0');
    const created = loopback.requests.filter(
      r => r.method === 'POST' && r.path.startsWith('/v13/deployments'),
    );
    expect(created).toHaveLength(2);
    // A preview: no target, so it never touches production's domains.
    expect(created[1].body).not.toHaveProperty('target');
    await previews.setTraffic(STAGING, '1.0.0', 100, null);
    expect(await previews.traffic(STAGING)).toEqual({ '1.0.0': 100 });
    expect(await previews.health(STAGING)).toBe('healthy');
    expect(previews.url(STAGING)).toBe(`https://${alias}`);
    const served = async () =>
      (await (await fetch(`${loopback.urlFor(alias)}/health`)).json()).version;
    expect(await served()).toBe('1.0.0');

    await previews.deploy(STAGING, '1.1.0');
    expect(await previews.healthChecks(STAGING, '1.1.0')).toEqual([
      { query: 'GET /health', passed: true, detail: 'answered 200' },
    ]);
    await previews.setTraffic(STAGING, '1.1.0', 100, '1.0.0');
    expect(await served()).toBe('1.1.0');
    expect(await previews.versions(STAGING)).toEqual(['1.1.0', '1.0.0']);
    // The engine's rollback: the alias goes back to 1.0.0's preview.
    await previews.setTraffic(STAGING, '1.1.0', 0, '1.0.0');
    expect(await served()).toBe('1.0.0');
    expect(await previews.traffic(STAGING)).toEqual({ '1.0.0': 100 });
    expect(previews.refusesStrategy(STAGING, 'canary')).toMatch(
      /is a Vercel preview behind an alias/,
    );
    expect(previews.refusesStrategy(STAGING, 'blue-green')).toBeUndefined();
    expect(previews.refusesStrategy(REF, 'canary')).toBeUndefined();
    await expect(
      previews.setTraffic(STAGING, '1.1.0', 10, '1.0.0'),
    ).rejects.toThrow(
      'staging of ibias-web is a Vercel preview behind an alias, which cannot split traffic (Rolling Releases are for production): deploy it blue-green',
    );
    // A branch a developer pushed and named like a release is no version of previews.
    const branch = await fetch(`${loopback.url}/v13/deployments`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${TOKEN}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({
        name: 'ibias-web',
        gitSource: { type: 'github', repoId: REPO.repoId, ref: '7.7.7' },
      }),
    });
    await loopback.waitForBuild((await branch.json()).id);
    expect(await previews.versions(STAGING)).toEqual(['1.1.0', '1.0.0']);
    // Production was never touched.
    expect(production()).toBe(prod);
    expect(await previews.traffic(REF)).toEqual({ '1.0.0': 100 });
  });

  it('fails a health check of a version that has no READY deployment', async () => {
    expect(await target.healthChecks(REF, '2.0.0')).toEqual([
      {
        query: 'GET /health',
        passed: false,
        detail: 'no READY Vercel deployment of 2.0.0',
      },
    ]);
    await expect(target.setTraffic(REF, '2.0.0', 100, null)).rejects.toThrow(
      'No READY Vercel deployment of ibias-web 2.0.0',
    );
  });

  it('lists only READY release tags, newest first', async () => {
    await target.deploy(REF, '1.0.0');
    await target.deploy(REF, 'v1.2.0');
    await target.deploy(REF, 'feature-x');
    await target.deploy(REF, '9.9.9').catch(() => undefined);
    expect(await target.versions(REF)).toEqual(['1.2.0', '1.0.0']);
  });

  it("offers the repository's GitHub release tags too, and builds one Vercel has not built", async () => {
    let github: () => Promise<string[]> = async () => [
      '1.3.0',
      '1.0.0',
      '0.9.0',
    ];
    const asked: string[] = [];
    const withTags = new VercelTarget({
      ...options,
      releases: {
        repository: location => {
          asked.push(location ?? '');
          return {
            fullName: 'ibias/ibias-web',
            url: 'https://github.com/ibias/ibias-web',
            apiBaseUrl: 'https://api.github.com',
          };
        },
        versions: () => github(),
      },
    });
    await withTags.deploy(REF, '1.0.0');
    await withTags.deploy(REF, '1.1.0');
    expect(await withTags.versions(REF)).toEqual([
      '1.3.0',
      '1.1.0',
      '1.0.0',
      '0.9.0',
    ]);
    expect(asked).toEqual(['url:https://github.com/ibias/ibias-web']);
    // A tag only GitHub has: deploying it builds it on Vercel.
    await withTags.deploy(REF, '1.3.0');
    expect(
      loopback
        .deployments()
        .filter(
          d => d.meta.ibiasVersion === '1.3.0' && d.readyState === 'READY',
        ),
    ).toHaveLength(1);
    // GitHub down: Vercel's builds are still offered.
    github = async () => {
      throw new Error('Could not list the release tags of ibias/ibias-web');
    };
    expect(await withTags.versions(REF)).toEqual(['1.3.0', '1.1.0', '1.0.0']);
  });

  it('builds a version from the tag with the configured prefix', async () => {
    const prefixed = new VercelTarget({
      ...options,
      projects: {
        'ibias-web': {
          projectId,
          repo: { org: REPO.org, repo: REPO.repo },
          tagPrefix: 'v',
        },
      },
    });
    await prefixed.deploy(REF, '2.0.0');
    expect(loopback.requests).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        body: expect.objectContaining({
          gitSource: expect.objectContaining({ ref: 'v2.0.0' }),
          meta: { ibiasVersion: '2.0.0' },
        }),
      }),
    );
    expect(await prefixed.versions(REF)).toEqual(['2.0.0']);
    // Deploying again finds it by version.
    await prefixed.deploy(REF, '2.0.0');
    expect(
      loopback.requests.filter(
        r => r.method === 'POST' && r.path.startsWith('/v13/deployments'),
      ),
    ).toHaveLength(1);
  });

  it('reports drained counts in words next to what its own load measured', async () => {
    await target.deploy(REF, '1.0.0');
    const since = Date.now() - 1000;
    await target.setTraffic(REF, '1.0.0', 100, null);
    const id = production()!;
    records.record(
      [
        {
          id: 'e1',
          requestId: 'r1',
          deploymentId: id,
          projectId,
          timestamp: Date.now(),
          statusCode: 200,
        },
        {
          id: 'e2',
          requestId: 'r2',
          deploymentId: id,
          projectId,
          timestamp: Date.now(),
          statusCode: 503,
        },
      ],
      new Set([projectId]),
    );
    // No load ran: nothing measured, and the drain's counts are not used.
    const m = await target.metrics(REF, '1.0.0', since);
    expect(m).toMatchObject({
      requests: 0,
      errors: 0,
      p95Ms: null,
      source: 'target-probe',
    });
    expect(m.detail).toBe(
      `Vercel log drains counted 2 requests (1 answered 5xx) to ${id}: fewer than 10, so the portal's own load decides; the portal sent no probe load to 1.0.0`,
    );
    expect(m.query).toBe(
      `Portal probe load GET / at 10 rps on the deployment of 1.0.0 since ${new Date(
        since,
      ).toISOString()}: 0 requests timed by the portal, errors = 5xx or no answer within 5000 ms, p95 nearest-rank`,
    );
  });

  it('times its own load against the unique URL of the version under analysis', async () => {
    const loaded = new VercelTarget({
      ...options,
      load: { production: { rps: 100, method: 'GET', path: '/api/ping' } },
    });
    await loaded.deploy(REF, '1.0.0');
    await loaded.setTraffic(REF, '1.0.0', 100, null);
    await loaded.deploy(REF, '3.0.0');
    const healthy = loopback.deployment(production()!)!.url;
    const since = Date.now();
    await loaded.setTraffic(REF, '3.0.0', 100, '1.0.0');
    const faulty = loopback.deployment(production()!)!.url;
    await loaded.setLoad(REF, true);
    await new Promise(r => setTimeout(r, 500));
    const during = await loaded.metrics(REF, '3.0.0', since);
    await loaded.setLoad(REF, false);
    await new Promise(r => setTimeout(r, 100));
    const m = await loaded.metrics(REF, '3.0.0', since);

    // Only the version under analysis was loaded, on its unique URL.
    const pinged = (host: string) =>
      loopback.requests.filter(
        r => r.path === `/_deployments/${host}/api/ping`,
      );
    const sent = pinged(faulty);
    expect(sent.length).toBeGreaterThanOrEqual(20);
    expect(loopback.requests.filter(r => r.path.endsWith('/api/ping'))).toEqual(
      sent,
    );
    expect(pinged(healthy)).toEqual([]);
    expect(m.requests).toBe(sent.length);
    // The loopback answers 500 on half the requests of 3.0.0, spread evenly.
    expect(m.errors / m.requests).toBeGreaterThan(0.4);
    expect(m.errors / m.requests).toBeLessThan(0.6);
    expect(m.p95Ms).toEqual(expect.any(Number));
    expect(m.p95Ms!).toBeGreaterThan(0);
    expect(m).toMatchObject({ source: 'target-probe' });
    expect(m.query).toContain(
      `Portal probe load GET /api/ping at 100 rps on ${faulty} (3.0.0) since`,
    );
    expect(during.detail).toMatch(/^Vercel log drains counted 0 requests/);
    // Drained requests of real callers, once there are enough, give the error rate.
    const faultyId = production()!;
    records.record(
      Array.from({ length: 20 }, (_, i) => ({
        id: `real-${i}`,
        requestId: `real-${i}`,
        deploymentId: faultyId,
        projectId,
        timestamp: Date.now(),
        statusCode: i < 5 ? 502 : 200,
      })),
      new Set([projectId]),
    );
    const drained = await loaded.metrics(REF, '3.0.0', since);
    expect(drained).toMatchObject({
      requests: 20,
      errors: 5,
      p95Ms: m.p95Ms,
      source: 'log-drain',
    });
    expect(drained.query).toContain(
      `Vercel log drains of ${faultyId} (3.0.0) since`,
    );
    // Stopped: nothing more is sent.
    await new Promise(r => setTimeout(r, 100));
    expect(pinged(faulty).length).toBe(sent.length);
    expect(await loaded.metrics(REF, '1.0.0', since)).toMatchObject({
      requests: 0,
    });
    await loaded.stop();
  });

  it('loads every READY version when it does not know which one is analysed', async () => {
    await target.deploy(REF, '1.0.0');
    await target.deploy(REF, '1.1.0');
    const fresh = new VercelTarget({
      ...options,
      load: { production: { rps: 50, method: 'GET', path: '/x' } },
    });
    await fresh.setLoad(REF, true);
    await new Promise(r => setTimeout(r, 300));
    await fresh.setLoad(REF, false);
    const since = 0;
    expect((await fresh.metrics(REF, '1.0.0', since)).requests).toBeGreaterThan(
      0,
    );
    expect((await fresh.metrics(REF, '1.1.0', since)).requests).toBeGreaterThan(
      0,
    );
  });

  it('sends nothing when the environment sets 0 rps', async () => {
    const off = new VercelTarget({
      ...options,
      load: { production: { rps: 0, method: 'GET', path: '/off' } },
    });
    await off.deploy(REF, '1.0.0');
    await off.setLoad(REF, true);
    await new Promise(r => setTimeout(r, 100));
    await off.setLoad(REF, false);
    expect(loopback.requests.some(r => r.path.endsWith('/off'))).toBe(false);
  });
});
