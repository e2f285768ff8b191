import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { aiCostsReadPermission } from '@internal/plugin-ibias-ai-costs-common';
import { teamsAllowedBy } from '@internal/plugin-ibias-ai-costs-node';
import type { AlertStore } from '../database/AlertStore';
import type { AiAlertSettings } from './alertSettings';
import type { DeployHistory } from './DeployHistory';
import { deployCostsOf, type DeploySide } from './deployCosts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far back the entity tab shows deploys, and how many. */
const LOOKBACK_MS = 30 * DAY;
const MAX_DEPLOYS = 20;

const iso = (t: number) => new Date(t).toISOString();
const sideOf = (s: DeploySide) => ({
  from: iso(s.from),
  to: iso(s.to),
  requests: s.requests,
  costMicros: s.costMicros,
  perThousandMicros: s.perThousandMicros,
});

/**
 * A service's cost per 1,000 requests before and after each deploy of the last 30 days
 * (the entity tab), from the hourly rollups of the teams the caller may read.
 */
export class DeployCostService {
  constructor(
    private readonly options: {
      store: Pick<AlertStore, 'hourlyUsage'>;
      deploys?: DeployHistory;
      settings: AiAlertSettings['deployCost'];
      permissions: PermissionsService;
      now?: () => number;
    },
  ) {}

  async forEntity(entityRef: string, credentials: BackstageCredentials) {
    const ref = entityRef.toLocaleLowerCase('en-US');
    const now = this.options.now?.() ?? Date.now();
    const { settings } = this.options;
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: aiCostsReadPermission }],
      { credentials },
    );
    const allowed = teamsAllowedBy(decision);
    const hours = (
      await this.options.store.hourlyUsage({
        from: Math.floor((now - LOOKBACK_MS - settings.windowMs) / HOUR) * HOUR,
        to: Math.floor(now / HOUR) * HOUR + HOUR,
        entityRefs: [ref],
      })
    ).filter(h => allowed(h.team));
    if (hours.length === 0) {
      // Nothing to compare, or nothing the caller may read: the deploys are not asked for.
      return { available: true, items: [] };
    }
    const deploys = await this.options.deploys?.deploys({
      from: now - LOOKBACK_MS,
      environment: settings.environment,
      entityRef: ref,
    });
    if (!deploys) {
      return {
        available: false,
        reason: 'The deploy history (ibias-deployments) could not be read',
        items: [],
      };
    }
    const items = deployCostsOf(
      deploys.filter(d => d.entityRef === ref),
      hours,
      {
        windowMs: settings.windowMs,
        maxRatio: settings.threshold,
        minRequests: settings.minRequests,
        now,
      },
    )
      .slice(0, MAX_DEPLOYS)
      .map(c => ({
        deploymentId: c.deploy.id,
        version: c.deploy.version,
        deployedAt: iso(c.deploy.at),
        rollback: c.deploy.rollback,
        before: sideOf(c.before),
        after: sideOf(c.after),
        ratio: c.ratio,
        raised: c.raised,
        ...(c.reason ? { reason: c.reason } : {}),
      }));
    return { available: true, items };
  }
}
