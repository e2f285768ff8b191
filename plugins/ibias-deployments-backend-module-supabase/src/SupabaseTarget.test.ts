import { mockServices } from '@backstage/backend-test-utils';
import {
  startLoopbackSupabase,
  type LoopbackSupabase,
} from '@internal/ibias-supabase-loopback';
import {
  GithubReleaseTags,
  type TargetRef,
} from '@internal/plugin-ibias-deployments-node';
import { startGithubLoopback } from '@internal/ibias-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopbackBundleSha256, readSourceFiles } from './FunctionSources';
import { SupabaseManagementClient } from './SupabaseManagementClient';
import { sideSlug, SupabaseTarget } from './SupabaseTarget';

const TOKEN = 'sbp_s3cret_t0ken';
const PROJECT = 'abcdefghijklmnopqrst';
const SLUG = 'ai-recommendations';
const REF: TargetRef = {
  service: 'ai-recommendations',
  entityRef: 'component:default/ai-recommendations',
  environment: 'staging',
};

async function writeVersion(
  dir: string,
  version: string,
  behaviour?: Record<string, unknown>,
) {
  await mkdir(join(dir, version, '_shared'), { recursive: true });
  await writeFile(
    join(dir, version, 'index.ts'),
    `Deno.serve(() => new Response('${version}'));\n`,
  );
  await writeFile(
    join(dir, version, '_shared', 'cors.ts'),
    'export const cors = {};\n',
  );
  if (behaviour) {
    await writeFile(
      join(dir, version, 'ibias-behaviour.json'),
      JSON.stringify(behaviour),
    );
  }
}

describe('SupabaseTarget', () => {
  let sb: LoopbackSupabase;
  let sourceDir: string;
  let target: SupabaseTarget;

  function makeTarget(options: { token?: string; maxRetries?: number } = {}) {
    return new SupabaseTarget({
      client: new SupabaseManagementClient({
        token: options.token ?? TOKEN,
        apiUrl: sb.url,
        maxRetries: options.maxRetries,
      }),
      functionsUrl: `${sb.url}/_invoke/{ref}`,
      projects: {
        'ai-recommendations': {
          slug: SLUG,
          refs: { staging: PROJECT },
          sourceDir,
        },
      },
      load: { staging: { rps: 50, method: 'GET', path: '' } },
      logger: mockServices.logger.mock(),
    });
  }

  async function invokeMain() {
    const res = await fetch(`${sb.functionsUrl(PROJECT)}/functions/v1/${SLUG}`);
    return { status: res.status, body: await res.json() };
  }

  beforeEach(async () => {
    sourceDir = await mkdtemp(join(tmpdir(), 'supabase-target-'));
    await writeVersion(sourceDir, '1.0.0', { version: '1.0.0' });
    await writeVersion(sourceDir, '1.1.0', { version: '1.1.0' });
    await writeVersion(sourceDir, '1.10.0', { version: '1.10.0' });
    await mkdir(join(sourceDir, 'main'));
    await mkdir(join(sourceDir, '2.0.0-rc.1'));
    sb = await startLoopbackSupabase({ token: TOKEN, projects: [PROJECT] });
    target = makeTarget();
  });

  afterEach(async () => {
    await target.stop();
    await sb.close();
    await rm(sourceDir, { recursive: true, force: true });
  });

  it('refuses canary weights: Supabase cannot split traffic', async () => {
    await target.deploy(REF, '1.0.0');
    for (const weight of [1, 10, 50, 99]) {
      await expect(
        target.setTraffic(REF, '1.0.0', weight, null),
      ).rejects.toThrow(
        `Supabase Edge Functions cannot split traffic, so ${weight}% to 1.0.0 is refused`,
      );
    }
    expect(sb.getFunction(PROJECT, SLUG)).toBeUndefined();
  });

  it('says 401 without echoing the token', async () => {
    const bad = makeTarget({ token: 'sbp_wr0ng_t0ken' });
    const error = await bad.deploy(REF, '1.0.0').catch(e => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `Reading function ${sideSlug(
        SLUG,
        '1.0.0',
      )}: Supabase answered 401: Unauthorized`,
    );
    expect((error as Error).message).not.toContain('t0ken');
    await expect(bad.dependencies()).resolves.toEqual([
      expect.objectContaining({
        name: 'management-api',
        status: 'down',
        detail: 'answered 401',
      }),
    ]);
  });

  it('retries a 429 after X-RateLimit-Reset seconds', async () => {
    await sb.close();
    sb = await startLoopbackSupabase({
      token: TOKEN,
      projects: [PROJECT],
      rateLimit: { limit: 2, windowMs: 1_000 },
    });
    target = makeTarget();
    await target.deploy(REF, '1.0.0'); // GET + deploy: the window's two requests
    await expect(target.traffic(REF)).resolves.toEqual({});
    const statuses = sb.requests.map(r => r.status);
    expect(statuses).toContain(429);
    expect(statuses[statuses.length - 1]).toBe(404);
  });

  it('gives up after the bounded number of 429 retries', async () => {
    await sb.close();
    sb = await startLoopbackSupabase({
      token: TOKEN,
      projects: [PROJECT],
      rateLimit: { limit: 1, windowMs: 60_000 },
    });
    const client = new SupabaseManagementClient({
      token: TOKEN,
      apiUrl: sb.url,
      maxRetries: 2,
      sleep: async () => undefined,
    });
    await client.listFunctions(PROJECT);
    await expect(client.listFunctions(PROJECT)).rejects.toThrow(
      'Listing functions: Supabase answered 429: ThrottlerException: Too Many Requests',
    );
    expect(sb.requests.filter(r => r.status === 429)).toHaveLength(3);
  });

  it('lists release directories only, newest first', async () => {
    await expect(target.versions(REF)).resolves.toEqual([
      '1.10.0',
      '1.1.0',
      '1.0.0',
    ]);
    await expect(
      target.versions({ ...REF, service: 'unknown' }),
    ).resolves.toEqual([]);
    expect(
      await target.cannotDeploy({ ...REF, environment: 'production' }),
    ).toBe(
      'No Supabase project for ai-recommendations in production: set production.supabase.projectRef in its environments file (one of ibias.deployments.supabase.projects.ai-recommendations.allowedRefs.production), or ibias.deployments.supabase.projects.ai-recommendations.refs.production',
    );
  });

  it("takes the project from the service's environments file, only among the allowed refs", async () => {
    const PROD = 'prodprodprodprodprod';
    const OTHER_TEAMS = 'zzzzzzzzzzzzzzzzzzzz';
    await sb.close();
    sb = await startLoopbackSupabase({
      token: TOKEN,
      projects: [PROJECT, PROD],
    });
    let file: Record<string, unknown> = {
      production: { supabase: { projectRef: PROD } },
    };
    const asked: string[] = [];
    const fromFile = new SupabaseTarget({
      client: new SupabaseManagementClient({ token: TOKEN, apiUrl: sb.url }),
      functionsUrl: `${sb.url}/_invoke/{ref}`,
      projects: {
        'ai-recommendations': {
          slug: SLUG,
          refs: { staging: PROJECT },
          allowedRefs: { production: [PROD] },
          sourceDir,
        },
      },
      environmentSettings: async ref => {
        asked.push(`${ref.entityRef} ${ref.environment}`);
        return file[ref.environment] as Record<string, unknown> | undefined;
      },
      settingsTtlMs: 0,
      logger: mockServices.logger.mock(),
    });
    const PROD_REF: TargetRef = { ...REF, environment: 'production' };
    expect(await fromFile.cannotDeploy(PROD_REF)).toBeUndefined();
    await fromFile.deploy(PROD_REF, '1.0.0');
    await fromFile.setTraffic(PROD_REF, '1.0.0', 100, null);
    expect(sb.getFunction(PROD, SLUG)?.name).toBe(`${SLUG}@1.0.0`);
    expect(sb.getFunction(PROJECT, SLUG)).toBeUndefined();
    expect(fromFile.url(PROD_REF)).toBe(
      `${sb.functionsUrl(PROD)}/functions/v1/${SLUG}`,
    );
    expect(asked).toContain('component:default/ai-recommendations production');
    // Staging names none in the file: config's ref.
    expect(await fromFile.cannotDeploy(REF)).toBeUndefined();

    // A ref the config does not allow (another team's project) is refused, unechoed.
    file = { production: { supabase: { projectRef: OTHER_TEAMS } } };
    const refused = await fromFile.cannotDeploy(PROD_REF);
    expect(refused).toBe(
      'The environments file of ai-recommendations names a Supabase project for production that ibias.deployments.supabase.projects.ai-recommendations.allowedRefs.production does not list',
    );
    await expect(fromFile.deploy(PROD_REF, '1.1.0')).rejects.toThrow(refused!);
    expect(JSON.stringify(sb.requests)).not.toContain(OTHER_TEAMS);
    // Not a project ref at all (a URL, a path, an object): refused, unechoed.
    for (const bad of [
      'https://evil.example',
      '../../x',
      { a: 1 },
      'ABCDEFGHIJKLMNOPQRST',
    ]) {
      file = { production: { supabase: { projectRef: bad } } };
      const why = await fromFile.cannotDeploy(PROD_REF);
      expect(why).toBe(
        'The environments file of ai-recommendations sets production.supabase.projectRef to something that is not a Supabase project ref (20 lowercase letters and digits)',
      );
    }
    // Staging's file may not name production's project (a staging deploy needs no
    // release manager), though config allows it for production.
    file = {
      production: { supabase: { projectRef: PROD } },
      staging: { supabase: { projectRef: PROD } },
    };
    expect(await fromFile.cannotDeploy(REF)).toBe(
      'The environments file of ai-recommendations names a Supabase project for staging that ibias.deployments.supabase.projects.ai-recommendations.allowedRefs.staging does not list',
    );
    // Production's file unreadable: no project, not config's fallback.
    file = {};
    expect(await fromFile.cannotDeploy(PROD_REF)).toBe(
      'The environments file of ai-recommendations could not be read, or has no valid production, so its Supabase project is unknown',
    );
    expect(await fromFile.health(PROD_REF)).toBe('unknown');
    await fromFile.stop();
  });

  it('computes the bundle hash the loopback reports', async () => {
    await target.deploy(REF, '1.0.0');
    const files = await readSourceFiles(sourceDir, '1.0.0');
    expect(sb.getFunction(PROJECT, sideSlug(SLUG, '1.0.0'))?.ezbr_sha256).toBe(
      loopbackBundleSha256(files),
    );
  });

  it('deploys to a side slug, idempotently, and probes it', async () => {
    await target.deploy(REF, '1.0.0');
    await target.deploy(REF, '1.0.0');
    const side = sideSlug(SLUG, '1.0.0');
    expect(side).toBe('ai-recommendations--1-0-0');
    expect(
      sb.requests.filter(r => r.method === 'POST').map(r => r.slug),
    ).toEqual([side]);
    const deployed = sb.requests.find(r => r.method === 'POST')!.deploy!;
    expect(deployed.metadata).toEqual({
      entrypoint_path: 'index.ts',
      name: 'ai-recommendations@1.0.0',
      verify_jwt: false,
    });
    expect([...deployed.files].sort()).toEqual([
      '_shared/cors.ts',
      'ibias-behaviour.json',
      'index.ts',
    ]);
    await expect(target.healthChecks(REF, '1.0.0')).resolves.toEqual([
      {
        passed: true,
        query: `GET /functions/v1/${side}/health`,
        detail: 'answered 200',
      },
    ]);
    await expect(target.smokeTests(REF, '1.0.0')).resolves.toEqual([
      {
        passed: true,
        query: `GET /functions/v1/${side}`,
        detail: 'answered 200',
      },
    ]);
    // Deployed, not switched: the main slug does not exist yet.
    await expect(target.traffic(REF)).resolves.toEqual({});
    expect((await invokeMain()).status).toBe(404);
    await expect(target.healthChecks(REF, '1.1.0')).resolves.toEqual([
      expect.objectContaining({ passed: false, detail: 'answered 404' }),
    ]);
  });

  it('fails the health check of an unhealthy version', async () => {
    await writeVersion(sourceDir, '1.2.0', {
      version: '1.2.0',
      healthy: false,
    });
    await target.deploy(REF, '1.2.0');
    await expect(target.healthChecks(REF, '1.2.0')).resolves.toEqual([
      expect.objectContaining({ passed: false, detail: 'answered 503' }),
    ]);
  });

  it('switches the main slug, then rolls back to the stable version', async () => {
    await target.deploy(REF, '1.0.0');
    // Only the side slug runs: the environment's health is not known yet.
    expect(await target.health(REF)).toBe('unknown');
    await target.setTraffic(REF, '1.0.0', 100, null);
    expect(await target.health(REF)).toBe('healthy');
    expect(await invokeMain()).toEqual({
      status: 200,
      body: { ok: true, version: '1.0.0' },
    });
    await expect(target.traffic(REF)).resolves.toEqual({ '1.0.0': 100 });
    expect(target.url(REF)).toBe(
      `${sb.functionsUrl(PROJECT)}/functions/v1/${SLUG}`,
    );

    await target.deploy(REF, '1.1.0');
    await target.setTraffic(REF, '1.1.0', 100, '1.0.0');
    expect((await invokeMain()).body).toEqual({ ok: true, version: '1.1.0' });
    await expect(target.traffic(REF)).resolves.toEqual({ '1.1.0': 100 });

    await target.setTraffic(REF, '1.1.0', 0, '1.0.0');
    expect((await invokeMain()).body).toEqual({ ok: true, version: '1.0.0' });
    await expect(target.traffic(REF)).resolves.toEqual({ '1.0.0': 100 });
    expect(target.runningVersion(REF)).toBe('1.0.0');
    const main = sb.getFunction(PROJECT, SLUG)!;
    expect(main.version).toBe(3);
    expect(main.ezbr_sha256).toBe(
      sb.getFunction(PROJECT, sideSlug(SLUG, '1.0.0'))!.ezbr_sha256,
    );
  });

  it('says nothing runs when the main slug was deployed outside the portal', async () => {
    await target.deploy(REF, '1.0.0');
    await target.setTraffic(REF, '1.0.0', 100, null);
    const form = new FormData();
    form.append('metadata', JSON.stringify({ entrypoint_path: 'index.ts' }));
    form.append('file', new Blob(['other']), 'index.ts');
    const res = await fetch(
      `${sb.url}/v1/projects/${PROJECT}/functions/deploy?slug=${SLUG}`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}` },
        body: form,
      },
    );
    expect(res.status).toBe(201);
    await expect(target.traffic(REF)).resolves.toEqual({});
  });

  it('retain deletes the side slugs of other versions, never the main slug', async () => {
    await target.deploy(REF, '1.0.0');
    await target.setTraffic(REF, '1.0.0', 100, null);
    await target.deploy(REF, '1.1.0');
    await target.setTraffic(REF, '1.1.0', 100, '1.0.0');
    await target.retain(REF, '1.1.0');
    const list = await (
      await fetch(`${sb.url}/v1/projects/${PROJECT}/functions`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      })
    ).json();
    expect(list.map((f: { slug: string }) => f.slug).sort()).toEqual([
      SLUG,
      sideSlug(SLUG, '1.1.0'),
    ]);
  });

  it('times a probe load against the side slug of the version under analysis', async () => {
    await writeVersion(sourceDir, '1.2.0', {
      version: '1.2.0',
      errorRate: 0.5,
    });
    await target.deploy(REF, '1.2.0');
    const since = Date.now();
    await target.setLoad(REF, true);
    await new Promise(r => setTimeout(r, 400));
    await target.setLoad(REF, false);
    const m = await target.metrics(REF, '1.2.0', since);
    expect(m.source).toBe('target-probe');
    expect(m.requests).toBeGreaterThan(4);
    expect(m.errors / m.requests).toBeGreaterThan(0.3);
    expect(m.p95Ms).not.toBeNull();
    expect(m.query).toContain(sideSlug(SLUG, '1.2.0'));
    const invoked = sb.invocations({
      ref: PROJECT,
      slug: sideSlug(SLUG, '1.2.0'),
    });
    expect(invoked.length).toBeGreaterThanOrEqual(m.requests);
  });

  it('reports the Management API as a dependency', async () => {
    await expect(target.dependencies()).resolves.toEqual([
      expect.objectContaining({ name: 'management-api', status: 'ok' }),
    ]);
  });

  it("deploys the function's folder at each release tag of the service's repository", async () => {
    const github = await startGithubLoopback();
    try {
      const repo = await github.createRepository('ai-recommendations');
      const fn = 'supabase/functions/ai-recommendations';
      for (const [version, tag] of [
        ['1.0.0', '1.0.0'],
        ['1.1.0', 'v1.1.0'],
      ]) {
        await repo.commit(
          {
            [`${fn}/index.ts`]: `// ${version}\n`,
            [`${fn}/ibias-behaviour.json`]: JSON.stringify({ version }),
          },
          tag,
        );
      }
      const fromGit = new SupabaseTarget({
        client: new SupabaseManagementClient({ token: TOKEN, apiUrl: sb.url }),
        functionsUrl: `${sb.url}/_invoke/{ref}`,
        projects: {
          'ai-recommendations': {
            slug: SLUG,
            refs: { staging: PROJECT },
            source: {
              path: fn,
              repository: `${github.url}/${github.org}/ai-recommendations`,
            },
          },
        },
        releases: new GithubReleaseTags({
          integrations: ScmIntegrations.fromConfig(
            new ConfigReader({
              integrations: { github: [github.integration] },
            }),
          ),
        }),
        logger: mockServices.logger.mock(),
      });
      // Release tags only: a pre-release is not offered.
      await repo.commit({ [`${fn}/index.ts`]: '// rc\n' }, '1.2.0-rc.1');
      expect(await fromGit.versions(REF)).toEqual(['1.1.0', '1.0.0']);
      await fromGit.deploy(REF, '1.0.0');
      await fromGit.setTraffic(REF, '1.0.0', 100, null);
      expect((await invokeMain()).body).toEqual({ ok: true, version: '1.0.0' });
      await fromGit.deploy(REF, '1.1.0');
      await fromGit.setTraffic(REF, '1.1.0', 100, '1.0.0');
      expect((await invokeMain()).body).toEqual({ ok: true, version: '1.1.0' });
      // The rollback redeploys 1.0.0's folder, read at its tag again.
      await fromGit.setTraffic(REF, '1.1.0', 0, '1.0.0');
      expect((await invokeMain()).body).toEqual({ ok: true, version: '1.0.0' });
      expect(
        sb
          .getFunction(PROJECT, SLUG)!
          .versions.at(-1)!
          .bundle.files.map(f => f.name),
      ).toEqual(expect.arrayContaining(['index.ts', 'ibias-behaviour.json']));
      await expect(fromGit.deploy(REF, '2.0.0')).rejects.toThrow(
        'ibias-e2e/ai-recommendations has no tag 2.0.0 or v2.0.0',
      );
      // A source location no GitHub integration covers is refused clearly.
      const elsewhere = new SupabaseTarget({
        client: new SupabaseManagementClient({ token: TOKEN, apiUrl: sb.url }),
        functionsUrl: `${sb.url}/_invoke/{ref}`,
        projects: {
          'ai-recommendations': {
            slug: SLUG,
            refs: { staging: PROJECT },
            source: { path: fn, repository: 'https://gitlab.example/x/y' },
          },
        },
        releases: new GithubReleaseTags({
          integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
        }),
        logger: mockServices.logger.mock(),
      });
      await expect(elsewhere.versions(REF)).rejects.toThrow(
        'ibias.deployments.supabase.projects.ai-recommendations.source.repository is not a repository a GitHub integration covers',
      );
      await fromGit.stop();
    } finally {
      await github.close();
    }
  }, 60_000);
});
