import {
  arpa,
  cacPaybackMonths,
  comparisonPeriod,
  customerAcquisitionCost,
  customerChurn,
  grossMrrChurn,
  lifetimeValue,
  measuredAt,
  measuredDays,
  monthlyRate,
  netMrrChurn,
  netNewMrr,
  netPromoterScore,
  summarizeMrr,
  uptime,
  type FormulaResult,
  type MrrSummary,
  type Period,
  type RecordFormula,
  type SurveyCounts,
} from '@internal/plugin-ibias-metrics-common';
import type { RecordStore, Window } from '../database/RecordStore';

/** One KPI in one period, with how it was computed. */
export interface KpiComputation {
  value: number | null;
  reason?: string;
  /** The formula in words, with the names of `inputs`. */
  formula: string;
  /** The numbers the formula took (money in micro-dollars); null where missing. */
  inputs: Record<string, number | null>;
}

/** Everything the record formulas of one period take. */
export interface PeriodInputs {
  mrr?: MrrSummary;
  spendMicros?: number;
  survey: SurveyCounts;
  probes: { good: number; total: number };
  /** The period's length in months (a quarter is 3), for monthly churn. */
  months: number;
}

const DAYS_PER_MONTH = 365.25 / 12;
const MONTHS = {
  day: 1 / DAYS_PER_MONTH,
  week: 7 / DAYS_PER_MONTH,
  month: 1,
  quarter: 3,
};

const r = (
  result: FormulaResult,
  formula: string,
  inputs: Record<string, number | null>,
): KpiComputation => ({
  value: result.value,
  ...(result.value === null ? { reason: result.reason } : {}),
  formula,
  inputs,
});

const noMrr = (formula: string): KpiComputation => ({
  value: null,
  reason: 'no billing records for the period',
  formula,
  inputs: {},
});

/** The value of one record formula from a period's inputs. Pure: the tests drive it. */
export function computeRecordFormula(
  formula: RecordFormula,
  p: PeriodInputs,
  grossMargin: number,
): KpiComputation {
  const s = p.mrr;
  switch (formula) {
    case 'mrr':
      if (!s) return noMrr('Σ customers’ MRR');
      return r({ value: s.endMrrMicros }, 'Σ customers’ MRR', {
        mrr: s.endMrrMicros,
        customers: s.customersAtEnd,
      });
    case 'net_new_mrr':
      if (!s)
        return noMrr('new + expansion + reactivation − contraction − churn');
      return r(
        { value: netNewMrr(s) },
        'new + expansion + reactivation − contraction − churn',
        {
          new: s.newMicros,
          expansion: s.expansionMicros,
          reactivation: s.reactivationMicros,
          contraction: s.contractionMicros,
          churn: s.churnMicros,
        },
      );
    case 'arpa':
      if (!s) return noMrr('MRR ÷ paying customers');
      return r(arpa(s), 'MRR ÷ paying customers', {
        mrr: s.endMrrMicros,
        customers: s.customersAtEnd,
      });
    case 'paying_customers':
      if (!s) return noMrr('customers with MRR > 0');
      return r({ value: s.customersAtEnd }, 'customers with MRR > 0', {
        customers: s.customersAtEnd,
      });
    case 'new_customers':
      if (!s) return noMrr('customers paying for the first time');
      return r(
        { value: s.newCustomers },
        'customers paying for the first time',
        {
          newCustomers: s.newCustomers,
        },
      );
    case 'customer_churn':
      if (!s) return noMrr('churned customers ÷ customers at start');
      return r(customerChurn(s), 'churned customers ÷ customers at start', {
        churnedCustomers: s.churnedCustomers,
        customersAtStart: s.customersAtStart,
      });
    case 'gross_mrr_churn':
      if (!s) return noMrr('(churn + contraction) ÷ MRR at start');
      return r(grossMrrChurn(s), '(churn + contraction) ÷ MRR at start', {
        churn: s.churnMicros,
        contraction: s.contractionMicros,
        startMrr: s.startMrrMicros,
      });
    case 'net_mrr_churn':
      if (!s) return noMrr('(churn + contraction − expansion) ÷ MRR at start');
      return r(
        netMrrChurn(s),
        '(churn + contraction − expansion) ÷ MRR at start',
        {
          churn: s.churnMicros,
          contraction: s.contractionMicros,
          expansion: s.expansionMicros,
          startMrr: s.startMrrMicros,
        },
      );
    case 'ltv': {
      const text = 'ARPA × gross margin ÷ monthly customer churn';
      if (!s) return noMrr(text);
      const churn = customerChurn(s);
      const monthly: FormulaResult =
        churn.value === null
          ? churn
          : { value: monthlyRate(churn.value, p.months) };
      return r(lifetimeValue(arpa(s), grossMargin, monthly), text, {
        arpa: arpa(s).value,
        grossMargin,
        monthlyCustomerChurn: monthly.value,
      });
    }
    case 'cac': {
      const text = 'sales and marketing spend ÷ new customers';
      if (!s) return noMrr(text);
      return r(customerAcquisitionCost(p.spendMicros, s.newCustomers), text, {
        spend: p.spendMicros ?? null,
        newCustomers: s.newCustomers,
      });
    }
    case 'cac_payback': {
      const text = "CAC ÷ (new customers' ARPA × gross margin)";
      if (!s) return noMrr(text);
      const cac = customerAcquisitionCost(p.spendMicros, s.newCustomers);
      return r(cacPaybackMonths(cac, s, grossMargin), text, {
        cac: cac.value,
        newMrr: s.newMicros,
        newCustomers: s.newCustomers,
        grossMargin,
      });
    }
    case 'nps':
      return r(
        netPromoterScore(p.survey),
        '% promoters (9–10) − % detractors (0–6)',
        { ...p.survey },
      );
    case 'uptime':
      return r(
        uptime(p.probes.good, p.probes.total),
        'good probes ÷ all probes',
        {
          good: p.probes.good,
          total: p.probes.total,
        },
      );
    default:
      throw new Error(`Unknown formula ${formula satisfies never}`);
  }
}

/** A period's window: [start, when it is measured). */
export function windowOf(period: Period): Window {
  return {
    from: Date.parse(period.start),
    until: measuredAt(period).getTime() + (period.asOf ? 1 : 0),
  };
}

/**
 * Gathers the inputs of periods from the store: whole months and quarters from the
 * rollups, a partial period and a partial comparison window from the events themselves.
 */
export class RecordInputs {
  constructor(private readonly store: RecordStore) {}

  async forPeriods(periods: Period[]): Promise<PeriodInputs[]> {
    if (periods.length === 0) return [];
    const kind = periods[0].kind;
    const mrrKind = kind === 'month' || kind === 'quarter';
    const whole = periods.filter(p => !p.asOf).map(p => Date.parse(p.start));
    const rollups = mrrKind
      ? await this.store.mrrSummaries(kind, whole)
      : new Map();
    return Promise.all(
      periods.map(async period => {
        const window = windowOf(period);
        let mrr: MrrSummary | undefined;
        if (mrrKind) {
          mrr = period.asOf
            ? await this.partialMrr(window)
            : rollups.get(window.from);
        }
        const [spendMicros, survey, probes] = await Promise.all([
          this.store.spend(window),
          this.store.surveyCounts(window),
          this.store.probeCounts(window),
        ]);
        return {
          mrr,
          spendMicros,
          survey,
          probes,
          // A partial period's churn is over fewer days: its monthly rate is higher.
          months: period.asOf
            ? Math.max(measuredDays(period), 1) / DAYS_PER_MONTH
            : MONTHS[kind],
        };
      }),
    );
  }

  /** The inputs of the period a period is compared with (same elapsed part if partial). */
  async comparison(period: Period): Promise<PeriodInputs> {
    const [inputs] = await this.forPeriods([comparisonPeriod(period)]);
    return inputs;
  }

  private async partialMrr(window: Window): Promise<MrrSummary | undefined> {
    const rows = await this.store.mrrWindow(window);
    if (rows.length === 0) return undefined;
    return summarizeMrr(rows);
  }
}
