import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  bundleSha256,
  encodeBundle,
  normalizeBundlePath,
  readBehaviour,
  type BundleFile,
  type FunctionBehaviour,
  type FunctionBundle,
} from './bundle';

// A loopback of the Supabase Management API's Edge Functions endpoints and of the
// functions' invocation host (no Supabase project is reachable from these machines),
// for tests of the Supabase Edge Functions deploy target. It answers the way the real
// API does where the target depends on it: bearer-token auth with a 401
// `{"message":"Unauthorized"}`, 404 for an unknown project or function, the documented
// 120-requests-a-minute limit per token and project with `X-RateLimit-*` headers on
// every response and a 429 past it, multipart deploys that create the slug or replace
// it and bump its integer `version`, and the function object with epoch-ms timestamps
// and `ezbr_sha256`. Invocations run no code: the deployed bundle's
// `ibias-behaviour.json` decides what they answer.

/** A function as the Management API returns it (`FunctionResponse`). */
export interface SupabaseFunction {
  id: string;
  slug: string;
  name: string;
  status: 'ACTIVE' | 'REMOVED' | 'THROTTLED';
  version: number;
  created_at: number;
  updated_at: number;
  verify_jwt: boolean;
  import_map: boolean;
  entrypoint_path: string;
  import_map_path?: string;
  ezbr_sha256: string;
}

export interface LoopbackSupabaseOptions {
  /** The access token (or tokens) a management request must carry as `Bearer`. */
  token: string | string[];
  /** The project refs that exist; any other answers 404. */
  projects: string[];
  /**
   * The management rate limit, per token and project: `limit` requests in a fixed
   * window of `windowMs` (default 120 a minute, as documented).
   */
  rateLimit?: { limit?: number; windowMs?: number };
  /**
   * Draws the failures of a function with an `errorRate`. Without it they are spread
   * evenly and exactly: with a rate of 0.2, every fifth invocation of a version fails.
   */
  random?: () => number;
  /** The clock for timestamps and rate-limit windows (default `Date.now`). */
  now?: () => number;
  /** The port to listen on (127.0.0.1); default a free one. */
  port?: number;
}

/** A management API request the loopback received, with what it answered. */
export interface ManagementRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  ref?: string;
  slug?: string;
  status: number;
  /** For a deploy: the parsed `metadata` part and the uploaded files' names. */
  deploy?: { metadata: unknown; files: string[] };
}

/** One invocation of a function on the invocation host. */
export interface FunctionInvocation {
  /** When the request arrived (epoch ms). */
  timestamp: number;
  ref: string;
  slug: string;
  /** The function's `id`, null when no function answered (404). */
  functionId: string | null;
  /** The function's integer `version` that answered, null for a 404. */
  version: number | null;
  /** The `version` declared in the bundle's behaviour file, if any. */
  appVersion: string | null;
  method: string;
  /** The path below `/functions/v1`, e.g. `/orders` or `/orders/health`. */
  path: string;
  health: boolean;
  status: number;
  durationMs: number;
}

interface StoredVersion {
  version: number;
  bundle: FunctionBundle;
  bytes: Uint8Array;
  sha256: string;
  behaviour: FunctionBehaviour;
  bootError?: string;
  invocations: number;
}

interface StoredFunction {
  id: string;
  slug: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  verifyJwt: boolean;
  importMapPath?: string;
  entrypointPath: string;
  current: StoredVersion;
  /** Every version deployed to this slug, oldest first. */
  versions: StoredVersion[];
}

type Answer = {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  raw?: Uint8Array;
};

const SLUG = /^[A-Za-z][A-Za-z0-9_-]*$/;
const JSON_TYPE = 'application/json; charset=utf-8';
/** The path prefix that selects a project's invocation host on the loopback's port. */
const INVOKE_PREFIX = /^\/_invoke\/([^/]+)(\/.*)?$/;
const INVOKE_HOST = /^([a-z0-9]+)\.supabase\.co(?::\d+)?$/i;

const message = (status: number, text: string): Answer => ({
  status,
  body: { message: text },
});

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function toResponse(fn: StoredFunction): SupabaseFunction {
  return {
    id: fn.id,
    slug: fn.slug,
    name: fn.name,
    status: 'ACTIVE',
    version: fn.current.version,
    created_at: fn.createdAt,
    updated_at: fn.updatedAt,
    verify_jwt: fn.verifyJwt,
    import_map: fn.importMapPath !== undefined,
    entrypoint_path: fn.entrypointPath,
    ...(fn.importMapPath !== undefined
      ? { import_map_path: fn.importMapPath }
      : {}),
    ezbr_sha256: fn.current.sha256,
  };
}

/** Which Management API route a `/v1/projects/{ref}/functions…` path names. */
function routeOf(method: string, segment: string | undefined, body: boolean) {
  if (segment === undefined) return 'functions';
  if (body) return 'body';
  // `/functions/deploy` is the deploy route for POST, a function named "deploy" else.
  if (segment === 'deploy' && method === 'POST') return 'deploy';
  return 'function';
}

/** The multipart deploy body, or the 400 the loopback answers for it. */
async function parseDeploy(
  contentType: string,
  body: Buffer,
): Promise<
  | {
      metadata: Record<string, unknown>;
      entrypointPath: string;
      importMapPath?: string;
      files: BundleFile[];
    }
  | Answer
> {
  if (!/^multipart\/form-data/i.test(contentType)) {
    return message(400, 'Expected a multipart/form-data body');
  }
  let form: FormData;
  try {
    // The platform's own multipart parser (undici), as strict as a server's.
    form = await new Request('http://loopback.invalid/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    }).formData();
  } catch (e) {
    return message(400, `Invalid multipart body: ${(e as Error).message}`);
  }
  const part = form.get('metadata');
  if (part === null) return message(400, 'Missing metadata part');
  let metadata: unknown;
  try {
    metadata = JSON.parse(typeof part === 'string' ? part : await part.text());
  } catch {
    return message(400, 'metadata is not valid JSON');
  }
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return message(400, 'metadata must be an object');
  }
  const m = metadata as Record<string, unknown>;
  if (typeof m.entrypoint_path !== 'string' || !m.entrypoint_path) {
    return message(400, 'metadata.entrypoint_path is required');
  }
  for (const key of ['import_map_path', 'name'] as const) {
    if (m[key] !== undefined && typeof m[key] !== 'string') {
      return message(400, `metadata.${key} must be a string`);
    }
  }
  if (m.verify_jwt !== undefined && typeof m.verify_jwt !== 'boolean') {
    return message(400, 'metadata.verify_jwt must be a boolean');
  }
  if (
    m.static_patterns !== undefined &&
    !(
      Array.isArray(m.static_patterns) &&
      m.static_patterns.every(p => typeof p === 'string')
    )
  ) {
    return message(400, 'metadata.static_patterns must be an array of strings');
  }
  const files: BundleFile[] = [];
  for (const f of form.getAll('file')) {
    if (typeof f === 'string') {
      return message(400, 'Each file part must be a file with a filename');
    }
    files.push({
      name: normalizeBundlePath(f.name),
      content: new Uint8Array(await f.arrayBuffer()),
    });
  }
  const has = (path: string) =>
    files.some(f => f.name === normalizeBundlePath(path));
  if (!has(m.entrypoint_path)) {
    return message(
      400,
      `Entrypoint file ${m.entrypoint_path} not found in uploaded files`,
    );
  }
  if (typeof m.import_map_path === 'string' && !has(m.import_map_path)) {
    return message(
      400,
      `Import map file ${m.import_map_path} not found in uploaded files`,
    );
  }
  return {
    metadata: m,
    entrypointPath: m.entrypoint_path,
    importMapPath: m.import_map_path as string | undefined,
    files,
  };
}

/** Starts the loopback on a free port of 127.0.0.1. */
export async function startLoopbackSupabase(options: LoopbackSupabaseOptions) {
  const tokens = new Set(
    Array.isArray(options.token) ? options.token : [options.token],
  );
  const projects = new Set(options.projects);
  const limit = options.rateLimit?.limit ?? 120;
  const windowMs = options.rateLimit?.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const functions = new Map<string, Map<string, StoredFunction>>(
    options.projects.map(ref => [ref, new Map()]),
  );
  const windows = new Map<string, { start: number; hits: number }>();
  const requests: ManagementRequest[] = [];
  const invocations: FunctionInvocation[] = [];

  /** Counts the request; the headers to send, and whether it is over the limit. */
  function throttle(token: string, ref: string) {
    const key = `${token}\u0000${ref}`;
    const t = now();
    let w = windows.get(key);
    if (!w || t >= w.start + windowMs) {
      w = { start: t, hits: 0 };
      windows.set(key, w);
    }
    w.hits += 1;
    const resetSeconds = Math.max(
      0,
      Math.ceil((w.start + windowMs - t) / 1000),
    );
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - w.hits)),
      'X-RateLimit-Reset': String(resetSeconds),
    };
    return { headers, over: w.hits > limit, resetSeconds };
  }

  async function deploy(
    req: http.IncomingMessage,
    body: Buffer,
    ref: string,
    query: URLSearchParams,
    record: ManagementRequest,
  ): Promise<Answer> {
    const slug = query.get('slug');
    if (query.get('bundleOnly') === 'true') {
      return message(
        501,
        'bundleOnly deploys are not implemented by the loopback',
      );
    }
    if (!slug) return message(400, 'slug is required');
    if (!SLUG.test(slug)) {
      return message(400, `Invalid function slug: ${slug}`);
    }
    const parsed = await parseDeploy(req.headers['content-type'] ?? '', body);
    if ('status' in parsed) return parsed;
    record.slug = slug;
    record.deploy = {
      metadata: parsed.metadata,
      files: parsed.files.map(f => f.name),
    };
    const bundle: FunctionBundle = {
      entrypointPath: parsed.entrypointPath,
      importMapPath: parsed.importMapPath ?? null,
      files: parsed.files,
    };
    const bytes = encodeBundle(bundle);
    const declared = readBehaviour(bundle);
    const store = functions.get(ref)!;
    const existing = store.get(slug);
    const t = now();
    const stored: StoredVersion = {
      version: (existing?.current.version ?? 0) + 1,
      bundle,
      bytes,
      sha256: bundleSha256(bytes),
      behaviour: 'behaviour' in declared ? declared.behaviour : {},
      bootError: 'bootError' in declared ? declared.bootError : undefined,
      invocations: 0,
    };
    const fn: StoredFunction = {
      id: existing?.id ?? randomUUID(),
      slug,
      name: (parsed.metadata.name as string | undefined) ?? slug,
      createdAt: existing?.createdAt ?? t,
      updatedAt: t,
      verifyJwt: (parsed.metadata.verify_jwt as boolean | undefined) ?? true,
      importMapPath: parsed.importMapPath,
      entrypointPath: parsed.entrypointPath,
      current: stored,
      versions: [...(existing?.versions ?? []), stored],
    };
    store.set(slug, fn);
    return { status: 201, body: toResponse(fn) };
  }

  /** What the Management API answers; `record` collects what tests assert on. */
  async function manage(
    req: http.IncomingMessage,
    body: Buffer,
    url: URL,
    record: ManagementRequest,
  ): Promise<Answer> {
    const method = req.method ?? 'GET';
    const m =
      /^\/v1\/projects\/([^/]+)\/functions(?:\/([^/]+)(\/body)?)?\/?$/.exec(
        url.pathname,
      );
    const route = m ? routeOf(method, m[2], Boolean(m[3])) : undefined;
    const allowed: Record<string, string[]> = {
      functions: ['GET', 'POST', 'PUT'],
      deploy: ['POST'],
      function: ['GET', 'DELETE', 'PATCH'],
      body: ['GET'],
    };
    if (!m || !route || !allowed[route].includes(method)) {
      // Express's answer (through NestJS) for a route it does not have.
      return {
        status: 404,
        body: {
          message: `Cannot ${method} ${url.pathname}`,
          error: 'Not Found',
          statusCode: 404,
        },
      };
    }
    const ref = decodeURIComponent(m[1]);
    record.ref = ref;
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (!token || !tokens.has(token)) return message(401, 'Unauthorized');
    const limited = throttle(token, ref);
    const answer = await (async (): Promise<Answer> => {
      if (limited.over) {
        return {
          ...message(429, 'ThrottlerException: Too Many Requests'),
          headers: { 'Retry-After': String(limited.resetSeconds) },
        };
      }
      const store = functions.get(ref);
      if (!projects.has(ref) || !store) {
        return message(404, 'Project not found');
      }
      if (route === 'deploy') {
        return deploy(req, body, ref, url.searchParams, record);
      }
      if (route === 'functions') {
        if (method !== 'GET') {
          return message(
            501,
            `${method} /v1/projects/{ref}/functions is not implemented by the loopback`,
          );
        }
        return { status: 200, body: [...store.values()].map(toResponse) };
      }
      const slug = decodeURIComponent(m[2]!);
      record.slug = slug;
      if (method === 'PATCH') {
        return message(
          501,
          'PATCH /v1/projects/{ref}/functions/{slug} is not implemented by the loopback',
        );
      }
      const fn = store.get(slug);
      if (!fn) return message(404, 'Function not found');
      if (route === 'body') {
        return { status: 200, body: undefined, raw: fn.current.bytes };
      }
      if (method === 'DELETE') {
        store.delete(slug);
        return { status: 200, body: undefined };
      }
      return { status: 200, body: toResponse(fn) };
    })();
    return {
      ...answer,
      headers: { ...limited.headers, ...answer.headers },
    };
  }

  /** Serves `/functions/v1/{slug}[/…]` for a project; runs the declared behaviour. */
  async function invoke(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    ref: string,
    path: string,
    started: { at: number; t0: number },
  ) {
    await readBody(req);
    const m = /^\/functions\/v1\/([^/?]+)(\/[^?]*)?(?:\?.*)?$/.exec(path);
    const slug = m ? decodeURIComponent(m[1]) : '';
    const rest = m?.[2] ?? '';
    const fn = projects.has(ref) ? functions.get(ref)?.get(slug) : undefined;
    const current = fn?.current;
    const health = rest === '/health';
    const log = (status: number) =>
      invocations.push({
        timestamp: started.at,
        ref,
        slug,
        functionId: fn?.id ?? null,
        version: current?.version ?? null,
        appVersion: current?.behaviour.version ?? null,
        method: req.method ?? 'GET',
        path: `/${slug}${rest}`,
        health,
        status,
        durationMs: performance.now() - started.t0,
      });
    const send = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
      log(status);
    };
    if (!m || !fn || !current) {
      send(
        404,
        { code: 'NOT_FOUND', message: 'Requested function was not found' },
        {
          'sb-error-code': 'NOT_FOUND',
          'x-served-by': 'supabase-edge-runtime',
        },
      );
      return;
    }
    if (
      fn.verifyJwt &&
      !/^Bearer\s+\S+/.test(req.headers.authorization ?? '')
    ) {
      send(401, {
        code: 'UNAUTHORIZED_NO_AUTH_HEADER',
        message: 'Missing authorization header',
      });
      return;
    }
    const b = current.behaviour;
    if (current.bootError || b.bootError) {
      send(
        503,
        {
          code: 'BOOT_ERROR',
          message: 'Worker failed to boot (please check logs)',
        },
        {
          'sb-error-code': 'BOOT_ERROR',
          'x-served-by': 'supabase-edge-runtime',
        },
      );
      return;
    }
    if (b.latencyMs) await sleep(b.latencyMs);
    const version = b.version ?? null;
    if (health) {
      if (b.healthy === false) send(503, { status: 'failing', version });
      else send(200, { status: 'ok', version });
      return;
    }
    const rate = b.errorRate ?? 0;
    const n = ++current.invocations;
    const fails = options.random
      ? options.random() < rate
      : Math.floor(n * rate) > Math.floor((n - 1) * rate);
    if (fails) {
      send(b.errorStatus ?? 500, {
        error: 'Injected failure (ibias-behaviour.json errorRate)',
        version,
      });
      return;
    }
    send(200, b.body !== undefined ? b.body : { ok: true, version });
  }

  const server = http.createServer(async (req, res) => {
    const started = { at: now(), t0: performance.now() };
    const url = new URL(req.url ?? '/', 'http://loopback.invalid');
    const host = INVOKE_HOST.exec(req.headers.host ?? '');
    const prefixed = INVOKE_PREFIX.exec(url.pathname);
    if (host || prefixed) {
      const ref = host
        ? host[1].toLowerCase()
        : decodeURIComponent(prefixed![1]);
      const path = host
        ? req.url ?? '/'
        : (req.url ?? '/').slice(`/_invoke/${prefixed![1]}`.length) || '/';
      await invoke(req, res, ref, path, started);
      return;
    }
    const record: ManagementRequest = {
      at: started.at,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    requests.push(record);
    // Read the whole body first, so that a refusal never leaves an upload half sent.
    const body = await readBody(req);
    const answer = await manage(req, body, url, record);
    record.status = answer.status;
    if (answer.raw) {
      res.writeHead(answer.status, {
        ...answer.headers,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(answer.raw.byteLength),
      });
      res.end(Buffer.from(answer.raw));
    } else if (answer.body === undefined) {
      res.writeHead(answer.status, {
        ...answer.headers,
        'Content-Length': '0',
      });
      res.end();
    } else {
      res.writeHead(answer.status, {
        ...answer.headers,
        'Content-Type': JSON_TYPE,
      });
      res.end(JSON.stringify(answer.body));
    }
  });
  await new Promise<void>(r =>
    server.listen(options.port ?? 0, '127.0.0.1', r),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** The Management API base URL (in place of `https://api.supabase.com`). */
    url,
    /**
     * The invocation base URL of a project (in place of `https://{ref}.supabase.co`):
     * `${url}/_invoke/{ref}`, under which `/functions/v1/{slug}` is served. A request
     * whose `Host` is `{ref}.supabase.co` reaches the same functions without the prefix.
     */
    functionsUrl: (ref: string) => `${url}/_invoke/${encodeURIComponent(ref)}`,
    /** Every management request, in order, with the status it got. */
    requests,
    /** The invocations so far, oldest first, optionally for one project or function. */
    invocations: (
      filter: { ref?: string; slug?: string; since?: number } = {},
    ) =>
      invocations.filter(
        i =>
          (filter.ref === undefined || i.ref === filter.ref) &&
          (filter.slug === undefined || i.slug === filter.slug) &&
          (filter.since === undefined || i.timestamp >= filter.since),
      ),
    /** A function as GET returns it, plus every version deployed to its slug. */
    getFunction: (ref: string, slug: string) => {
      const fn = functions.get(ref)?.get(slug);
      return fn
        ? {
            ...toResponse(fn),
            versions: fn.versions.map(v => ({
              version: v.version,
              ezbr_sha256: v.sha256,
              bundle: v.bundle,
              behaviour: v.behaviour,
              bootError: v.bootError,
            })),
          }
        : undefined;
    },
    close: () =>
      new Promise<void>(r => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The running loopback. */
export type LoopbackSupabase = Awaited<
  ReturnType<typeof startLoopbackSupabase>
>;
