import type { ProbeResult } from '../targets';
import type { Config } from '@backstage/config';
import { percentile } from '@internal/plugin-ibias-deployments-common';

// A remote target's own latency source (metrics source 'target-probe'): the environment's
// load sent to the version under analysis and every answer timed, for targets whose
// platform reports no per-request latency (Vercel's log drains, Supabase's functions).

/** What the portal sends to a deployment while its analysis runs. */
/**
 * The user agent of every request the portal itself sends to a deployment (probe load,
 * health checks, smoke tests), so that a platform's request logs can tell them from
 * real callers.
 */
export const PROBE_USER_AGENT = 'ibias-portal-probe/1';

/**
 * One health check or smoke test: a GET of `url` with the portal's user agent, passed
 * when it answers 2xx within `timeoutMs`; `query` names it in the evidence.
 */
export async function probeOnce(
  url: string,
  query: string,
  timeoutMs = 5_000,
): Promise<ProbeResult> {
  try {
    const res = await fetch(url, {
      headers: { 'User-Agent': PROBE_USER_AGENT },
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return { query, passed: res.ok, detail: `answered ${res.status}` };
  } catch (e) {
    return {
      query,
      passed: false,
      detail:
        (e as Error)?.name === 'TimeoutError'
          ? `no answer within ${timeoutMs} ms`
          : 'unreachable',
    };
  }
}

export interface ProbeLoadProfile {
  /** Requests per second; 0 or less sends nothing. */
  rps: number;
  method: string;
  /** Starts with `/`. */
  path: string;
  /** Sent as JSON when set. */
  body?: string;
}

/** One request the portal sent and timed. */
export interface ProbeSample {
  /** When the answer was read (or the request gave up), epoch ms. */
  at: number;
  version: string;
  /** The HTTP status, or null when nothing answered (refused, reset, timed out). */
  status: number | null;
  /** From sending to the whole body read (or giving up). */
  durationMs: number;
}

export interface ProbeMetrics {
  requests: number;
  /** Answered 5xx, or not at all. */
  errors: number;
  /** null when there were no requests. */
  p95Ms: number | null;
}

const isError = (s: ProbeSample) => s.status === null || s.status >= 500;

/** A fixed-size ring of samples, oldest overwritten first. */
class Ring {
  private readonly buf: ProbeSample[] = [];
  private next = 0;

  constructor(private readonly size: number) {}

  push(s: ProbeSample) {
    if (this.buf.length < this.size) {
      this.buf.push(s);
    } else {
      this.buf[this.next] = s;
    }
    this.next = (this.next + 1) % this.size;
  }

  get length() {
    return this.buf.length;
  }

  values(): readonly ProbeSample[] {
    return this.buf;
  }
}

/**
 * What the portal's probe load measured, per version (keyed by the caller: service,
 * environment and version), in memory and bounded: the newest `perVersion` samples of
 * each of the newest `maxVersions` keys.
 */
export class ProbeRecords {
  private readonly rings = new Map<string, Ring>();
  private readonly perVersion: number;
  private readonly maxVersions: number;

  constructor(options: { perVersion?: number; maxVersions?: number } = {}) {
    this.perVersion = Math.max(1, options.perVersion ?? 10_000);
    this.maxVersions = Math.max(1, options.maxVersions ?? 200);
  }

  record(key: string, sample: ProbeSample) {
    let ring = this.rings.get(key);
    if (ring) {
      // Most recently written last, so the oldest key is evicted first.
      this.rings.delete(key);
    } else {
      ring = new Ring(this.perVersion);
    }
    this.rings.set(key, ring);
    ring.push(sample);
    while (this.rings.size > this.maxVersions) {
      const oldest = this.rings.keys().next().value as string;
      this.rings.delete(oldest);
    }
  }

  /** The samples of a key answered at or after `sinceMs`, in no particular order. */
  samples(key: string, sinceMs: number): ProbeSample[] {
    return (this.rings.get(key)?.values() ?? []).filter(s => s.at >= sinceMs);
  }

  /** Requests, errors (5xx or no answer) and the exact (nearest-rank) p95 since `sinceMs`. */
  metrics(key: string, sinceMs: number): ProbeMetrics {
    const samples = this.samples(key, sinceMs);
    return {
      requests: samples.length,
      errors: samples.filter(isError).length,
      p95Ms: percentile(
        samples.map(s => s.durationMs),
        0.95,
      ),
    };
  }

  get size() {
    return this.rings.size;
  }
}

/** One deployment a load sends to. */
export interface ProbeLoadTarget {
  /** Where its samples are recorded (see ProbeRecords). */
  key: string;
  version: string;
  /** The deployment's base URL, without a trailing slash. */
  url: string;
  /** What to call it in words (the deployment's unique host); default `url`. */
  name?: string;
}

/**
 * Generated traffic the portal sends to deployments while their analysis runs, timing
 * each answer: one request every 1/rps seconds to each target, its status and duration
 * recorded in ProbeRecords.
 */
export class ProbeLoad {
  private readonly timers = new Map<string, NodeJS.Timeout[]>();

  constructor(
    private readonly options: {
      records: ProbeRecords;
      /** Each request gives up after this long (default 5 s): an error, timed as such. */
      requestTimeoutMs?: number;
      now?: () => number;
    },
  ) {}

  /** Sends one request and records what came back. */
  async send(target: ProbeLoadTarget, profile: ProbeLoadProfile) {
    const now = this.options.now ?? Date.now;
    const started = performance.now();
    let status: number | null = null;
    try {
      const res = await fetch(`${target.url}${profile.path}`, {
        method: profile.method,
        headers: {
          'User-Agent': PROBE_USER_AGENT,
          ...(profile.body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: profile.body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 5_000),
      });
      await res.arrayBuffer();
      status = res.status;
    } catch {
      // Refused, reset or timed out (a body cut off too): no answer.
      status = null;
    }
    const sample: ProbeSample = {
      at: now(),
      version: target.version,
      status,
      durationMs: performance.now() - started,
    };
    this.options.records.record(target.key, sample);
    return sample;
  }

  /** Sends `profile` to every target until stopped; replaces what ran under `key` before. */
  start(key: string, targets: ProbeLoadTarget[], profile: ProbeLoadProfile) {
    this.stop(key);
    if (profile.rps <= 0 || targets.length === 0) return;
    const every = Math.max(5, Math.round(1000 / profile.rps));
    const timers = targets.map(target => {
      const timer = setInterval(() => {
        this.send(target, profile).catch(() => undefined);
      }, every);
      timer.unref();
      return timer;
    });
    this.timers.set(key, timers);
  }

  running(key: string) {
    return this.timers.has(key);
  }

  stop(key: string) {
    for (const timer of this.timers.get(key) ?? []) clearInterval(timer);
    this.timers.delete(key);
  }

  stopAll() {
    for (const timers of this.timers.values()) {
      for (const timer of timers) clearInterval(timer);
    }
    this.timers.clear();
  }
}

/** What the analysis load sends when an environment configures none. */
export const DEFAULT_PROBE_LOAD: ProbeLoadProfile = {
  rps: 10,
  method: 'GET',
  path: '/',
};

/**
 * The analysis load of each environment, from ibias.deployments.environments.<env>.load
 * (the key the local target reads too): its rate, and the request when it names one,
 * else `GET /`; an environment without it gets DEFAULT_PROBE_LOAD.
 */
export function readProbeLoadProfiles(
  config: Config,
  environments: string[],
): Record<string, ProbeLoadProfile> {
  return Object.fromEntries(
    environments.map(env => {
      const key = `ibias.deployments.environments.${env}.load`;
      const c = config.getOptionalConfig(key);
      if (!c) return [env, DEFAULT_PROBE_LOAD];
      const path = c.getOptionalString('path') ?? DEFAULT_PROBE_LOAD.path;
      if (!path.startsWith('/')) {
        throw new Error(`${key}.path must start with /`);
      }
      return [
        env,
        {
          rps: c.getNumber('rps'),
          method: c.getOptionalString('method') ?? DEFAULT_PROBE_LOAD.method,
          path,
          body: c.getOptionalString('body'),
        },
      ];
    }),
  );
}
