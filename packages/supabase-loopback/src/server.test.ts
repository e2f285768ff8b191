import http from 'node:http';
import { decodeBundle, type FunctionBundle } from './bundle';
import { startLoopbackSupabase, type LoopbackSupabase } from './server';

// The loopback over HTTP, with plain fetch/FormData as the client: what a deploy
// target gets back from the Management API and from the invocation host.
const REF = 'abcdefghijklmnopqrst';
const OTHER = 'zyxwvutsrqponmlkjihg';
const TOKEN = 'sbp_loopback_token';
const FUNCTIONS = `/v1/projects/${REF}/functions`;

type Files = Record<string, string>;

const source = (version: string, behaviour?: object): Files => ({
  'index.ts': `Deno.serve(() => new Response('orders ${version}'));`,
  '_shared/cors.ts': 'export const cors = {};',
  'ibias-behaviour.json': JSON.stringify({ version, ...behaviour }),
});

function form(files: Files, metadata: object | string | null) {
  const f = new FormData();
  if (metadata !== null) {
    f.append(
      'metadata',
      typeof metadata === 'string' ? metadata : JSON.stringify(metadata),
    );
  }
  for (const [name, content] of Object.entries(files)) {
    f.append('file', new Blob([content]), name);
  }
  return f;
}

describe('startLoopbackSupabase', () => {
  let sb: LoopbackSupabase;
  let clock: number;

  const call = async (
    method: string,
    path: string,
    { body, token = TOKEN }: { body?: BodyInit; token?: string | null } = {},
  ) => {
    const res = await fetch(`${sb.url}${path}`, {
      method,
      headers: token === null ? {} : { Authorization: `Bearer ${token}` },
      body,
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = Buffer.from(bytes).toString('utf8');
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, bytes };
  };

  const deploy = (
    slug: string,
    files: Files,
    metadata: object | string | null = {
      entrypoint_path: 'index.ts',
      name: slug,
      verify_jwt: false,
    },
    ref = REF,
  ) =>
    call('POST', `/v1/projects/${ref}/functions/deploy?slug=${slug}`, {
      body: form(files, metadata),
    });

  const invoke = async (
    slug: string,
    {
      path = '',
      headers = {},
    }: { path?: string; headers?: Record<string, string> } = {},
  ) => {
    const res = await fetch(
      `${sb.functionsUrl(REF)}/functions/v1/${slug}${path}`,
      { headers },
    );
    return { status: res.status, headers: res.headers, json: await res.json() };
  };

  beforeEach(async () => {
    clock = 1_767_225_600_000;
    sb = await startLoopbackSupabase({
      token: TOKEN,
      projects: [REF, OTHER],
      now: () => clock,
    });
  });
  afterEach(() => sb.close());

  describe('refusals', () => {
    it('answers a missing or wrong token with 401 Unauthorized and stores nothing', async () => {
      for (const token of [null, 'sbp_wrong']) {
        const res = await call('GET', FUNCTIONS, { token });
        expect(res.status).toBe(401);
        expect(res.json).toEqual({ message: 'Unauthorized' });
        expect(res.headers.get('x-ratelimit-limit')).toBeNull();
      }
      const res = await call('POST', `${FUNCTIONS}/deploy?slug=orders`, {
        body: form(source('1.0.0'), { entrypoint_path: 'index.ts' }),
        token: 'sbp_wrong',
      });
      expect(res.status).toBe(401);
      expect(sb.getFunction(REF, 'orders')).toBeUndefined();
      expect(sb.requests.map(r => r.status)).toEqual([401, 401, 401]);
    });

    it('answers an unknown project and an unknown function with 404 and a message', async () => {
      const project = await call(
        'GET',
        '/v1/projects/nosuchprojectref0000/functions',
      );
      expect(project.status).toBe(404);
      expect(project.json).toEqual({ message: 'Project not found' });
      expect(project.headers.get('x-ratelimit-limit')).toBe('120');

      for (const [method, path] of [
        ['GET', `${FUNCTIONS}/orders`],
        ['GET', `${FUNCTIONS}/orders/body`],
        ['DELETE', `${FUNCTIONS}/orders`],
      ]) {
        const res = await call(method, path);
        expect(res.status).toBe(404);
        expect(res.json).toEqual({ message: 'Function not found' });
      }
    });

    it('answers a route the API does not have as NestJS does', async () => {
      const res = await call('POST', `${FUNCTIONS}/orders`);
      expect(res.status).toBe(404);
      expect(res.json).toEqual({
        message: `Cannot POST ${FUNCTIONS}/orders`,
        error: 'Not Found',
        statusCode: 404,
      });
    });

    it.each([
      [
        'no entrypoint file among the parts',
        { 'util.ts': 'export {}' },
        { entrypoint_path: 'index.ts' },
        'Entrypoint file index.ts not found in uploaded files',
      ],
      ['no metadata part', { 'index.ts': '' }, null, 'Missing metadata part'],
      [
        'metadata that is not JSON',
        { 'index.ts': '' },
        '{entrypoint_path:',
        'metadata is not valid JSON',
      ],
      [
        'metadata without entrypoint_path',
        { 'index.ts': '' },
        { name: 'orders' },
        'metadata.entrypoint_path is required',
      ],
      [
        'an import map that was not uploaded',
        { 'index.ts': '' },
        { entrypoint_path: 'index.ts', import_map_path: 'import_map.json' },
        'Import map file import_map.json not found in uploaded files',
      ],
    ])(
      'refuses a deploy with %s: 400 and nothing stored',
      async (_, files, metadata, text) => {
        const res = await deploy('orders', files, metadata);
        expect(res.status).toBe(400);
        expect(res.json).toEqual({ message: text });
        expect(sb.getFunction(REF, 'orders')).toBeUndefined();
      },
    );

    it('refuses a bad slug, a missing slug and a body that is not multipart', async () => {
      const bad = await deploy('9orders', source('1.0.0'));
      expect(bad.status).toBe(400);
      expect(bad.json).toEqual({ message: 'Invalid function slug: 9orders' });

      const missing = await call('POST', `${FUNCTIONS}/deploy`, {
        body: form(source('1.0.0'), { entrypoint_path: 'index.ts' }),
      });
      expect(missing.status).toBe(400);
      expect(missing.json).toEqual({ message: 'slug is required' });

      const json = await call('POST', `${FUNCTIONS}/deploy?slug=orders`, {
        body: JSON.stringify({ entrypoint_path: 'index.ts' }),
      });
      expect(json.status).toBe(400);
      expect(json.json).toEqual({
        message: 'Expected a multipart/form-data body',
      });
    });
  });

  describe('rate limit', () => {
    beforeEach(async () => {
      await sb.close();
      sb = await startLoopbackSupabase({
        token: TOKEN,
        projects: [REF, OTHER],
        rateLimit: { limit: 3, windowMs: 60_000 },
        now: () => clock,
      });
    });

    it('counts down in the headers, answers 429 past the limit, and resets after the window', async () => {
      const seen = [];
      for (let i = 0; i < 4; i++) {
        clock += 1_000;
        const res = await call('GET', FUNCTIONS);
        seen.push([
          res.status,
          res.headers.get('x-ratelimit-limit'),
          res.headers.get('x-ratelimit-remaining'),
          res.headers.get('x-ratelimit-reset'),
        ]);
      }
      // The window opened with the first request; Reset is seconds left, not an epoch.
      expect(seen).toEqual([
        [200, '3', '2', '60'],
        [200, '3', '1', '59'],
        [200, '3', '0', '58'],
        [429, '3', '0', '57'],
      ]);
      const over = await call('GET', FUNCTIONS);
      expect(over.status).toBe(429);
      expect(over.json).toEqual({
        message: 'ThrottlerException: Too Many Requests',
      });
      expect(over.headers.get('retry-after')).toBe('57');

      // Another project has its own budget.
      expect(
        (await call('GET', `/v1/projects/${OTHER}/functions`)).status,
      ).toBe(200);

      clock += 57_000;
      const after = await call('GET', FUNCTIONS);
      expect(after.status).toBe(200);
      expect(after.headers.get('x-ratelimit-remaining')).toBe('2');
    });

    it('also limits deploys, and a throttled deploy changes nothing', async () => {
      for (let i = 0; i < 3; i++) await call('GET', FUNCTIONS);
      const res = await deploy('orders', source('1.0.0'));
      expect(res.status).toBe(429);
      expect(sb.getFunction(REF, 'orders')).toBeUndefined();
    });
  });

  describe('deploy, get, list, body, delete', () => {
    it('creates the slug at version 1, then replaces it at version 2', async () => {
      const v1 = await deploy('orders', source('1.0.0'), {
        entrypoint_path: 'index.ts',
        name: 'orders@1.0.0',
        verify_jwt: false,
      });
      expect(v1.status).toBe(201);
      expect(v1.json).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        slug: 'orders',
        name: 'orders@1.0.0',
        status: 'ACTIVE',
        version: 1,
        created_at: clock,
        updated_at: clock,
        verify_jwt: false,
        import_map: false,
        entrypoint_path: 'index.ts',
        ezbr_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

      const created = clock;
      clock += 5_000;
      const v2 = await deploy('orders', source('2.0.0'), {
        entrypoint_path: 'index.ts',
        name: 'orders@2.0.0',
        verify_jwt: false,
      });
      expect(v2.status).toBe(201);
      expect(v2.json).toMatchObject({
        id: v1.json.id,
        name: 'orders@2.0.0',
        version: 2,
        created_at: created,
        updated_at: clock,
      });
      expect(v2.json.ezbr_sha256).not.toBe(v1.json.ezbr_sha256);

      const body = await call('GET', `${FUNCTIONS}/orders/body`);
      expect(body.status).toBe(200);
      expect(body.headers.get('content-type')).toBe('application/octet-stream');
      const bundle: FunctionBundle = decodeBundle(body.bytes);
      expect(bundle.entrypointPath).toBe('index.ts');
      expect(
        Object.fromEntries(
          bundle.files.map(f => [f.name, Buffer.from(f.content).toString()]),
        ),
      ).toEqual(source('2.0.0'));
    });

    it('gives the same ezbr_sha256 for the same sources, in any part order', async () => {
      const a = await deploy('a', source('1.0.0'));
      const reversed = Object.fromEntries(
        Object.entries(source('1.0.0')).reverse(),
      );
      const b = await deploy('b', reversed);
      expect(b.json.ezbr_sha256).toBe(a.json.ezbr_sha256);
    });

    it('lists as a bare array of what GET returns, and keeps import map and verify_jwt', async () => {
      await deploy('orders', source('1.0.0'));
      await deploy(
        'billing',
        { ...source('1.0.0'), 'import_map.json': '{"imports":{}}' },
        { entrypoint_path: './index.ts', import_map_path: 'import_map.json' },
      );
      const list = await call('GET', FUNCTIONS);
      expect(list.status).toBe(200);
      expect(list.headers.get('content-type')).toMatch(/^application\/json/);
      expect(list.json.map((f: any) => f.slug)).toEqual(['orders', 'billing']);
      const billing = await call('GET', `${FUNCTIONS}/billing`);
      expect(billing.json).toEqual(list.json[1]);
      expect(billing.json).toMatchObject({
        name: 'billing',
        verify_jwt: true,
        import_map: true,
        import_map_path: 'import_map.json',
        entrypoint_path: './index.ts',
      });
      // Functions belong to their project.
      expect(
        (await call('GET', `/v1/projects/${OTHER}/functions`)).json,
      ).toEqual([]);
    });

    it('deletes a function: 200, then 404 on GET, gone from the list and the invocation host', async () => {
      await deploy('orders', source('1.0.0'));
      const del = await call('DELETE', `${FUNCTIONS}/orders`);
      expect(del.status).toBe(200);
      expect((await call('GET', `${FUNCTIONS}/orders`)).status).toBe(404);
      expect((await call('GET', FUNCTIONS)).json).toEqual([]);
      expect((await invoke('orders')).status).toBe(404);
    });

    it('records every management request with the deploy metadata and file names', async () => {
      await deploy('orders', source('1.0.0'));
      await call('GET', `${FUNCTIONS}/orders`, { token: 'nope' });
      expect(sb.requests).toEqual([
        {
          at: clock,
          method: 'POST',
          path: `${FUNCTIONS}/deploy`,
          query: { slug: 'orders' },
          ref: REF,
          slug: 'orders',
          status: 201,
          deploy: {
            metadata: {
              entrypoint_path: 'index.ts',
              name: 'orders',
              verify_jwt: false,
            },
            files: ['index.ts', '_shared/cors.ts', 'ibias-behaviour.json'],
          },
        },
        {
          at: clock,
          method: 'GET',
          path: `${FUNCTIONS}/orders`,
          query: {},
          ref: REF,
          status: 401,
        },
      ]);
    });
  });

  describe('invocation', () => {
    it('answers health with the declared version, and the default body', async () => {
      await deploy('orders', source('1.2.0'));
      expect(await invoke('orders', { path: '/health' })).toMatchObject({
        status: 200,
        json: { status: 'ok', version: '1.2.0' },
      });
      expect(await invoke('orders')).toMatchObject({
        status: 200,
        json: { ok: true, version: '1.2.0' },
      });
    });

    it('is healthy with no behaviour file, and unhealthy when it says so', async () => {
      await deploy('plain', { 'index.ts': 'Deno.serve(() => new Response())' });
      expect((await invoke('plain', { path: '/health' })).json).toEqual({
        status: 'ok',
        version: null,
      });
      await deploy('sick', source('3.0.0', { healthy: false }));
      expect(await invoke('sick', { path: '/health' })).toMatchObject({
        status: 503,
        json: { status: 'failing', version: '3.0.0' },
      });
    });

    it('answers an unknown function with the runtime 404 and its headers', async () => {
      const res = await invoke('nope');
      expect(res.status).toBe(404);
      expect(res.json).toEqual({
        code: 'NOT_FOUND',
        message: 'Requested function was not found',
      });
      expect(res.headers.get('sb-error-code')).toBe('NOT_FOUND');
      expect(res.headers.get('x-served-by')).toBe('supabase-edge-runtime');
    });

    it('needs an Authorization header when verify_jwt is on', async () => {
      await deploy('orders', source('1.0.0'), { entrypoint_path: 'index.ts' });
      expect(await invoke('orders', { path: '/health' })).toMatchObject({
        status: 401,
        json: {
          code: 'UNAUTHORIZED_NO_AUTH_HEADER',
          message: 'Missing authorization header',
        },
      });
      expect(
        (
          await invoke('orders', {
            path: '/health',
            headers: { Authorization: 'Bearer anon.jwt.here' },
          })
        ).status,
      ).toBe(200);
    });

    it('fails a faulty version at its declared error rate, and logs every invocation', async () => {
      await deploy(
        'orders',
        source('2.0.0', { errorRate: 0.2, latencyMs: 20 }),
      );
      const statuses = [];
      for (let i = 0; i < 10; i++)
        statuses.push((await invoke('orders')).status);
      expect(statuses.filter(s => s === 500)).toHaveLength(2);
      expect(statuses.filter(s => s === 200)).toHaveLength(8);
      expect((await invoke('orders', { path: '/health' })).status).toBe(200);

      const log = sb.invocations({ ref: REF, slug: 'orders' });
      expect(log).toHaveLength(11);
      expect(log[4]).toEqual({
        timestamp: clock,
        ref: REF,
        slug: 'orders',
        functionId: sb.getFunction(REF, 'orders')!.id,
        version: 1,
        appVersion: '2.0.0',
        method: 'GET',
        path: '/orders',
        health: false,
        status: 500,
        durationMs: expect.any(Number),
      });
      expect(log.every(i => i.durationMs >= 19)).toBe(true);
      expect(log[10]).toMatchObject({ path: '/orders/health', health: true });
    });

    it('draws failures with the given random source', async () => {
      await sb.close();
      const draws = [0.1, 0.9, 0.5, 0.05];
      sb = await startLoopbackSupabase({
        token: TOKEN,
        projects: [REF],
        random: () => draws.shift()!,
      });
      await deploy(
        'orders',
        source('2.0.0', { errorRate: 0.3, errorStatus: 502 }),
      );
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await invoke('orders')).status);
      expect(statuses).toEqual([502, 200, 200, 502]);
    });

    it('answers BOOT_ERROR for a behaviour file it cannot read', async () => {
      await deploy('orders', {
        'index.ts': '',
        'ibias-behaviour.json': '{"errorRate": 2}',
      });
      const res = await invoke('orders');
      expect(res.status).toBe(503);
      expect(res.json).toEqual({
        code: 'BOOT_ERROR',
        message: 'Worker failed to boot (please check logs)',
      });
      expect(sb.getFunction(REF, 'orders')!.versions[0].bootError).toBe(
        'ibias-behaviour.json: invalid errorRate',
      );
    });

    it('restores the previous behaviour when the previous bundle is redeployed (a rollback)', async () => {
      const v1 = await deploy('orders', source('1.0.0'));
      const v2 = await deploy('orders', source('2.0.0', { errorRate: 1 }));
      expect((await invoke('orders')).status).toBe(500);

      // What a rollback does: deploy the previous version's files to the slug again.
      const previous = sb.getFunction(REF, 'orders')!.versions[0].bundle;
      const files = Object.fromEntries(
        previous.files.map(f => [f.name, Buffer.from(f.content).toString()]),
      );
      const v3 = await deploy('orders', files);
      expect(v3.status).toBe(201);
      expect(v3.json.version).toBe(3);
      expect(v3.json.ezbr_sha256).toBe(v1.json.ezbr_sha256);
      expect(v3.json.ezbr_sha256).not.toBe(v2.json.ezbr_sha256);

      expect((await invoke('orders', { path: '/health' })).json).toEqual({
        status: 'ok',
        version: '1.0.0',
      });
      for (let i = 0; i < 5; i++)
        expect((await invoke('orders')).status).toBe(200);
      expect(
        sb.invocations({ slug: 'orders' }).map(i => [i.version, i.status]),
      ).toEqual([
        [2, 500],
        [3, 200],
        [3, 200],
        [3, 200],
        [3, 200],
        [3, 200],
        [3, 200],
      ]);
    });

    it('selects the project by a Host header of {ref}.supabase.co as well', async () => {
      await deploy('orders', source('1.0.0'));
      const { port } = new URL(sb.url);
      const res = await new Promise<{ status?: number; body: string }>(
        (resolve, reject) => {
          http
            .get(
              {
                host: '127.0.0.1',
                port,
                path: '/functions/v1/orders/health',
                headers: { Host: `${REF}.supabase.co` },
              },
              r => {
                let body = '';
                r.on('data', c => (body += c));
                r.on('end', () => resolve({ status: r.statusCode, body }));
              },
            )
            .on('error', reject);
        },
      );
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ status: 'ok', version: '1.0.0' });
      expect(sb.invocations()[0]).toMatchObject({ ref: REF, health: true });
    });
  });
});
