import type { IntervalMetrics } from '@internal/plugin-ibias-deployments-common';
import type {
  DeployTarget,
  ProbeResult,
  TargetRef,
} from '@internal/plugin-ibias-deployments-node';

// The engine's decisions against a scripted target (the local target with real processes
// is exercised end to end in the browser tests): which step fails, what the metrics say.
import { bucketSamples } from '../targets/local/TrafficRouter';

export class ScriptedTarget implements DeployTarget {
  /** A name of its own, e.g. to stand for a team's target added by a module. */
  constructor(readonly name: string = 'scripted') {}

  calls: string[] = [];
  live: Record<string, number> = {};
  running = new Set<string>();
  healthCheck: Record<string, boolean> = {};
  smoke: Record<string, boolean> = {};
  metricsOf: Record<string, IntervalMetrics> = {};
  deployError?: string;
  /** entityRef → why this target refuses it (as the local target refuses component:other/x). */
  refusals: Record<string, string> = {};
  /** Calls that never settle (a hung sample or cluster), by method name. */
  hang = new Set<string>();

  /** Asynchronous, as the local target's (it looks at the repository). */
  async cannotDeploy(ref: TargetRef) {
    return this.refusals[ref.entityRef];
  }

  async versions() {
    return ['1.0.0', '1.1.0', '1.2.0'];
  }
  async deploy(_ref: TargetRef, version: string) {
    this.calls.push(`deploy ${version}`);
    if (this.hang.has('deploy')) await new Promise(() => {});
    if (this.deployError) throw new Error(this.deployError);
    this.running.add(version);
  }
  private probe(ok: boolean | undefined, query: string): ProbeResult[] {
    return [
      { query, passed: ok !== false, detail: ok === false ? '500' : '200' },
    ];
  }
  async healthChecks(_r: TargetRef, v: string) {
    if (this.hang.has('healthChecks')) await new Promise(() => {});
    return this.probe(this.healthCheck[v], 'GET /health');
  }
  async smokeTests(_r: TargetRef, v: string) {
    return this.probe(this.smoke[v], 'GET /metrics');
  }
  async setTraffic(_r: TargetRef, v: string, w: number, stable: string | null) {
    this.calls.push(`traffic ${v}=${w}`);
    this.live = { [v]: w };
    if (stable && stable !== v && w < 100) this.live[stable] = 100 - w;
  }
  async metrics(_r: TargetRef, v: string) {
    return {
      ...(this.metricsOf[v] ?? { requests: 100, errors: 0, p95Ms: 50 }),
      query: `requests to ${v}`,
      source: 'local-router' as const,
    };
  }
  async setLoad() {}
  async retain(_r: TargetRef, keep: string | null) {
    this.calls.push(`retain ${keep}`);
    this.running = new Set(keep ? [keep] : []);
  }
  async traffic() {
    return this.live;
  }
  /** What runs, each version with `requestsOf` requests (default none) at the range's end. */
  requestsOf: Record<string, number> = {};
  async trafficHistory(
    _r: TargetRef,
    range: { fromMs: number; toMs: number; stepMs: number },
  ) {
    if (Object.keys(this.live).length === 0) return undefined;
    return {
      source: 'scripted',
      coverageFromMs: range.fromMs,
      versions: Object.keys(this.live).map(version => ({
        version,
        ...bucketSamples(
          Array.from({ length: this.requestsOf[version] ?? 0 }, (_, i) => ({
            t: range.toMs,
            ms: 10 + i,
            error: false,
          })),
          range,
        ),
      })),
    };
  }
}
