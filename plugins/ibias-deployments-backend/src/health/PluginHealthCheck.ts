import { within } from '@internal/ibias-backend-resilience';
import type {
  CheckStatus,
  DependencyCheck,
  PluginHealth,
} from '@internal/plugin-ibias-deployments-common';
import type { DeployTarget } from '@internal/plugin-ibias-deployments-node';
import type { DeploymentStore } from '../database/DeploymentStore';
import type { DeployEngine } from '../engine/DeployEngine';

/** The only details a check may pass on (what checkHttp says). */
const SAFE_DETAIL =
  /^(unreachable|answered \d{3}|timed out after [\d.]+ s|the check failed)$/;

/** How long one check may take before it counts as down. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * The plugin's own state (GET /health): its database, what each deploy target depends
 * on, and its engine. Down when the database does not answer (deploys wait for it);
 * degraded when another dependency does not (deploys run, analysis that needs it is
 * inconclusive); ok otherwise. Answers are cached for a second, so a dashboard polling
 * every replica costs the database little.
 */
export class PluginHealthCheck {
  private cached?: { at: number; health: PluginHealth };
  /** The check under way: concurrent requests share it (one database ping at a time). */
  private inFlight?: Promise<PluginHealth>;
  /** A ping that has not settled yet (a hung pool): no second one is started. */
  private pendingPing?: Promise<unknown>;

  constructor(
    private readonly options: {
      store: DeploymentStore;
      engine: Pick<DeployEngine, 'status'>;
      targets: DeployTarget[];
      now?: () => number;
    },
  ) {}

  async check(): Promise<PluginHealth> {
    const now = this.options.now?.() ?? Date.now();
    if (this.cached && now - this.cached.at < 1_000) return this.cached.health;
    this.inFlight ??= this.run().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async run(): Promise<PluginHealth> {
    const checks = await Promise.all([
      this.database(),
      ...this.options.targets.map(t => this.targetDependencies(t)),
    ]).then(all => all.flat());
    const [database, ...others] = checks;
    let status: CheckStatus = 'ok';
    if (database.status === 'down') status = 'down';
    else if (others.some(c => c.status !== 'ok')) status = 'degraded';
    // Stamped when the checks are done, so a slow check is still cached for a second.
    const done = this.options.now?.() ?? Date.now();
    const health: PluginHealth = {
      status,
      checkedAt: new Date(done).toISOString(),
      checks,
      engine: this.options.engine.status(),
    };
    this.cached = { at: done, health };
    return health;
  }

  private async database(): Promise<DependencyCheck> {
    const started = Date.now();
    if (this.pendingPing) {
      // The last ping still waits for a connection: say so, and add none to the queue.
      return {
        name: 'database',
        status: 'down',
        latencyMs: 0,
        detail: 'timed out after 2 s',
      };
    }
    const ping = this.options.store.ping();
    this.pendingPing = ping;
    ping
      .catch(() => undefined)
      .finally(() => {
        if (this.pendingPing === ping) this.pendingPing = undefined;
      });
    const answer = await within(
      CHECK_TIMEOUT_MS,
      ping.then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      ),
      'late' as const,
    );
    const latencyMs = Date.now() - started;
    if (answer === 'ok') return { name: 'database', status: 'ok', latencyMs };
    return {
      name: 'database',
      status: 'down',
      latencyMs,
      detail: answer === 'late' ? 'timed out after 2 s' : 'unreachable',
    };
  }

  private async targetDependencies(
    target: DeployTarget,
  ): Promise<DependencyCheck[]> {
    if (!target.dependencies) return [];
    const late: DependencyCheck[] = [
      {
        name: `${target.name}/dependencies`,
        status: 'down',
        detail: 'timed out after 2 s',
      },
    ];
    const found = await within(
      CHECK_TIMEOUT_MS + 500,
      target
        .dependencies()
        .catch((): DependencyCheck[] => [
          { name: 'dependencies', status: 'down', detail: 'the check failed' },
        ]),
      late,
    );
    if (found === late) return late;
    // What a target (a module's too) says is reduced to the document's fields, and its
    // detail to the fixed phrases: the endpoint needs no token.
    return found.map(c => ({
      name: `${target.name}/${String(c.name).replace(/[^\w.-]/g, '')}`,
      status: (['ok', 'degraded', 'down'] as const).includes(c.status)
        ? c.status
        : 'down',
      ...(typeof c.latencyMs === 'number'
        ? { latencyMs: Math.max(0, Math.round(c.latencyMs)) }
        : {}),
      ...(c.detail && SAFE_DETAIL.test(c.detail) ? { detail: c.detail } : {}),
    }));
  }
}
