import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  DatabaseUnavailableError,
  retryWhileUnavailable,
} from '@internal/ibias-backend-resilience';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  decideAnalysis,
  isTerminal,
  judgeInterval,
  nextStatus,
  trailingBreaches,
  type AnalysisPolicy,
  type Deployment,
  type DeploymentEvent,
  type DeploymentStep,
  type EnvironmentName,
  type Evidence,
  type IntervalJudgement,
} from '@internal/plugin-ibias-deployments-common';
import type {
  DeploymentStore,
  DeploymentUpdate,
  StoredDeployment,
} from '../database/DeploymentStore';
import type {
  DeployTarget,
  ProbeResult,
  TargetRef,
} from '@internal/plugin-ibias-deployments-node';

/** Why a running deployment stopped short of success. */
class Stop extends Error {
  constructor(readonly event: 'roll_back' | 'fail' | 'abort', message: string) {
    super(message);
  }
}

/** The deployment record changed under us (an abort, or another writer). */
class Superseded extends Error {}

/** A target call that did not finish in time. */
export class StepTimeout extends Error {}

/** Default limit of one target call (a build and start of a sample included). */
export const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;

/** Defaults of the ownership of work in flight (issue 11); see DeployEngineOptions. */
export const DEFAULT_OWNERSHIP = {
  heartbeatMs: 10_000,
  leaseMs: 30_000,
  databaseRetryMs: 5 * 60_000,
};

export interface DeployEngineOptions {
  store: DeploymentStore;
  target: DeployTarget;
  logger: LoggerService;
  analysisPolicy(environment: EnvironmentName): AnalysisPolicy;
  /** Called after every persisted change (live progress, notifications, audit). */
  onChange?(deployment: Deployment, event?: DeploymentEvent): void;
  /** Milliseconds per tick while waiting (tests shorten it). */
  sleep?(ms: number): Promise<void>;
  /**
   * How long one target call may take (deploy, probes, traffic, metrics, cleanup,
   * restoring the previous version); past it the step fails and the deployment rolls
   * back, freeing the lock. Default DEFAULT_STEP_TIMEOUT_MS.
   */
  stepTimeoutMs?: number;
  /** This engine's id as the owner of what it runs (default: a new uuid). */
  instanceId?: string;
  /** How often it beats the heartbeat of what it runs (default 10 s). */
  heartbeatMs?: number;
  /**
   * A queued or running deployment whose heartbeat is older than this is abandoned:
   * the sweep of any engine takes it over (default 30 s, three missed beats).
   */
  leaseMs?: number;
  /**
   * How long a write of a deploy waits out an unreachable database before the engine
   * gives the deployment up to the sweep (default 5 minutes).
   */
  databaseRetryMs?: number;
}

/** What a target acts on: the normalised entity ref (the key) and its name. */
export function targetRef(d: {
  entityRef: string;
  environment: EnvironmentName;
}): TargetRef {
  const entityRef = d.entityRef.toLocaleLowerCase('en-US');
  return {
    service: parseEntityRef(entityRef).name,
    entityRef,
    environment: d.environment,
  };
}

/**
 * Runs deployments step by step on a target, persisting every transition
 * (compare-and-set). A failing health check or smoke test, a rollback trigger during
 * analysis, an inconclusive analysis or an error puts the previous version back at full
 * traffic.
 *
 * Work in flight is owned in the database: the engine running a deployment is its
 * owner and beats its heartbeat; every write waits out an unreachable database (with
 * backoff, up to databaseRetryMs). `sweep()` (scheduled by the plugin, and run at start)
 * takes over what nobody beats any more: it starts queued deployments and rolls back
 * running ones, freeing their locks. So a crash, a dead replica, a stuck engine or a
 * database outage longer than the retry window ends in a terminal state without a
 * restart, and replicas can share one database.
 */
export class DeployEngine {
  private readonly running = new Map<string, Promise<void>>();
  private readonly aborts = new Set<string>();
  private readonly sleep: (ms: number) => Promise<void>;
  /** This engine's id in the owner column. */
  readonly instanceId: string;
  private readonly ownership: typeof DEFAULT_OWNERSHIP;
  private heartbeatTimer?: NodeJS.Timeout;
  private lastSweep?: { at: string; tookOver: number };
  /** Runs of this engine that another engine took over: they stop touching the target. */
  private readonly lost = new Set<string>();
  /**
   * What the sweep saw of each queued or running deployment it does not run: its
   * revision and heartbeat, and since when (this engine's clock) they have not changed.
   */
  private readonly observed = new Map<string, { key: string; since: number }>();

  /** The target, every call bounded by stepTimeoutMs. */
  private readonly target: DeployTarget;

  constructor(private readonly options: DeployEngineOptions) {
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    this.target = withTimeouts(
      options.target,
      options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
    );
    this.instanceId = options.instanceId ?? randomUUID();
    this.ownership = {
      heartbeatMs: options.heartbeatMs ?? DEFAULT_OWNERSHIP.heartbeatMs,
      leaseMs: options.leaseMs ?? DEFAULT_OWNERSHIP.leaseMs,
      databaseRetryMs:
        options.databaseRetryMs ?? DEFAULT_OWNERSHIP.databaseRetryMs,
    };
  }

  /** Starts beating the heartbeat of what this engine runs. */
  start(): void {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(
      () => void this.beat(),
      this.ownership.heartbeatMs,
    );
    this.heartbeatTimer.unref?.();
  }

  /**
   * Stops the heartbeat (shutdown). What this engine still runs stops being beaten, so
   * another replica's sweep takes it over after the lease.
   */
  stop(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /**
   * One heartbeat for everything this engine runs now. A run another engine took over
   * is marked lost (it stops before its next target call); a run someone asked to
   * abort from another replica is aborted here. A failure is only logged: the next
   * beat tries again, and a takeover needs a whole lease without one.
   */
  async beat(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    try {
      const { owned, abortRequested } = await this.options.store.heartbeat(
        this.instanceId,
        ids,
      );
      for (const id of abortRequested) this.aborts.add(id);
      for (const id of ids) {
        // A run still starting owns nothing yet; only a run that owned its row can lose it.
        if (!owned.includes(id) && this.owning.has(id)) this.lost.add(id);
      }
    } catch (e) {
      this.options.logger.warn(
        `Heartbeat of ${ids.length} deployment(s) failed: ${e}`,
      );
    }
  }

  /** Runs of this engine that have written their ownership (started or claimed). */
  private readonly owning = new Set<string>();

  /** A store call that waits out an unreachable database (see @internal/ibias-backend-resilience). */
  private db<T>(
    what: string,
    call: () => Promise<T>,
    forMs = this.ownership.databaseRetryMs,
  ): Promise<T> {
    return retryWhileUnavailable(call, {
      forMs,
      what,
      logger: this.options.logger,
    });
  }

  /**
   * A compare-and-set write of a deployment this engine owns, waiting out an
   * unreachable database. Every write renews the heartbeat. When a try failed with the
   * connection and the next one misses the revision, the failed try may have committed
   * with its answer lost: if the row is one revision on and still ours, it did.
   */
  private async write(
    d: StoredDeployment,
    update: DeploymentUpdate,
    what: string,
    forMs?: number,
  ): Promise<StoredDeployment | undefined> {
    let interrupted = false;
    const next = await this.db(
      what,
      async () => {
        try {
          return await this.options.store.update(d.id, d.revision, {
            ...update,
            ownerId: this.instanceId,
          });
        } catch (e) {
          interrupted = true;
          throw e;
        }
      },
      forMs,
    );
    if (next || !interrupted) return next;
    const now = await this.db(`${what} (checking)`, () =>
      this.options.store.get(d.id),
    );
    const expected = update.status ?? d.status;
    return now &&
      now.revision === d.revision + 1 &&
      now.status === expected &&
      (now.ownerId === this.instanceId || isTerminal(now.status))
      ? now
      : undefined;
  }

  /** Starts a queued deployment in the background. */
  submit(id: string): void {
    if (this.running.has(id)) return;
    const run = this.run(id)
      .catch(e =>
        this.options.logger.error(`Deployment ${id} crashed the engine: ${e}`),
      )
      .finally(() => this.forget(id));
    this.running.set(id, run);
  }

  /** Whether this engine is running the deployment now. */
  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Asks a running deployment to stop; it restores the previous version first. */
  requestAbort(id: string): boolean {
    if (!this.running.has(id)) return false;
    this.aborts.add(id);
    return true;
  }

  /** Waits for a deployment this engine runs (tests and shutdown). */
  async settled(id: string): Promise<void> {
    await this.running.get(id);
  }

  /**
   * Takes over what nobody works on: a queued or running deployment this engine does
   * not run, whose revision and heartbeat it has seen unchanged for a whole lease on its
   * own clock (so clocks of replicas need not agree, and an owner that lost its
   * database beats again before anyone takes over). Its engine crashed, stopped, is
   * stuck without beating, or the backend restarted. Queued ones run here; running ones
   * are claimed (compare-and-set on what was seen, so one engine wins and an owner that
   * beat meanwhile keeps it) and rolled back, freeing the lock. Returns what it took.
   */
  async sweep(): Promise<{ started: string[]; rolledBack: string[] }> {
    const inFlight = (await this.options.store.listInFlight()).filter(
      d => d.status === 'queued' || d.status === 'running',
    );
    const now = Date.now();
    const present = new Set(inFlight.map(d => d.id));
    for (const id of this.observed.keys()) {
      if (!present.has(id)) this.observed.delete(id);
    }
    const started: string[] = [];
    const rolledBack: string[] = [];
    for (const d of inFlight) {
      if (this.running.has(d.id)) {
        this.observed.delete(d.id);
        continue;
      }
      const key = `${d.revision}|${d.heartbeatAt ?? ''}`;
      const seen = this.observed.get(d.id);
      if (!seen || seen.key !== key) {
        this.observed.set(d.id, { key, since: now });
        continue;
      }
      const silentMs = now - seen.since;
      if (silentMs < this.ownership.leaseMs) continue;
      this.observed.delete(d.id);
      if (d.status === 'queued') {
        // run() starts it with a compare-and-set: if another engine does too, one wins.
        this.submit(d.id);
        started.push(d.id);
        continue;
      }
      const claimed = await this.options.store
        .claim(
          d.id,
          { revision: d.revision, heartbeatAt: d.heartbeatAt },
          this.instanceId,
        )
        .catch(e => {
          this.options.logger.warn(`Claiming ${d.id} failed: ${e}`);
          return undefined;
        });
      if (!claimed) continue; // its owner beat, another engine took it, or it moved
      const silentFor = Math.round(silentMs / 1000);
      this.options.logger.warn(
        `Deployment ${d.id}: no heartbeat for ${silentFor} s; rolling back`,
      );
      rolledBack.push(d.id);
      this.owning.add(d.id);
      const run = this.interrupted(claimed, silentFor)
        .catch(e =>
          this.options.logger.error(`Rolling back ${d.id} failed: ${e}`),
        )
        .finally(() => this.forget(d.id));
      this.running.set(d.id, run);
    }
    this.lastSweep = {
      at: new Date().toISOString(),
      tookOver: started.length + rolledBack.length,
    };
    return { started, rolledBack };
  }

  private forget(id: string) {
    this.running.delete(id);
    this.owning.delete(id);
    this.lost.delete(id);
    this.aborts.delete(id);
  }

  /** What the health endpoint says of this engine. */
  status() {
    return {
      runningHere: this.running.size,
      lastSweepAt: this.lastSweep?.at ?? null,
      abandonedAtLastSweep: this.lastSweep?.tookOver ?? 0,
    };
  }

  /** At start: the sweep, so what a previous run of the backend left behind ends. */
  async recover(): Promise<void> {
    await this.sweep();
  }

  private async interrupted(d: StoredDeployment, silentFor: number) {
    const ref = targetRef(d);
    let restoreError: string | undefined;
    try {
      await this.restorePrevious(d, ref);
    } catch (e) {
      restoreError = String(e);
      this.options.logger.error(`Restoring ${d.previousVersion} failed: ${e}`);
    }
    const finishedAt = new Date().toISOString();
    const steps = d.steps.map((s): DeploymentStep => {
      if (s.status === 'running') return { ...s, status: 'failed', finishedAt };
      return s.status === 'pending' ? { ...s, status: 'skipped' } : s;
    });
    const outcome = restoreError
      ? `restoring ${d.previousVersion} failed: ${restoreError}`
      : `${
          d.previousVersion
            ? `${d.previousVersion} is live again`
            : 'nothing is live'
        }`;
    await this.transition(d, 'roll_back', {
      steps,
      reason: `Its engine stopped working on it (no heartbeat for ${silentFor} s: a restart, a crash, a stuck engine or a lost database); ${outcome}`,
      finishedAt,
    });
  }

  private async transition(
    d: StoredDeployment,
    event: DeploymentEvent,
    update: DeploymentUpdate = {},
    /** How long to wait out an unreachable database (default databaseRetryMs). */
    forMs?: number,
  ): Promise<StoredDeployment> {
    const status = nextStatus(d.status, event);
    if (!status) {
      throw new Superseded(`Cannot ${event} a ${d.status} deployment`);
    }
    const next = await this.write(
      d,
      { ...update, status },
      `Deployment ${d.id}: ${event}`,
      forMs,
    );
    if (!next) throw new Superseded(`Deployment ${d.id} changed meanwhile`);
    this.owning.add(d.id);
    this.options.onChange?.(next, event);
    return next;
  }

  private async save(
    d: StoredDeployment,
    update: DeploymentUpdate,
  ): Promise<StoredDeployment> {
    const next = await this.write(d, update, `Deployment ${d.id}: saving`);
    if (!next) throw new Superseded(`Deployment ${d.id} changed meanwhile`);
    this.options.onChange?.(next);
    return next;
  }

  /** Before each target call: stop if asked to abort, or if another engine took over. */
  private checkAbort(d: StoredDeployment) {
    if (this.lost.has(d.id)) {
      throw new Superseded(
        `Deployment ${d.id} was taken over by another engine`,
      );
    }
    if (this.aborts.has(d.id)) {
      throw new Stop('abort', 'Aborted by request');
    }
  }

  private async run(id: string): Promise<void> {
    let d = await this.db(`Deployment ${id}: reading`, () =>
      this.options.store.get(id),
    );
    if (!d || d.status !== 'queued') return;
    // Starting takes ownership: from here this engine beats its heartbeat. Another
    // engine starting it too, or an abort while queued, wins the compare-and-set.
    try {
      d = await this.transition(d, 'start', {
        startedAt: new Date().toISOString(),
      });
    } catch (e) {
      if (!(e instanceof Superseded)) throw e;
      this.options.logger.debug(`Deployment ${id} was started elsewhere`);
      return;
    }
    const ref = targetRef(d);
    const setStep = async (stepId: string, patch: Partial<DeploymentStep>) => {
      d = await this.save(d!, {
        steps: d!.steps.map(s => (s.id === stepId ? { ...s, ...patch } : s)),
      });
    };
    const addEvidence = async (evidence: Evidence[]) => {
      d = await this.save(d!, { evidence: [...d!.evidence, ...evidence] });
    };
    let current: string | undefined;
    try {
      for (const step of [...d.steps]) {
        this.checkAbort(d);
        current = step.id;
        await setStep(step.id, {
          status: 'running',
          startedAt: new Date().toISOString(),
        });
        const message = await this.runStep(d, step, ref, addEvidence);
        await setStep(step.id, {
          status: 'succeeded',
          finishedAt: new Date().toISOString(),
          ...(message ? { message } : {}),
        });
      }
      current = undefined;
      await this.transition(d, 'succeed', {
        finishedAt: new Date().toISOString(),
        environmentState: {
          version: d.version,
          since: new Date().toISOString(),
          deployedBy: d.initiatedBy,
          strategy: d.strategy,
          deploymentId: d.id,
        },
      });
    } catch (e) {
      if (e instanceof Superseded) {
        this.options.logger.warn(String(e.message));
        return;
      }
      let stop: Stop;
      if (e instanceof Stop) stop = e;
      else if (
        e instanceof StepTimeout ||
        e instanceof DatabaseUnavailableError
      )
        stop = new Stop('roll_back', e.message);
      else stop = new Stop('fail', e instanceof Error ? e.message : String(e));
      this.options.logger.info(`Deployment ${d.id}: ${stop.message}`);
      await this.target.setLoad(ref, false).catch(() => undefined);
      let restoreError: string | undefined;
      try {
        await this.restorePrevious(d, ref);
      } catch (re) {
        restoreError = String(re);
      }
      const finishedAt = new Date().toISOString();
      const steps = d.steps.map((s): DeploymentStep => {
        if (s.id === current) {
          return { ...s, status: 'failed', finishedAt, message: stop.message };
        }
        return s.status === 'pending' ? { ...s, status: 'skipped' } : s;
      });
      try {
        await this.transition(
          d,
          stop.event,
          {
            steps,
            finishedAt,
            reason: restoreError
              ? `${stop.message}; restoring ${d.previousVersion} failed: ${restoreError}`
              : stop.message,
          },
          // The database already stayed away for the whole retry window: one short
          // wait more, then the sweep finishes the record when it is back.
          e instanceof DatabaseUnavailableError
            ? Math.min(30_000, this.ownership.databaseRetryMs)
            : undefined,
        );
      } catch (te) {
        this.options.logger.warn(`Deployment ${d.id}: ${te}`);
      }
    } finally {
      this.aborts.delete(id);
    }
  }

  private async restorePrevious(d: Deployment, ref: TargetRef) {
    if (d.previousVersion) {
      await this.target.deploy(ref, d.previousVersion);
      await this.target.setTraffic(ref, d.previousVersion, 100, null);
    }
    await this.target.retain(ref, d.previousVersion);
  }

  private probeEvidence(
    check: string,
    stepId: string,
    results: ProbeResult[],
  ): Evidence[] {
    return results.map(r => ({
      check,
      query: r.query,
      source: 'probe',
      stepId,
      windowSeconds: 0,
      samples: 1,
      threshold: 1,
      value: r.passed ? 1 : 0,
      verdict: r.passed ? 'pass' : 'fail',
      detail: r.detail,
      at: new Date().toISOString(),
    }));
  }

  private async runStep(
    d: StoredDeployment,
    step: DeploymentStep,
    ref: TargetRef,
    addEvidence: (e: Evidence[]) => Promise<void>,
  ): Promise<string | undefined> {
    const { target } = this;
    if (step.id === 'deploy') {
      await target.deploy(ref, d.version);
      return `${d.version} is up next to ${d.previousVersion ?? 'nothing'}`;
    }
    if (step.id === 'health' || step.id === 'smoke') {
      const results =
        step.id === 'health'
          ? await target.healthChecks(ref, d.version)
          : await target.smokeTests(ref, d.version);
      await addEvidence(this.probeEvidence(step.id, step.id, results));
      const failed = results.filter(r => !r.passed);
      if (failed.length > 0) {
        throw new Stop(
          'roll_back',
          `${
            step.id === 'health' ? 'Health check' : 'Smoke test'
          } failed: ${failed.map(f => `${f.query} (${f.detail})`).join('; ')}`,
        );
      }
      return `${results.length} passed`;
    }
    if (step.weight !== undefined) {
      await target.setTraffic(ref, d.version, step.weight, d.previousVersion);
      return `${step.weight}% on ${d.version}`;
    }
    if (step.id === 'monitor' || step.id.startsWith('analysis-')) {
      return this.analyse(d, step, ref, addEvidence);
    }
    if (step.id === 'cleanup') {
      await target.retain(ref, d.version);
      return d.previousVersion ? `${d.previousVersion} stopped` : undefined;
    }
    throw new Error(`Unknown step ${step.id}`);
  }

  private async analyse(
    d: StoredDeployment,
    step: DeploymentStep,
    ref: TargetRef,
    addEvidence: (e: Evidence[]) => Promise<void>,
  ): Promise<string> {
    const policy = this.options.analysisPolicy(d.environment);
    const { target } = this;
    const judgements: IntervalJudgement[] = [];
    await target.setLoad(ref, true);
    try {
      for (;;) {
        const since = Date.now();
        for (
          let waited = 0;
          waited < policy.intervalSeconds * 1000;
          waited += 250
        ) {
          this.checkAbort(d);
          await this.sleep(250);
        }
        const m = await target.metrics(ref, d.version, since);
        const j = judgeInterval(m, policy);
        judgements.push(j);
        const consecutive = trailingBreaches(judgements);
        await addEvidence(
          j.checks.map(c => ({
            check: c.check,
            query: m.query,
            source: m.source,
            stepId: step.id,
            windowSeconds: policy.intervalSeconds,
            samples: c.samples,
            threshold: c.threshold,
            value: c.value,
            verdict: c.verdict,
            consecutiveBreaches: consecutive,
            ...(m.detail ? { detail: m.detail } : {}),
            at: new Date().toISOString(),
          })),
        );
        const decision = decideAnalysis(judgements, policy);
        if (decision === 'continue') continue;
        if (decision === 'promote') {
          return `${judgements.length} intervals of ${policy.intervalSeconds} s healthy`;
        }
        // Name what breached: this interval, or the latest interval that did.
        const culprit = [...judgements].reverse().find(x => x.breach) ?? j;
        const failing = culprit.checks
          .filter(c => c.verdict === 'fail')
          .map(c =>
            c.check === 'error-rate'
              ? `error rate ${((c.value ?? 0) * 100).toFixed(1)}% > ${
                  c.threshold * 100
                }%`
              : `p95 ${Math.round(c.value ?? 0)} ms > ${c.threshold} ms`,
          );
        throw new Stop(
          'roll_back',
          decision === 'roll_back'
            ? `Rollback trigger: ${
                failing.join(', ') || 'breaches'
              } for ${consecutive} consecutive interval(s) of ${
                policy.intervalSeconds
              } s (${m.requests} requests)`
            : `Analysis inconclusive: fewer than ${policy.minSamples} requests per interval; not promoting`,
        );
      }
    } finally {
      await target.setLoad(ref, false);
    }
  }
}

/**
 * The target with every call bounded: a call that has not settled after `ms` rejects
 * with StepTimeout (what it started may still finish; the rollback that follows puts
 * the previous version back and retain stops the rest).
 */
function withTimeouts(target: DeployTarget, ms: number): DeployTarget {
  return new Proxy(target, {
    get(t, property, receiver) {
      const value = Reflect.get(t, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = value.apply(t, args);
        if (!(result instanceof Promise)) return result;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new StepTimeout(
                  `${String(property)} on the ${
                    t.name
                  } target did not finish within ${
                    ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`
                  }`,
                ),
              ),
            ms,
          );
        });
        return Promise.race([result, timeout]).finally(() =>
          clearTimeout(timer),
        );
      };
    },
  });
}
