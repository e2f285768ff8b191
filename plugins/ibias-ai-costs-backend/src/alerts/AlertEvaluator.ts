import {
  addBuckets,
  judgeAiRule,
  judgeSpike,
  p95FromBuckets,
  ruleWindowHours,
  spikeHours,
  type AlertJudgement,
} from '@internal/plugin-ibias-ai-costs-common';
import type {
  AlertScopeKind,
  AlertStore,
  HourlyUsage,
} from '../database/AlertStore';
import { UNATTRIBUTED } from '../database/UsageStore';
import type { AiAlertSettings, AlertRule } from './alertSettings';
import type { DeployHistory } from './DeployHistory';
import { deployCostsOf } from './deployCosts';

const HOUR = 3_600_000;

/** What one evaluation found for one rule and scope. */
export interface Observation {
  rule: AlertRule;
  scopeKind: AlertScopeKind;
  scopeRef: string;
  team: string;
  entityRef?: string;
  judgement: AlertJudgement;
  /** Null when it could not be judged. */
  value: number | null;
  /** The threshold the value is held against (per alert: a spike's depends on the usual). */
  threshold: number;
  detail: Record<string, number | string | null>;
}

export interface Observations {
  observations: Observation[];
  /**
   * The rules judged this time: an open alert of one of them with no observation has
   * nothing breaching any more (no calls in the window, no recent deploy) and resolves.
   */
  judged: Set<string>;
}

interface Totals {
  calls: number;
  errors: number;
  costMicros: number;
  latencyBuckets: number[];
  /** The team of the latest hour (ownership can change within a window). */
  team: string;
  teamAt: number;
}

function totalsBy(
  rows: ReadonlyArray<HourlyUsage>,
  keyOf: (row: HourlyUsage) => string | undefined,
): Map<string, Totals> {
  const out = new Map<string, Totals>();
  for (const r of rows) {
    const key = keyOf(r);
    if (key === undefined) continue;
    const t = out.get(key) ?? {
      calls: 0,
      errors: 0,
      costMicros: 0,
      latencyBuckets: [],
      team: r.team,
      teamAt: r.bucket,
    };
    t.calls += r.calls;
    t.errors += r.errors;
    t.costMicros += r.costMicros;
    addBuckets(t.latencyBuckets, r.latencyBuckets);
    if (r.bucket >= t.teamAt) {
      t.team = r.team;
      t.teamAt = r.bucket;
    }
    out.set(key, t);
  }
  return out;
}

const dollars = (micros: number) => micros / 1_000_000;

function seedJudgement(j: {
  breached: boolean;
  value: number | null;
}): AlertJudgement {
  if (j.value === null) return 'unknown';
  return j.breached ? 'breached' : 'clear';
}

function deployJudgement(cost: {
  reason?: string;
  raised: boolean;
}): AlertJudgement {
  if (cost.reason) return 'unknown';
  return cost.raised ? 'breached' : 'clear';
}

/**
 * Judges every rule from the hourly rollups (never the raw events): the seed's three per
 * service (and cost per team too, unless its service alerts already show all of the
 * team's spend), the spike per service, and each service's latest deploy. Each window
 * starts on the hour `now − window` falls in (ruleWindowHours). Pure reading: what to do
 * with the findings is AiAlertService's.
 */
export class AlertEvaluator {
  constructor(
    private readonly options: {
      store: Pick<AlertStore, 'hourlyUsage'>;
      settings: AiAlertSettings;
      deploys?: DeployHistory;
    },
  ) {}

  async observe(now: number): Promise<Observations> {
    const observations: Observation[] = [];
    const judged = new Set<string>();
    const { settings } = this.options;

    const windows = settings.seedRules.map(rule => ({
      rule,
      window: ruleWindowHours(now, rule.windowMinutes),
    }));
    const earliest = Math.min(...windows.map(w => w.window.from));
    const recent = await this.options.store.hourlyUsage({
      from: earliest,
      to: Math.floor(now / HOUR) * HOUR + HOUR,
    });
    for (const { rule, window } of windows) {
      judged.add(rule.id);
      const rows = recent.filter(r => r.bucket >= window.from);
      const byEntity = totalsBy(rows, r => r.entityRef);
      const breached = new Set<string>();
      for (const [entityRef, t] of byEntity) {
        const o = this.seedObservation(rule, 'entity', entityRef, t, entityRef);
        if (o.judgement === 'breached') breached.add(entityRef);
        observations.push(o);
      }
      if (rule.id === 'ai_high_cost') {
        observations.push(...this.teamCosts(rule, rows, breached));
      }
    }

    observations.push(...(await this.spikes(now)));
    judged.add(settings.spike.id);

    const deploys = await this.deployObservations(now);
    if (deploys) {
      observations.push(...deploys);
      judged.add(settings.deployCost.id);
    }
    return { observations, judged };
  }

  /**
   * The cost rule per team, for the spend its services' own alerts do not already show:
   * a team whose spend in the window is all in services over the threshold themselves
   * (a team with one service, or whose every service breaches) is judged no further, so
   * its members hear of the same dollars once. (An open team alert then resolves: the
   * service alerts carry it.)
   */
  private teamCosts(
    rule: AlertRule,
    rows: ReadonlyArray<HourlyUsage>,
    breachedEntities: ReadonlySet<string>,
  ): Observation[] {
    const byTeam = totalsBy(rows, r =>
      r.team === UNATTRIBUTED ? undefined : r.team,
    );
    const covered = new Map<string, number>();
    for (const r of rows) {
      if (!breachedEntities.has(r.entityRef)) continue;
      covered.set(r.team, (covered.get(r.team) ?? 0) + r.costMicros);
    }
    const out: Observation[] = [];
    for (const [team, t] of byTeam) {
      if (t.costMicros > 0 && (covered.get(team) ?? 0) >= t.costMicros) {
        continue;
      }
      out.push(this.seedObservation(rule, 'team', team, t));
    }
    return out;
  }

  private seedObservation(
    rule: AlertRule,
    scopeKind: AlertScopeKind,
    scopeRef: string,
    t: Totals,
    entityRef?: string,
  ): Observation {
    // p95 from the calls counted in buckets (rows rolled up before buckets existed count none).
    const latencySamples = t.latencyBuckets.reduce((s, c) => s + c, 0);
    const judgement = judgeAiRule(
      { ...rule, cooldownMinutes: rule.cooldownMs / 60_000 },
      {
        calls: rule.id === 'ai_high_latency' ? latencySamples : t.calls,
        errors: t.errors,
        p95LatencyMs: p95FromBuckets(t.latencyBuckets),
        costMicros: t.costMicros,
      },
    );
    return {
      rule,
      scopeKind,
      scopeRef,
      team: scopeKind === 'team' ? scopeRef : t.team,
      entityRef,
      judgement: seedJudgement(judgement),
      value: judgement.value,
      threshold: rule.threshold,
      detail: {
        calls: t.calls,
        errors: t.errors,
        costMicros: t.costMicros,
        windowMinutes: rule.windowMinutes,
        ...('reason' in judgement ? { reason: judgement.reason } : {}),
      },
    };
  }

  private async spikes(now: number): Promise<Observation[]> {
    const rule = this.options.settings.spike;
    const { hour, previous } = spikeHours(now);
    const rows = await this.options.store.hourlyUsage({
      buckets: [hour, ...previous],
    });
    const byEntity = new Map<string, HourlyUsage[]>();
    for (const r of rows) {
      byEntity.set(r.entityRef, [...(byEntity.get(r.entityRef) ?? []), r]);
    }
    const out: Observation[] = [];
    for (const [entityRef, entityRows] of byEntity) {
      const inHour = entityRows.filter(r => r.bucket === hour);
      // No calls in the hour judged: nothing spiked (an open spike alert resolves).
      if (inHour.length === 0) continue;
      const costOf = (bucket: number) => {
        const at = entityRows.filter(r => r.bucket === bucket);
        return at.length === 0
          ? null
          : at.reduce((s, r) => s + r.costMicros, 0);
      };
      const hourMicros = costOf(hour) ?? 0;
      const result = judgeSpike(hourMicros, previous.map(costOf), rule.policy);
      const team = inHour[inHour.length - 1].team;
      const base = {
        rule,
        scopeKind: 'entity' as const,
        scopeRef: entityRef,
        team,
        entityRef,
      };
      if ('reason' in result) {
        out.push({
          ...base,
          judgement: 'unknown',
          value: null,
          threshold: rule.policy.minimumDollars,
          detail: { hour: new Date(hour).toISOString(), reason: result.reason },
        });
        continue;
      }
      out.push({
        ...base,
        judgement: result.spike ? 'breached' : 'clear',
        value: dollars(hourMicros),
        threshold: Math.max(
          dollars(result.usualMicros) * rule.policy.ratio,
          rule.policy.minimumDollars,
        ),
        detail: {
          hour: new Date(hour).toISOString(),
          usualMicros: Math.round(result.usualMicros),
          ratio: result.ratio,
        },
      });
    }
    return out;
  }

  /** The latest deploy of each service in the lookback; undefined when deploys cannot be read. */
  private async deployObservations(
    now: number,
  ): Promise<Observation[] | undefined> {
    const rule = this.options.settings.deployCost;
    if (!this.options.deploys) return undefined;
    const deploys = await this.options.deploys.deploys({
      from: now - rule.lookbackMs,
      environment: rule.environment,
    });
    if (!deploys) return undefined;
    const byEntity = new Map<string, typeof deploys>();
    for (const d of deploys) {
      byEntity.set(d.entityRef, [...(byEntity.get(d.entityRef) ?? []), d]);
    }
    if (byEntity.size === 0) return [];
    const hours = await this.options.store.hourlyUsage({
      from: Math.floor((now - rule.lookbackMs - rule.windowMs) / HOUR) * HOUR,
      to: Math.floor(now / HOUR) * HOUR + HOUR,
      entityRefs: [...byEntity.keys()],
    });
    const out: Observation[] = [];
    for (const [entityRef, entityDeploys] of byEntity) {
      const entityHours = hours.filter(h => h.entityRef === entityRef);
      if (entityHours.length === 0) continue;
      const [latest] = deployCostsOf(entityDeploys, entityHours, {
        windowMs: rule.windowMs,
        maxRatio: rule.threshold,
        minRequests: rule.minRequests,
        now,
      });
      const team = entityHours[entityHours.length - 1].team;
      const before = latest.before.perThousandMicros;
      const after = latest.after.perThousandMicros;
      out.push({
        rule,
        scopeKind: 'entity',
        scopeRef: entityRef,
        team,
        entityRef,
        judgement: deployJudgement(latest),
        value: after === null ? null : dollars(after),
        threshold: before === null ? 0 : dollars(before) * rule.threshold,
        detail: {
          deploymentId: latest.deploy.id,
          version: latest.deploy.version,
          deployedAt: new Date(latest.deploy.at).toISOString(),
          beforePerThousandMicros: before,
          afterPerThousandMicros: after,
          beforeRequests: latest.before.requests,
          afterRequests: latest.after.requests,
          ratio: latest.ratio,
          ...(latest.reason ? { reason: latest.reason } : {}),
        },
      });
    }
    return out;
  }
}
