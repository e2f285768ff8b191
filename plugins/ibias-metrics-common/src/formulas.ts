import type { MrrSummary } from './mrr';

/**
 * The standard SaaS formulas, each a pure function of the sums it needs. A formula that
 * cannot be computed answers `null` with the reason ("no customers at the start"), never 0:
 * a gap is not a zero.
 */
export type FormulaResult =
  | { value: number; reason?: undefined }
  | { value: null; reason: string };

const value = (v: number): FormulaResult => ({ value: v });
const gap = (reason: string): FormulaResult => ({ value: null, reason });

/** Average revenue per account: MRR ÷ paying customers, micro-dollars. */
export function arpa(s: MrrSummary): FormulaResult {
  if (s.customersAtEnd === 0) return gap('no paying customers');
  return value(Math.round(s.endMrrMicros / s.customersAtEnd));
}

/** Net new MRR: new + expansion + reactivation − contraction − churn. */
export function netNewMrr(s: MrrSummary): number {
  return (
    s.newMicros +
    s.expansionMicros +
    s.reactivationMicros -
    s.contractionMicros -
    s.churnMicros
  );
}

/** Customer churn: customers lost ÷ customers at the start of the period. */
export function customerChurn(s: MrrSummary): FormulaResult {
  if (s.customersAtStart === 0) return gap('no customers at the start');
  return value(s.churnedCustomers / s.customersAtStart);
}

/** Gross MRR churn: (churned + contraction MRR) ÷ MRR at the start. */
export function grossMrrChurn(s: MrrSummary): FormulaResult {
  if (s.startMrrMicros === 0) return gap('no MRR at the start');
  return value((s.churnMicros + s.contractionMicros) / s.startMrrMicros);
}

/** Net MRR churn: (churned + contraction − expansion MRR) ÷ MRR at the start; may be < 0. */
export function netMrrChurn(s: MrrSummary): FormulaResult {
  if (s.startMrrMicros === 0) return gap('no MRR at the start');
  return value(
    (s.churnMicros + s.contractionMicros - s.expansionMicros) /
      s.startMrrMicros,
  );
}

/**
 * A churn rate measured over `months` months as a monthly rate (a quarter's 9 % is a
 * month's 3.1 %), so LTV means the same whatever the period.
 */
export function monthlyRate(rate: number, months: number): number {
  if (months === 1) return rate;
  return 1 - Math.pow(1 - rate, 1 / months);
}

/** LTV = ARPA × gross margin ÷ monthly customer churn; n/a when nobody churned. */
export function lifetimeValue(
  arpaMicros: FormulaResult,
  grossMargin: number,
  monthlyCustomerChurn: FormulaResult,
): FormulaResult {
  if (arpaMicros.value === null) return arpaMicros;
  if (monthlyCustomerChurn.value === null) return monthlyCustomerChurn;
  if (monthlyCustomerChurn.value === 0) {
    return gap('n/a: no customer churned, so the lifetime is unbounded');
  }
  return value(
    Math.round((arpaMicros.value * grossMargin) / monthlyCustomerChurn.value),
  );
}

/** CAC = sales and marketing spend ÷ new customers. */
export function customerAcquisitionCost(
  spendMicros: number | undefined,
  newCustomers: number,
): FormulaResult {
  if (spendMicros === undefined) return gap('no spend recorded');
  if (newCustomers === 0) return gap('no new customers');
  return value(Math.round(spendMicros / newCustomers));
}

/** CAC payback in months = CAC ÷ (new customers' ARPA × gross margin). */
export function cacPaybackMonths(
  cac: FormulaResult,
  s: MrrSummary,
  grossMargin: number,
): FormulaResult {
  if (cac.value === null) return cac;
  if (s.newCustomers === 0 || s.newMicros === 0) {
    return gap('no new MRR');
  }
  const newArpa = s.newMicros / s.newCustomers;
  return value(cac.value / (newArpa * grossMargin));
}

export interface SurveyCounts {
  /** Scores 9–10. */
  promoters: number;
  /** Scores 7–8. */
  passives: number;
  /** Scores 0–6. */
  detractors: number;
}

/** The NPS bucket of one 0–10 score. */
export function npsBucket(score: number): keyof SurveyCounts {
  if (!Number.isInteger(score) || score < 0 || score > 10) {
    throw new RangeError(`An NPS score is a whole number 0–10, not ${score}`);
  }
  if (score >= 9) return 'promoters';
  if (score >= 7) return 'passives';
  return 'detractors';
}

/** NPS = % promoters − % detractors, from −100 to 100. */
export function netPromoterScore(c: SurveyCounts): FormulaResult {
  const total = c.promoters + c.passives + c.detractors;
  if (total === 0) return gap('no survey responses');
  return value(((c.promoters - c.detractors) / total) * 100);
}

/** Uptime = good probes ÷ all probes over the window. */
export function uptime(good: number, total: number): FormulaResult {
  if (total === 0) return gap('no probes');
  if (good > total) throw new RangeError('more good probes than probes');
  return value(good / total);
}

/** A ratio of two results (LTV:CAC); a gap when either is one or the divisor is 0. */
export function ratio(a: FormulaResult, b: FormulaResult): FormulaResult {
  if (a.value === null) return a;
  if (b.value === null) return b;
  if (b.value === 0) return gap('divisor is 0');
  return value(a.value / b.value);
}

/** Relative change from `previous` to `current`; undefined when either is a gap or previous is 0. */
export function relativeChange(
  current: number | null | undefined,
  previous: number | null | undefined,
): number | undefined {
  if (current === null || current === undefined) return undefined;
  if (previous === null || previous === undefined || previous === 0) {
    return undefined;
  }
  return (current - previous) / Math.abs(previous);
}
