import { createHash } from 'node:crypto';

// What the loopback stores for a deployed function version. The real API bundles the
// upload into an eszip (Deno's module archive) and serves that from `/body`; the
// loopback cannot build one, so it stores a deterministic archive of its own: the
// uploaded files, sorted by path, with the entry point and import map. Like an eszip,
// the same sources give the same bytes, hence the same `ezbr_sha256`.

/** The name of the file in an upload that tells the loopback how the function behaves. */
export const BEHAVIOUR_FILE = 'ibias-behaviour.json';

const FORMAT = 'ibias-supabase-loopback-bundle/1';

/** One uploaded file: its path relative to the function root, and its bytes. */
export interface BundleFile {
  name: string;
  content: Uint8Array;
}

/** A deployed version's sources, as the loopback stores and serves them. */
export interface FunctionBundle {
  entrypointPath: string;
  importMapPath: string | null;
  files: BundleFile[];
}

/**
 * How an invocation of the function answers. Real Deno code cannot run here, so a
 * test function declares its behaviour in `ibias-behaviour.json` next to its entry
 * point; without that file it is healthy and answers 200.
 */
export interface FunctionBehaviour {
  /** The application version the function reports (`/health` and the default body). */
  version?: string;
  /** The share of invocations (0–1, health probes excluded) that fail. */
  errorRate?: number;
  /** The status a failing invocation answers (default 500). */
  errorStatus?: number;
  /** Added to every invocation before it answers. */
  latencyMs?: number;
  /** `false` makes `/health` answer 503 (default true). */
  healthy?: boolean;
  /** `true` makes every invocation answer the runtime's 503 `BOOT_ERROR`. */
  bootError?: boolean;
  /** The JSON body of a successful invocation (default `{ ok: true, version }`). */
  body?: unknown;
}

/** A path as the loopback compares them: no `file://`, no leading `./` or `/`. */
export function normalizeBundlePath(path: string): string {
  return path
    .replace(/^file:\/\//, '')
    .replace(/^(\.\/|\/)+/, '')
    .replace(/\\/g, '/');
}

/** Code-unit order, so the archive does not depend on the locale. */
function byName(a: string, b: string) {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The bytes `/body` serves for a bundle; deterministic for the same sources. */
export function encodeBundle(bundle: FunctionBundle): Uint8Array {
  const files = [...bundle.files]
    .sort((a, b) => byName(a.name, b.name))
    .map(f => ({
      name: f.name,
      content_base64: Buffer.from(f.content).toString('base64'),
    }));
  return new Uint8Array(
    Buffer.from(
      JSON.stringify({
        format: FORMAT,
        entrypoint_path: bundle.entrypointPath,
        import_map_path: bundle.importMapPath,
        files,
      }),
    ),
  );
}

/** Reads back what `encodeBundle` wrote (what `/body` returned), e.g. to redeploy it. */
export function decodeBundle(bytes: Uint8Array | ArrayBuffer): FunctionBundle {
  const parsed = JSON.parse(Buffer.from(bytes as Uint8Array).toString('utf8'));
  if (parsed?.format !== FORMAT) {
    throw new Error(
      `Not a loopback function bundle (format ${parsed?.format})`,
    );
  }
  return {
    entrypointPath: parsed.entrypoint_path,
    importMapPath: parsed.import_map_path ?? null,
    files: parsed.files.map((f: { name: string; content_base64: string }) => ({
      name: f.name,
      content: new Uint8Array(Buffer.from(f.content_base64, 'base64')),
    })),
  };
}

/** The hex sha256 of the bundle's bytes, as `ezbr_sha256` reports it. */
export function bundleSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The behaviour declared in the bundle: the `ibias-behaviour.json` in the entry
 * point's directory. A file that is not a valid declaration makes the function fail
 * to boot, as a function with a broken module does on the real runtime.
 */
export function readBehaviour(
  bundle: FunctionBundle,
): { behaviour: FunctionBehaviour } | { bootError: string } {
  const entry = normalizeBundlePath(bundle.entrypointPath);
  const dir = entry.includes('/') ? entry.slice(0, entry.lastIndexOf('/')) : '';
  const wanted = dir ? `${dir}/${BEHAVIOUR_FILE}` : BEHAVIOUR_FILE;
  const file = bundle.files.find(f => normalizeBundlePath(f.name) === wanted);
  if (!file) return { behaviour: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(file.content).toString('utf8'));
  } catch (e) {
    return { bootError: `${BEHAVIOUR_FILE}: ${(e as Error).message}` };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { bootError: `${BEHAVIOUR_FILE}: not an object` };
  }
  const b = parsed as Record<string, unknown>;
  const problems = [
    b.version !== undefined && typeof b.version !== 'string' && 'version',
    b.errorRate !== undefined &&
      !(
        typeof b.errorRate === 'number' &&
        b.errorRate >= 0 &&
        b.errorRate <= 1
      ) &&
      'errorRate',
    b.errorStatus !== undefined &&
      !(
        Number.isInteger(b.errorStatus) &&
        (b.errorStatus as number) >= 400 &&
        (b.errorStatus as number) <= 599
      ) &&
      'errorStatus',
    b.latencyMs !== undefined &&
      !(typeof b.latencyMs === 'number' && b.latencyMs >= 0) &&
      'latencyMs',
    b.healthy !== undefined && typeof b.healthy !== 'boolean' && 'healthy',
    b.bootError !== undefined &&
      typeof b.bootError !== 'boolean' &&
      'bootError',
  ].filter(Boolean);
  if (problems.length) {
    return {
      bootError: `${BEHAVIOUR_FILE}: invalid ${problems.join(', ')}`,
    };
  }
  return { behaviour: b as FunctionBehaviour };
}
