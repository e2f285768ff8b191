import http from 'node:http';
import { Vercel } from '@vercel/sdk';
import { SDKError } from '@vercel/sdk/models/sdkerror.js';
import { startLoopbackVercel, type LoopbackVercel } from './server';

// The loopback driven by the real @vercel/sdk (1.28.35, pinned): what a Vercel deploy
// target will send and what the SDK makes of the answers.
const TOKEN = 'vercel_t0ken';

/**
 * The SDK types a deployment as a union of its full view and a minimal one; the loopback
 * answers the full view, and this checks that the SDK kept it.
 */
function fullView<T extends object>(body: T): Extract<T, { url: string }> {
  if (!('url' in body)) throw new Error('the SDK parsed the minimal view');
  return body as Extract<T, { url: string }>;
}
const REPO = { org: 'ibias', repo: 'web', repoId: 4242 };

describe('startLoopbackVercel with @vercel/sdk', () => {
  let loopback: LoopbackVercel;
  let vercel: Vercel;
  let projectId: string;

  beforeEach(async () => {
    loopback = await startLoopbackVercel({
      token: TOKEN,
      buildDelayMs: 5,
      projects: [{ name: 'web', repo: REPO, domains: ['web.example.com'] }],
      failingRefs: ['v9.9.9-broken'],
      faultyRefs: { 'v1.3.0-faulty': 0.5 },
    });
    vercel = new Vercel({ bearerToken: TOKEN, serverURL: loopback.url });
    projectId = loopback.project('web').id;
  });
  afterEach(() => loopback.close());

  const teamId = 'team_ibias';

  async function deploy(
    ref: string,
    target: 'production' | null = 'production',
  ) {
    const created = fullView(
      await vercel.deployments.createDeployment({
        teamId,
        requestBody: {
          name: 'web',
          project: projectId,
          ...(target ? { target } : {}),
          gitSource: { type: 'github', ...REPO, ref },
          meta: { ibiasVersion: ref },
        },
      }),
    );
    await loopback.waitForBuild(created.id);
    return created;
  }

  const errorOf = async (call: Promise<unknown>) => {
    const e = await call.then(
      () => undefined,
      err => err,
    );
    expect(e).toBeInstanceOf(SDKError);
    const sdkError = e as SDKError;
    return {
      statusCode: sdkError.statusCode,
      error: JSON.parse(sdkError.body).error,
    };
  };

  it('answers a bad token with 403 forbidden and invalidToken, as Vercel does', async () => {
    const wrong = new Vercel({ bearerToken: 'nope', serverURL: loopback.url });
    expect(
      await errorOf(wrong.projects.getProject({ idOrName: 'web' })),
    ).toEqual({
      statusCode: 403,
      error: {
        code: 'forbidden',
        message: 'Not authorized',
        invalidToken: true,
      },
    });
    const res = await fetch(`${loopback.url}/v9/projects/web`);
    expect(res.status).toBe(403);
    expect((await res.json()).error).toMatchObject({ missingToken: true });
    // Another team's scope is refused too.
    expect(
      (
        await errorOf(
          vercel.projects.getProject({ idOrName: 'web', teamId: 'team_other' }),
        )
      ).statusCode,
    ).toBe(403);
  });

  it('answers an unknown deployment with 404 not_found, parsed as SDKError', async () => {
    const e = await vercel.deployments
      .getDeployment({ idOrUrl: 'dpl_missing' })
      .catch(err => err);
    expect(e).toBeInstanceOf(SDKError);
    expect(e.statusCode).toBe(404);
    expect(e.message).toContain('API error occurred: Status 404');
    expect(JSON.parse(e.body)).toEqual({
      error: { code: 'not_found', message: 'Deployment not found' },
    });
  });

  it('refuses invalid deployments with 400 and Vercel error codes', async () => {
    const create = (requestBody: any) =>
      errorOf(vercel.deployments.createDeployment({ requestBody }));
    expect(
      await create({
        name: 'web',
        gitSource: { type: 'github', org: 'ibias', repo: 'other', ref: 'v1' },
      }),
    ).toMatchObject({
      statusCode: 400,
      error: { code: 'incorrect_git_source_info' },
    });
    expect(
      await create({
        name: 'nope',
        gitSource: { type: 'github', ...REPO, ref: 'v1' },
      }),
    ).toMatchObject({ statusCode: 404, error: { code: 'not_found' } });
  });

  it('builds a deployment from a git ref: QUEUED, then READY with a unique URL', async () => {
    const created = fullView(
      await vercel.deployments.createDeployment({
        teamId,
        requestBody: {
          name: 'web',
          project: projectId,
          target: 'production',
          gitSource: { type: 'github', repoId: REPO.repoId, ref: 'v1.0.0' },
          meta: { ibiasVersion: '1.0.0' },
        },
      }),
    );
    expect(created).toMatchObject({
      readyState: 'QUEUED',
      target: 'production',
      projectId,
      meta: { ibiasVersion: '1.0.0', githubCommitRef: 'v1.0.0' },
      gitSource: { type: 'github', ref: 'v1.0.0', repoId: REPO.repoId },
    });
    expect(created.url).toMatch(/^web-[a-z0-9]{9}-ibias\.vercel\.app$/);
    expect(loopback.requests[0]).toMatchObject({
      method: 'POST',
      path: `/v13/deployments?teamId=${teamId}`,
      body: { name: 'web', target: 'production' },
    });

    await loopback.waitForBuild(created.id);
    const byId = await vercel.deployments.getDeployment({
      idOrUrl: created.id,
    });
    expect(byId).toMatchObject({ readyState: 'READY', url: created.url });
    const byUrl = await vercel.deployments.getDeployment({
      idOrUrl: created.url,
    });
    expect(byUrl.id).toBe(created.id);
    // The first production deployment takes the production domains.
    const project = await vercel.projects.getProject({ idOrName: 'web' });
    expect(project.targets?.production).toMatchObject({ id: created.id });
    expect(byId).toMatchObject({
      alias: ['web.example.com'],
      readySubstate: 'PROMOTED',
    });

    const other = await deploy('v1.0.1');
    expect(other.url).not.toBe(created.url);
  });

  it('ends a build of a failing ref in ERROR', async () => {
    const created = await deploy('v9.9.9-broken');
    const d = await vercel.deployments.getDeployment({ idOrUrl: created.id });
    expect(d).toMatchObject({
      readyState: 'ERROR',
      errorCode: 'BUILD_UTILS_SPAWN_1',
    });
    expect(loopback.project('web').productionDeploymentId).toBeNull();
  });

  it('lists deployments newest first with projectId, target, limit and until', async () => {
    const a = await deploy('v1.0.0');
    const b = await deploy('v1.1.0');
    const preview = await deploy('feature', null);
    const page1 = await vercel.deployments.getDeployments({
      projectId,
      target: 'production',
      limit: 1,
    });
    expect(page1.deployments.map(d => d.uid)).toEqual([b.id]);
    expect(page1.deployments[0]).toMatchObject({
      url: b.url,
      readyState: 'READY',
      target: 'production',
      meta: { ibiasVersion: 'v1.1.0' },
    });
    const next = page1.pagination.next;
    expect(next).toEqual(expect.any(Number));
    const page2 = await vercel.deployments.getDeployments({
      projectId,
      target: 'production',
      limit: 1,
      until: next!,
    });
    expect(page2.deployments.map(d => d.uid)).toEqual([a.id]);
    expect(page2.pagination.next).toBeNull();
    const all = await vercel.deployments.getDeployments({ projectId });
    expect(all.deployments.map(d => d.uid)).toEqual([preview.id, b.id, a.id]);
    // The older list version answers the same way.
    const v6 = await fetch(`${loopback.url}/v6/deployments?limit=1`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect((await v6.json()).deployments[0].uid).toBe(preview.id);
  });

  it('promotes a staged deployment and keeps the previous production one', async () => {
    const first = await deploy('v1.0.0');
    await vercel.projects.updateProject({
      idOrName: 'web',
      requestBody: { autoAssignCustomDomains: false },
    });
    const second = await deploy('v1.1.0');
    expect(
      fullView(await vercel.deployments.getDeployment({ idOrUrl: second.id }))
        .readySubstate,
    ).toBe('STAGED');
    expect(loopback.project('web').productionDeploymentId).toBe(first.id);

    await vercel.projects.requestPromote({
      projectId,
      deploymentId: second.id,
    });
    expect(loopback.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: `/v10/projects/${projectId}/promote/${second.id}`,
      body: undefined,
    });
    const project = await vercel.projects.getProject({ idOrName: projectId });
    expect(project.targets?.production?.id).toBe(second.id);
    expect(project.lastAliasRequest).toMatchObject({
      fromDeploymentId: first.id,
      toDeploymentId: second.id,
      jobStatus: 'succeeded',
      type: 'promote',
    });
    const previous = await vercel.deployments.getDeployment({
      idOrUrl: first.id,
    });
    expect(previous).toMatchObject({ readyState: 'READY', alias: [] });
    const health = await fetch(`${loopback.urlFor('web.example.com')}/health`);
    expect(await health.json()).toEqual({ status: 'ok', version: 'v1.1.0' });
  });

  it.each([
    ['v1 (SDK requestRollback)', 'v1'],
    ['v9 (CLI)', 'v9'],
  ])(
    'rolls back to the previous production deployment via %s',
    async (_, v) => {
      const first = await deploy('v1.0.0');
      const second = await deploy('v1.1.0');
      expect(loopback.project('web').productionDeploymentId).toBe(second.id);
      // The SDK's call (v1, no body) or the CLI's (v9, body `{}`): both answer 201.
      const status =
        v === 'v1'
          ? await vercel.projects
              .requestRollback({
                projectId,
                deploymentId: first.id,
                description: 'bad release',
              })
              .then(() => 201)
          : (
              await fetch(
                `${loopback.url}/v9/projects/${projectId}/rollback/${first.id}?teamId=${teamId}`,
                {
                  method: 'POST',
                  headers: {
                    Authorization: `Bearer ${TOKEN}`,
                    'Content-Type': 'application/json',
                  },
                  body: '{}',
                },
              )
            ).status;
      expect(status).toBe(201);
      const project = await vercel.projects.getProject({ idOrName: 'web' });
      expect(project.targets?.production?.id).toBe(first.id);
      expect(project.lastAliasRequest).toMatchObject({ type: 'rollback' });
      // Vercel stops auto-assigning production domains after a rollback.
      expect(project.autoAssignCustomDomains).toBe(false);
      const third = await deploy('v1.2.0');
      expect(loopback.project('web').productionDeploymentId).toBe(first.id);
      // A deployment that never served production, or is not READY, is refused.
      expect(
        await errorOf(
          vercel.projects.requestRollback({
            projectId,
            deploymentId: third.id,
          }),
        ),
      ).toMatchObject({ statusCode: 400, error: { code: 'bad_request' } });
      const broken = await deploy('v9.9.9-broken');
      expect(
        (
          await errorOf(
            vercel.projects.requestRollback({
              projectId,
              deploymentId: broken.id,
            }),
          )
        ).statusCode,
      ).toBe(400);
    },
  );

  it('assigns an alias and reads it back as the SDK calls it', async () => {
    const d = await deploy('v1.0.0');
    const assigned = await vercel.aliases.assignAlias({
      id: d.id,
      requestBody: { alias: 'web-canary.example.com', redirect: null },
    });
    expect(assigned).toMatchObject({ alias: 'web-canary.example.com' });
    expect(assigned.created).toBeInstanceOf(Date);
    const got = await vercel.aliases.getAlias({
      idOrAlias: 'web-canary.example.com',
    });
    expect(got).toMatchObject({ deploymentId: d.id, projectId });
    const list = await vercel.aliases.listDeploymentAliases({ id: d.id });
    expect(list.aliases.map(a => a.alias).sort()).toEqual([
      'web-canary.example.com',
      'web.example.com',
    ]);
    expect(
      (
        await errorOf(
          vercel.aliases.getAlias({ idOrAlias: 'nope.example.com' }),
        )
      ).statusCode,
    ).toBe(404);
  });

  describe('rolling releases', () => {
    const configure = (body: unknown) =>
      fetch(
        `${loopback.url}/v1/projects/${projectId}/rolling-release/config?teamId=${teamId}`,
        {
          method: 'PATCH',
          headers: {
            Authorization: `Bearer ${TOKEN}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify(body),
        },
      );

    async function startRelease() {
      const current = await deploy('v1.0.0');
      const res = await configure({
        enabled: true,
        advancementType: 'manual-approval',
        stages: [
          { targetPercentage: 10 },
          { targetPercentage: 50 },
          { targetPercentage: 100 },
        ],
      });
      expect(res.status).toBe(200);
      const canary = await deploy('v1.1.0');
      // With a rolling release configured, the new production deployment waits.
      expect(loopback.project('web').productionDeploymentId).toBe(current.id);
      const started = await vercel.rollingRelease.startRollingRelease({
        idOrName: 'web',
        requestBody: { canaryDeploymentId: canary.id },
      });
      return { current, canary, started };
    }

    it('refuses a config whose last stage is not 100', async () => {
      const res = await configure({
        enabled: true,
        stages: [{ targetPercentage: 10 }, { targetPercentage: 50 }],
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('bad_request');
    });

    it('starts, approves stage by stage and completes', async () => {
      const config = await vercel.rollingRelease.getRollingReleaseConfig({
        idOrName: 'web',
      });
      expect(config.rollingRelease).toBeNull();
      const { current, canary, started } = await startRelease();
      expect(started.rollingRelease).toMatchObject({
        state: 'ACTIVE',
        currentCanaryPercentage: 10,
        activeStage: { index: 0, targetPercentage: 10 },
        nextStage: { index: 1, targetPercentage: 50 },
        canaryDeployment: { id: canary.id },
        currentDeployment: { id: current.id },
      });
      const again = await errorOf(
        vercel.rollingRelease.startRollingRelease({
          idOrName: 'web',
          requestBody: { canaryDeploymentId: canary.id },
        }),
      );
      expect(again.statusCode).toBe(409);

      // The production domain splits 10 % to the canary.
      const versions: string[] = [];
      for (let i = 0; i < 10; i++) {
        const res = await fetch(`${loopback.urlFor('web.example.com')}/health`);
        versions.push((await res.json()).version);
      }
      expect(versions.filter(v => v === 'v1.1.0')).toHaveLength(1);

      const wrongStage = await errorOf(
        vercel.rollingRelease.approveRollingReleaseStage({
          idOrName: 'web',
          requestBody: { nextStageIndex: 2, canaryDeploymentId: canary.id },
        }),
      );
      expect(wrongStage.statusCode).toBe(400);
      const approved = await vercel.rollingRelease.approveRollingReleaseStage({
        idOrName: 'web',
        requestBody: { nextStageIndex: 1, canaryDeploymentId: canary.id },
      });
      expect(approved.rollingRelease).toMatchObject({
        state: 'ACTIVE',
        currentCanaryPercentage: 50,
        activeStage: { index: 1 },
      });
      const got = await vercel.rollingRelease.getRollingRelease({
        idOrName: 'web',
        state: 'ACTIVE',
      });
      expect(got.rollingRelease?.currentCanaryPercentage).toBe(50);

      const completed = await vercel.rollingRelease.completeRollingRelease({
        idOrName: 'web',
        requestBody: { canaryDeploymentId: canary.id },
      });
      expect(completed.rollingRelease).toMatchObject({
        state: 'COMPLETE',
        currentCanaryPercentage: 100,
        nextStage: null,
      });
      const project = await vercel.projects.getProject({ idOrName: 'web' });
      expect(project.targets?.production?.id).toBe(canary.id);
    });

    it('turns a promotion into a rolling release while one is configured', async () => {
      const { current, canary } = await startRelease();
      await vercel.rollingRelease.completeRollingRelease({
        idOrName: 'web',
        requestBody: { canaryDeploymentId: canary.id },
      });
      const next = await deploy('v1.2.0');
      await vercel.projects.requestPromote({
        projectId,
        deploymentId: next.id,
      });
      const got = await vercel.rollingRelease.getRollingRelease({
        idOrName: 'web',
        state: 'ACTIVE',
      });
      expect(got.rollingRelease).toMatchObject({
        activeStage: { index: 0, targetPercentage: 10 },
        canaryDeployment: { id: next.id },
        currentDeployment: { id: canary.id },
      });
      const project = await vercel.projects.getProject({ idOrName: 'web' });
      expect(project.targets?.production?.id).toBe(canary.id);
      expect(current.id).not.toBe(canary.id);
    });

    it('aborts through the rollback call, as the CLI does', async () => {
      const { current, canary } = await startRelease();
      const res = await fetch(
        `${loopback.url}/v9/projects/${projectId}/rollback/${current.id}?teamId=${teamId}`,
        {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${TOKEN}`,
            'Content-Type': 'application/json',
          },
          body: '{}',
        },
      );
      expect(res.status).toBe(201);
      const got = await vercel.rollingRelease.getRollingRelease({
        idOrName: 'web',
      });
      expect(got.rollingRelease).toMatchObject({
        state: 'ABORTED',
        activeStage: null,
        nextStage: null,
        canaryDeployment: { id: canary.id },
      });
      const project = await vercel.projects.getProject({ idOrName: 'web' });
      expect(project.targets?.production?.id).toBe(current.id);
      const health = await fetch(
        `${loopback.urlFor('web.example.com')}/health`,
      );
      expect((await health.json()).version).toBe('v1.0.0');
    });
  });

  describe('deployment URLs', () => {
    it('serves /health on a READY deployment, by path prefix or Host header', async () => {
      const d = await deploy('v1.0.0');
      const res = await fetch(`${loopback.urlFor(`https://${d.url}`)}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', version: 'v1.0.0' });

      const byHost = await new Promise<{ status?: number; body: string }>(
        (resolve, reject) => {
          const { port } = new URL(loopback.url);
          const req = http.get(
            {
              host: '127.0.0.1',
              port,
              path: '/health',
              headers: { host: d.url },
            },
            r => {
              let body = '';
              r.on('data', (c: Buffer) => (body += c));
              r.on('end', () => resolve({ status: r.statusCode, body }));
            },
          );
          req.on('error', reject);
        },
      );
      expect(byHost.status).toBe(200);
      expect(JSON.parse(byHost.body).version).toBe('v1.0.0');

      const unknown = await fetch(
        `${loopback.urlFor('web-zzz-ibias.vercel.app')}/`,
      );
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('x-vercel-error')).toBe(
        'DEPLOYMENT_NOT_FOUND',
      );
    });

    it('answers 5xx on a share of requests for a faulty ref, but stays healthy', async () => {
      const d = await deploy('v1.3.0-faulty');
      const base = loopback.urlFor(d.url);
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        statuses.push((await fetch(`${base}/api/orders`)).status);
      }
      expect(statuses.filter(s => s === 500)).toHaveLength(5);
      expect(statuses.filter(s => s === 200)).toHaveLength(5);
    });
  });
});
