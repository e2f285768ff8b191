import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { aiCostsReadPermission } from '@internal/plugin-ibias-ai-costs-common';
import { teamsAllowedBy } from '@internal/plugin-ibias-ai-costs-node';
import {
  UNATTRIBUTED,
  type GroupBy,
  type RollupPeriod,
  type UsageStore,
} from '../database/UsageStore';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** The longest range each granularity answers (rows stay a page's worth). */
const MAX_RANGE_MS: Record<RollupPeriod, number> = {
  hour: 31 * DAY,
  day: 400 * DAY,
};

export interface CostRequest {
  from: Date;
  to: Date;
  groupBy: GroupBy;
  granularity: RollupPeriod;
  entityRef?: string;
  team?: string;
}

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/** A ref's name for people (`group:default/ai-team` → `ai-team`). */
function labelOf(groupBy: GroupBy, key: string): string {
  if (key === UNATTRIBUTED) return 'unattributed';
  if (groupBy !== 'team' && groupBy !== 'entity') return key;
  try {
    return parseEntityRef(key).name;
  } catch {
    return key;
  }
}

/**
 * Spend over a range from the rollups, as the caller may see it: only the teams
 * ibias.aiCosts.read lets them read (their own, or every team's), the rest counted as
 * hidden, never shown.
 */
export class CostService {
  constructor(
    private readonly options: {
      store: UsageStore;
      permissions: PermissionsService;
    },
  ) {}

  async costs(request: CostRequest, credentials: BackstageCredentials) {
    const size = request.granularity === 'hour' ? HOUR : DAY;
    const to = request.to.getTime();
    if (!(request.from.getTime() < to)) {
      throw new InputError('from must be before to');
    }
    // Whole buckets: the one holding `from` counts from its start.
    const from = Math.floor(request.from.getTime() / size) * size;
    if (to - from > MAX_RANGE_MS[request.granularity]) {
      throw new InputError(
        `A range by ${request.granularity} is at most ${
          MAX_RANGE_MS[request.granularity] / DAY
        } days`,
      );
    }
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: aiCostsReadPermission }],
      { credentials },
    );
    const allowed = teamsAllowedBy(decision);
    const entityRef = request.entityRef ? lower(request.entityRef) : undefined;
    const inRange = await this.options.store.teams(from, to, entityRef);
    let teams =
      decision.result === AuthorizeResult.ALLOW
        ? undefined
        : inRange.filter(allowed);
    if (request.team) {
      const wanted = lower(request.team);
      teams = (teams ?? inRange).filter(t => t === wanted);
      if (!allowed(wanted)) teams = [];
    }
    // Not for one service: "1 team hidden" would tell, day by day, that a service the
    // caller may not read used AI. Over everything, the count names nobody.
    const hidden = entityRef ? 0 : inRange.filter(t => !allowed(t)).length;
    const rows = await this.options.store.costs({
      from,
      to,
      period: request.granularity,
      groupBy: request.groupBy,
      entityRef,
      teams,
    });
    const totals = new Map<
      string,
      { costMicros: number; calls: number; unpricedCalls: number }
    >();
    for (const r of rows) {
      const t = totals.get(r.key) ?? {
        costMicros: 0,
        calls: 0,
        unpricedCalls: 0,
      };
      t.costMicros += r.costMicros;
      t.calls += r.calls;
      t.unpricedCalls += r.unpricedCalls;
      totals.set(r.key, t);
    }
    const all = [...totals.values()].reduce((s, t) => s + t.costMicros, 0);
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      groupBy: request.groupBy,
      granularity: request.granularity,
      rows: rows.map(r => ({
        at: new Date(r.bucket).toISOString(),
        key: r.key,
        label: labelOf(request.groupBy, r.key),
        costMicros: r.costMicros,
        calls: r.calls,
        errors: r.errors,
        unpricedCalls: r.unpricedCalls,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        seconds: r.seconds,
      })),
      totals: [...totals.entries()]
        .map(([key, t]) => ({
          key,
          label: labelOf(request.groupBy, key),
          ...t,
          share: all > 0 ? t.costMicros / all : 0,
        }))
        .sort(
          (a, b) => b.costMicros - a.costMicros || a.key.localeCompare(b.key),
        ),
      hidden,
    };
  }
}
