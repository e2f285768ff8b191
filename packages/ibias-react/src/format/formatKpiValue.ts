/**
 * The units a KPI is measured in. The same list as `KPI_UNITS` in
 * `@internal/plugin-ibias-metrics-common`, repeated here so that this package depends on
 * no plugin (ibias-ai-costs uses it too).
 */
export const KPI_UNITS = [
  'currency',
  'percent',
  'count',
  'score',
  'months',
  'ratio',
] as const;
export type KpiUnit = (typeof KPI_UNITS)[number];

/** What an absent or non-finite value reads as (a gap is never drawn as 0). */
export const NO_VALUE = 'n/a';

const MICROS_PER_DOLLAR = 1_000_000;

/** Thousands, millions, … ascending: the first one whose rounded figure is < 1000 wins. */
const SCALES: ReadonlyArray<[size: number, suffix: string]> = [
  [1e3, 'k'],
  [1e6, 'M'],
  [1e9, 'B'],
  [1e12, 'T'],
];

/** `value.toFixed(digits)`, but never "-0.0". */
export function toFixedNoNegativeZero(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** One decimal, with a trailing ".0" dropped: 12.3 → "12.3", 12.04 → "12". */
function oneDecimal(value: number): string {
  return toFixedNoNegativeZero(value, 1).replace(/\.0$/, '');
}

/** 1234 → "1.2k", 999_960 → "1M" (not "1000k"); `abs` is ≥ 999.5. */
function compact(abs: number): string {
  for (const [size, suffix] of SCALES) {
    const scaled = Math.round((abs / size) * 10) / 10;
    if (scaled < 1000 || size === SCALES[SCALES.length - 1][0]) {
      return `${oneDecimal(scaled)}${suffix}`;
    }
  }
  return String(abs); // unreachable: the last scale always answers
}

function formatDollars(dollars: number): string {
  const abs = Math.abs(dollars);
  if (abs === 0) return '$0';
  const sign = dollars < 0 ? '-' : '';
  if (Math.round(abs) >= 1000) return `${sign}$${compact(abs)}`;
  if (abs >= 100) return `${sign}$${Math.round(abs)}`;
  if (abs >= 0.01) {
    const cents = abs.toFixed(2);
    return cents === '0.00' ? '$0' : `${sign}$${cents}`;
  }
  // Below a cent (an AI request's cost): two significant digits, so it is not "$0".
  return `${sign}$${Number(abs.toPrecision(2))}`;
}

/** 0.042 → "4.2 %"; near 100 % it takes the digits needed not to round 99.95 % up to 100. */
function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  let digits = 1;
  while (
    digits < 3 &&
    percent !== 100 &&
    Math.abs(Number(percent.toFixed(digits))) === 100
  ) {
    digits++;
  }
  return `${toFixedNoNegativeZero(percent, digits)} %`;
}

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function formatCount(count: number): string {
  const abs = Math.abs(count);
  if (Math.round(abs) >= 1_000_000) {
    return `${count < 0 ? '-' : ''}${compact(abs)}`;
  }
  const text = GROUPED.format(count);
  return text === '-0' ? '0' : text;
}

/**
 * A KPI's value as a person reads it, e.g. on a tile, an axis or in a tooltip:
 *
 * | unit     | value is               | example         |
 * |----------|------------------------|-----------------|
 * | currency | integer micro-dollars  | $1.2M, $12.3k, $950, $49.99 |
 * | percent  | a fraction (0.042)     | 4.2 %           |
 * | count    | a number               | 12,345, 1.2M    |
 * | score    | e.g. NPS, may be < 0   | -12.5           |
 * | months   | months                 | 7.5 mo          |
 * | ratio    | a ratio                | 3.1×            |
 *
 * `null`, `undefined` and non-finite numbers answer "n/a", never "0".
 */
export function formatKpiValue(
  value: number | null | undefined,
  unit: KpiUnit,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return NO_VALUE;
  }
  switch (unit) {
    case 'currency':
      return formatDollars(value / MICROS_PER_DOLLAR);
    case 'percent':
      return formatPercent(value);
    case 'count':
      return formatCount(value);
    case 'score':
      return toFixedNoNegativeZero(value, 1);
    case 'months':
      return `${toFixedNoNegativeZero(value, 1)} mo`;
    case 'ratio':
      return `${toFixedNoNegativeZero(value, 1)}×`;
    default:
      throw new Error(`Unknown KPI unit ${unit satisfies never}`);
  }
}
