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
  type Budget,
  type DailyCost,
  type MonthEndForecast,
} from '@internal/plugin-ibias-ai-costs-common';
import { teamsAllowedBy } from '@internal/plugin-ibias-ai-costs-node';
import type { UsageStore } from '../database/UsageStore';

const DAY = 86_400_000;
/** Days of history the forecast smooths (its weekday factors read the last eight weeks). */
const HISTORY_DAYS = 60;

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
      now?: () => Date;
    },
  ) {}

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
      reached: budget.thresholds
        .filter(t => spentMicros * 100 >= budgetMicros * t)
        .sort((a, b) => a - b),
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
