import {
  formatKpiValue,
  toFixedNoNegativeZero,
  type KpiUnit,
} from './formatKpiValue';

/** Whether higher is better ('up') or lower is ('down'). */
export type KpiDirection = 'up' | 'down';

/** A change from the comparison period, as shown next to a KPI's value. */
export interface KpiChange {
  /** "+12.3 %", "-0.4 pp", "+3.0 pts", "+$1.2k", or "no change". */
  text: string;
  /** Which way it went, by what is shown (a change that rounds to nothing is flat). */
  trend: 'up' | 'down' | 'flat';
  /** Whether the change is good news; undefined when flat. */
  good?: boolean;
}

const signed = (negative: boolean, text: string) =>
  `${negative ? '-' : '+'}${text}`;

/**
 * How a KPI moved since its comparison period. Rates (percent) change by percentage
 * points and scores by points, since a relative change of a rate misleads ("churn +50 %"
 * for 2 % → 3 %); everything else changes relatively, or by the absolute amount when the
 * comparison value is 0. Undefined when either value is missing: no change is made up.
 */
export function describeChange(
  current: number | null | undefined,
  previous: number | null | undefined,
  unit: KpiUnit,
  direction: KpiDirection,
): KpiChange | undefined {
  if (
    current === null ||
    current === undefined ||
    previous === null ||
    previous === undefined ||
    !Number.isFinite(current) ||
    !Number.isFinite(previous)
  ) {
    return undefined;
  }
  const delta = current - previous;
  let magnitude: string;
  if (unit === 'percent') {
    magnitude = `${toFixedNoNegativeZero(Math.abs(delta) * 100, 1)} pp`;
  } else if (unit === 'score') {
    magnitude = `${toFixedNoNegativeZero(Math.abs(delta), 1)} pts`;
  } else if (previous === 0) {
    magnitude = formatKpiValue(Math.abs(delta), unit);
  } else {
    magnitude = `${toFixedNoNegativeZero(
      (Math.abs(delta) / Math.abs(previous)) * 100,
      1,
    )} %`;
  }
  // Flat when what is shown has no non-zero digit ("0.0 %", "$0", "0 pp").
  if (delta === 0 || !/[1-9]/.test(magnitude)) {
    return { text: 'no change', trend: 'flat' };
  }
  const trend = delta > 0 ? 'up' : 'down';
  return {
    text: signed(delta < 0, magnitude),
    trend,
    good: trend === direction,
  };
}
