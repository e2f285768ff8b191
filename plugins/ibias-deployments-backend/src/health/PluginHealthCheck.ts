import type {
  CheckStatus,
  DependencyCheck,
  PluginHealth,
} from '@internal/plugin-ibias-deployments-common';
import type { DeployTarget } from '@internal/plugin-ibias-deployments-node';
import type { DeploymentStore } from '../database/DeploymentStore';
import type { DeployEngine } from '../engine/DeployEngine';

/** How long one check may take before it counts as down. */
const CHECK_TIMEOUT_MS = 2_000;

function within<T>(ms: number, work: Promise<T>, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<T>(resolve => {
      timer = setTimeout(() => resolve(late), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The plugin's own state (GET /health): its database, what each deploy target depends
 * on, and its engine. Down when the database does not answer (deploys wait for it);
 * degraded when another dependency does not (deploys run, analysis that needs it is
 * inconclusive); ok otherwise. Answers are cached for a second, so a dashboard polling
 * every replica costs the database little.
 */
export class PluginHealthCheck {
  private cached?: { at: number; health: PluginHealth };

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
    const checks = await Promise.all([
      this.database(),
      ...this.options.targets.map(t => this.targetDependencies(t)),
    ]).then(all => all.flat());
    const [database, ...others] = checks;
    let status: CheckStatus = 'ok';
    if (database.status === 'down') status = 'down';
    else if (others.some(c => c.status !== 'ok')) status = 'degraded';
    const health: PluginHealth = {
      status,
      checkedAt: new Date(now).toISOString(),
      checks,
      engine: this.options.engine.status(),
    };
    this.cached = { at: now, health };
    return health;
  }

  private async database(): Promise<DependencyCheck> {
    const started = Date.now();
    const answer = await within(
      CHECK_TIMEOUT_MS,
      this.options.store.ping().then(
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
      target.dependencies().catch(() => [
        {
          name: 'dependencies',
          status: 'down' as const,
          detail: 'the check failed',
        },
      ]),
      late,
    );
    return found === late
      ? late
      : found.map(c => ({ ...c, name: `${target.name}/${c.name}` }));
  }
}
