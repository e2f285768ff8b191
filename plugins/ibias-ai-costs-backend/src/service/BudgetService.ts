import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  aiCostsReadPermission,
  budgetPeriodOf,
  forecastMonthEnd,
  thresholdKey,
  thresholdsToFire,
  type Budget,
  type DailyCost,
  type MonthEndForecast,
} from '@internal/plugin-ibias-ai-costs-common';
import { teamsAllowedBy } from '@internal/plugin-ibias-ai-costs-node';
import type { UsageStore } from '../database/UsageStore';

const DAY = 86_400_000;
/** Days of history the forecast smooths (its weekday factors read the last eight weeks). */
const HISTORY_DAYS = 60;

/** One budget firing, to deliver: a threshold reached, or the forecast past the budget. */
export interface BudgetFiring {
  budget: Budget;
  status: BudgetStatus;
  threshold: number | 'forecast';
  /** Who is told: the team, the service's owner, or (provider, model) the readers of all. */
  recipients: string[];
}

export interface BudgetStatus {
  budget: Budget;
  periodStart: string;
  periodEnd: string;
  spentMicros: number;
  /** Of the budget, in percent. */
  percent: number;
  /** The thresholds the period's spend has reached. */
  reached: number[];
  /** Month budgets only: the month-end forecast and whether it passes the budget. */
  forecast?: MonthEndForecast & { exceedsBudget?: boolean };
}

const lower = (ref: string) => ref.toLocaleLowerCase('en-US');

/**
 * Budgets as the caller may see them, each with its period's spend (from the daily
 * rollups), the thresholds reached and, for a month, the forecast. A team's budget is
 * seen by those who may read the team's spend; a service's by those who may read its
 * owner's (the team its spend is recorded under); a provider's or model's, which spans
 * teams, by those who may read every team.
 */
export class BudgetService {
  constructor(
    private readonly options: {
      store: UsageStore;
      permissions: PermissionsService;
      budgets: () => ReadonlyArray<Budget>;
      /** The owner's lowercase group ref of a service. */
      ownerOf: (entityRef: string) => Promise<string | undefined>;
      /** Who hears of a provider's or a model's budget (it spans teams). */
      readers?: string[];
      /** Delivers what fired (notifications); a failure is logged by the caller. */
      deliver?: (firing: BudgetFiring) => Promise<void>;
      now?: () => Date;
    },
  ) {}

  /**
   * Checks every budget (the scheduler's task): each threshold the period's spend has
   * reached, and a month's forecast past the budget, fires once a period — the firings
   * table decides, whichever replica runs — and is delivered to who owns the budget.
   * Returns what fired.
   */
  async evaluate(): Promise<BudgetFiring[]> {
    const now = this.options.now?.() ?? new Date();
    const fired: BudgetFiring[] = [];
    for (const budget of this.options.budgets()) {
      const target = this.targetOf(budget);
      const status = await this.status(budget, target, now);
      const start = Date.parse(status.periodStart);
      const already = new Set(
        await this.options.store.firedKeys(budget.id, start),
      );
      const candidates: Array<number | 'forecast'> = [...status.reached];
      // A warning ahead of time: once the budget is spent, the 100 % firing says it.
      if (
        status.forecast?.available &&
        status.forecast.exceedsBudget &&
        status.spentMicros < budget.amount * 1_000_000
      ) {
        candidates.push('forecast');
      }
      const keyOf = (t: number | 'forecast') =>
        thresholdKey(budget.id, new Date(start), t);
      const due = candidates.filter(t => !already.has(keyOf(t)));
      if (due.length === 0) continue;
      const recorded = new Set(
        await this.options.store.recordFirings(
          due.map(t => ({
            key: keyOf(t),
            budgetId: budget.id,
            periodStart: start,
            threshold: String(t),
            spentMicros: status.spentMicros,
          })),
          now,
        ),
      );
      const recipients = await this.recipientsOf(budget, target);
      for (const threshold of due.filter(t => recorded.has(keyOf(t)))) {
        const firing = { budget, status, threshold, recipients };
        fired.push(firing);
        await this.options.deliver?.(firing);
      }
    }
    return fired;
  }

  private async recipientsOf(budget: Budget, target: string) {
    if (budget.scope === 'team') return [target];
    if (budget.scope === 'service') {
      const owner = await this.options.ownerOf(target).catch(() => undefined);
      return owner ? [owner] : this.options.readers ?? [];
    }
    return this.options.readers ?? [];
  }

  async list(
    credentials: BackstageCredentials,
    filter: { entityRef?: string; team?: string } = {},
  ): Promise<BudgetStatus[]> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: aiCostsReadPermission }],
      { credentials },
    );
    const all = decision.result === AuthorizeResult.ALLOW;
    const allowed = teamsAllowedBy(decision);
    const now = this.options.now?.() ?? new Date();
    const out: BudgetStatus[] = [];
    for (const budget of this.options.budgets()) {
      const target = this.targetOf(budget);
      if (
        filter.entityRef &&
        !(budget.scope === 'service' && target === lower(filter.entityRef))
      ) {
        continue;
      }
      if (
        filter.team &&
        !(budget.scope === 'team' && target === lower(filter.team))
      ) {
        continue;
      }
      let visible = all;
      if (!all && budget.scope === 'team') visible = allowed(target);
      if (!all && budget.scope === 'service') {
        const owner = await this.options.ownerOf(target).catch(() => undefined);
        visible = owner !== undefined && allowed(owner);
      }
      if (!visible) continue;
      out.push(await this.status(budget, target, now));
    }
    return out;
  }

  private targetOf(budget: Budget): string {
    if (budget.scope === 'team' || budget.scope === 'service') {
      return lower(
        stringifyEntityRef(
          parseEntityRef(budget.target, {
            defaultKind: budget.scope === 'team' ? 'group' : 'component',
            defaultNamespace: 'default',
          }),
        ),
      );
    }
    return budget.target;
  }

  private async status(
    budget: Budget,
    target: string,
    now: Date,
  ): Promise<BudgetStatus> {
    const { start, end } = budgetPeriodOf(budget.period, now);
    const scope = {
      team: budget.scope === 'team' ? target : undefined,
      entityRef: budget.scope === 'service' ? target : undefined,
      provider: budget.scope === 'provider' ? target : undefined,
      model: budget.scope === 'model' ? target : undefined,
    };
    const today = Math.floor(now.getTime() / DAY) * DAY;
    const historyFrom = Math.min(start.getTime(), today - HISTORY_DAYS * DAY);
    const days = await this.options.store.dailyCosts({
      from: historyFrom,
      to: today + DAY,
      ...scope,
    });
    const spentMicros = days
      .filter(d => d.day >= start.getTime() && d.day < end.getTime())
      .reduce((s, d) => s + d.costMicros, 0);
    const budgetMicros = budget.amount * 1_000_000;
    const percent = (spentMicros / budgetMicros) * 100;
    const status: BudgetStatus = {
      budget,
      periodStart: start.toISOString(),
      periodEnd: end.toISOString(),
      spentMicros,
      percent,
      reached: thresholdsToFire(budget, spentMicros, new Set()),
    };
    if (budget.period === 'month') {
      // Every day from the first with spend, 0 where there was none (the forecast needs no gaps).
      const byDay = new Map(days.map(d => [d.day, d.costMicros]));
      const first = days.length ? days[0].day : today;
      const series: DailyCost[] = [];
      for (let t = first; t <= today; t += DAY) {
        series.push({
          day: new Date(t).toISOString().slice(0, 10),
          costMicros: byDay.get(t) ?? 0,
        });
      }
      const forecast = forecastMonthEnd(series, now);
      status.forecast = forecast.available
        ? { ...forecast, exceedsBudget: forecast.forecastMicros > budgetMicros }
        : forecast;
    }
    return status;
  }
}
