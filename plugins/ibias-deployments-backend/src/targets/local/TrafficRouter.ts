import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { percentile } from '@internal/plugin-ibias-deployments-common';
import type { TrafficHistoryPoint } from '@internal/plugin-ibias-deployments-node';

interface Sample {
  t: number;
  ms: number;
  error: boolean;
  /** A health probe or a metrics scrape: counted for analysis, left out of history. */
  probe: boolean;
}

const MAX_SAMPLES = 20_000;

/** Paths that are the platform asking, not users: as the services' metrics exclude them. */
const PROBE_PATH = /^\/(health|ready|live|metrics)(\/|\?|$)/;

/** What one version served in the step that ends at `at` (epoch ms): (at − step, at]. */
export type TrafficBucket = TrafficHistoryPoint;

/** The router's records of one version over a range, probes left out. */
export interface VersionTraffic {
  version: string;
  points: TrafficBucket[];
  /** Over the whole range (`at` is its end). */
  total: TrafficBucket;
}

function bucketOf(at: number, samples: Sample[]): TrafficBucket {
  const ms = samples.map(s => s.ms);
  return {
    at,
    requests: samples.length,
    errors: samples.filter(s => s.error).length,
    p50Ms: percentile(ms, 0.5),
    p95Ms: percentile(ms, 0.95),
    p99Ms: percentile(ms, 0.99),
  };
}

/**
 * Samples into steps on the grid `fromMs, fromMs + stepMs, … ≤ toMs`, each point covering
 * the step before it (as a Prometheus rate over the window before a point does).
 */
export function bucketSamples(
  samples: Array<{ t: number; ms: number; error: boolean }>,
  range: { fromMs: number; toMs: number; stepMs: number },
): { points: TrafficBucket[]; total: TrafficBucket } {
  const { fromMs, toMs, stepMs } = range;
  const grid: number[] = [];
  for (let at = fromMs; at <= toMs; at += stepMs) grid.push(at);
  const steps = grid.map(() => [] as Sample[]);
  const inRange: Sample[] = [];
  for (const s of samples) {
    if (s.t <= fromMs - stepMs || s.t > toMs) continue;
    inRange.push(s as Sample);
    // The first grid point at or after the sample.
    const i = Math.ceil((s.t - fromMs) / stepMs);
    if (i >= 0 && i < grid.length) steps[i].push(s as Sample);
  }
  return {
    points: grid.map((at, i) => bucketOf(at, steps[i])),
    total: bucketOf(toMs, inRange),
  };
}

/**
 * A loopback HTTP router in front of the versions of one service in one environment. It
 * splits requests by weight (blue-green switches 0 → 100, canary shifts in steps) and
 * records, per version, every request's latency and whether it failed (5xx or no answer).
 * An upstream that does not answer within the timeout gets the client a 504 (recorded as
 * an error), so a hung release can neither hold clients nor look healthy.
 */
export class TrafficRouter {
  private readonly server: http.Server;
  /** How long an upstream may take to answer (and then to send each chunk). */
  private readonly upstreamTimeoutMs: number;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private upstreams: Array<{ version: string; port: number; weight: number }> =
    [];
  private readonly samples = new Map<string, Sample[]>();
  private readonly counts = new Map<string, number>();
  /** Records go back to here: when the router started, or the oldest sample kept. */
  private coverageFromMs = Date.now();

  constructor(options: { upstreamTimeoutMs?: number } = {}) {
    this.upstreamTimeoutMs = options.upstreamTimeoutMs ?? 30_000;
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Replaces the routing table: version → (port, weight in percent). */
  route(upstreams: Array<{ version: string; port: number; weight: number }>) {
    this.upstreams = upstreams.filter(u => u.weight > 0);
  }

  weights(): Record<string, number> {
    return Object.fromEntries(this.upstreams.map(u => [u.version, u.weight]));
  }

  requestCount(version: string): number {
    return this.counts.get(version) ?? 0;
  }

  /** Requests, errors and p95 latency of `version` since `sinceMs`. */
  metrics(version: string, sinceMs: number) {
    const window = (this.samples.get(version) ?? []).filter(
      s => s.t >= sinceMs,
    );
    return {
      requests: window.length,
      errors: window.filter(s => s.error).length,
      p95Ms: percentile(
        window.map(s => s.ms),
        0.95,
      ),
    };
  }

  /**
   * Per version, what users asked of the router in a range (health probes and metrics
   * scrapes left out), with where its records begin: the router keeps the last
   * 20,000 requests of each version, in memory, since the portal started.
   */
  history(range: { fromMs: number; toMs: number; stepMs: number }): {
    coverageFromMs: number;
    versions: VersionTraffic[];
  } {
    // Versions that served in the range, and those routed now (idle is "no traffic").
    const names = new Set(this.upstreams.map(u => u.version));
    const versions = [...this.samples.keys(), ...names]
      .filter((v, i, all) => all.indexOf(v) === i)
      .map(version => ({
        version,
        ...bucketSamples(
          (this.samples.get(version) ?? []).filter(s => !s.probe),
          range,
        ),
      }));
    return {
      coverageFromMs: this.coverageFromMs,
      versions: versions.filter(
        v => v.total.requests > 0 || names.has(v.version),
      ),
    };
  }

  private pick() {
    const total = this.upstreams.reduce((n, u) => n + u.weight, 0);
    let r = Math.random() * total;
    for (const u of this.upstreams) {
      r -= u.weight;
      if (r < 0) return u;
    }
    return this.upstreams[this.upstreams.length - 1];
  }

  private record(version: string, sample: Sample) {
    let list = this.samples.get(version);
    if (!list) this.samples.set(version, (list = []));
    list.push(sample);
    if (list.length > MAX_SAMPLES) {
      const dropped = list.splice(0, list.length - MAX_SAMPLES);
      // Older records are gone: history from before the newest dropped one is partial.
      this.coverageFromMs = Math.max(
        this.coverageFromMs,
        dropped[dropped.length - 1].t + 1,
      );
    }
    this.counts.set(version, (this.counts.get(version) ?? 0) + 1);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse) {
    const upstream = this.upstreams.length ? this.pick() : undefined;
    if (!upstream) {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'No version is deployed' }));
      return;
    }
    const start = performance.now();
    const probe = PROBE_PATH.test(req.url ?? '');
    let recorded = false;
    const done = (status: number) => {
      if (recorded) return;
      recorded = true;
      this.record(upstream.version, {
        t: Date.now(),
        ms: performance.now() - start,
        error: status >= 500,
        probe,
      });
    };
    const timeoutMs = this.upstreamTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const fail = (status: 502 | 504, error: string) => {
      clearTimeout(timer);
      done(status);
      if (res.destroyed) return;
      if (!res.headersSent) {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error }));
      } else {
        // The answer was under way: cut it, the client sees an incomplete response.
        res.destroy();
      }
    };
    const proxied = http.request(
      {
        host: '127.0.0.1',
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          'x-forwarded-for': req.socket.remoteAddress ?? '',
          'x-ibias-version': upstream.version,
        },
        agent: this.agent,
      },
      upstream_res => {
        clearTimeout(timer);
        res.writeHead(upstream_res.statusCode ?? 502, {
          ...upstream_res.headers,
          'x-ibias-version': upstream.version,
        });
        // A body that stalls longer than the timeout between chunks is cut too.
        const stalled = () => {
          fail(504, `Version ${upstream.version} stalled`);
          proxied.destroy();
        };
        timer = setTimeout(stalled, timeoutMs);
        upstream_res.on('data', () => {
          clearTimeout(timer);
          timer = setTimeout(stalled, timeoutMs);
        });
        upstream_res.pipe(res);
        upstream_res.on('end', () => {
          clearTimeout(timer);
          done(upstream_res.statusCode ?? 502);
        });
      },
    );
    // From the request to the answer's headers: one deadline, whatever trickles in.
    timer = setTimeout(() => {
      fail(
        504,
        `Version ${upstream.version} did not answer within ${timeoutMs} ms`,
      );
      proxied.destroy();
    }, timeoutMs);
    proxied.on('error', () => {
      fail(502, `Version ${upstream.version} did not answer`);
    });
    res.on('close', () => {
      clearTimeout(timer);
      // The client went away: nothing waits for the upstream any more.
      if (!res.writableFinished) proxied.destroy();
    });
    req.pipe(proxied);
  }

  async close() {
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }
}
