// Error of the AI costs month-end forecast (issue 13), backtested on a sample history, as
// a ratio to a naive linear run-rate forecast of the same days:
//   npm run bench -- bench/ai-costs-forecast.ts [months] [seeds]
// There is no AI usage sample history in the repository (ibias-metrics-backend's sample is
// a billing business, not AI spend), so this generates one, seeded: [months] (default 12)
// whole months of daily AI spend from 2025-01-01 — about $400 a day growing 3 % a month,
// weekdays busier than weekends (Mon 1.10 … Sat 0.35, Sun 0.30), log-normal day-to-day
// noise (σ 0.15), a spike on 3 % of days (× 1.5–3: a batch job, a runaway loop) and two
// level shifts (a launch +25 %, a move to a cheaper model −15 %) at seeded dates.
// backtestMonthEnd (ibias-ai-costs-common) forecasts every whole month at the end of each
// day from day 3 on (forecastMonthEnd: spent so far + the rest at an EWMA, α 0.3, of the
// daily cost with weekday factors after 14 days) against the month's real total; the
// baseline at the same instants is the run-rate: spent so far / days elapsed × days in
// the month. Prints the MAPE of both over the history of seed 13, by part of the month,
// and the ratio; then the same over [seeds] (default 50) other histories (mean, median,
// how many the forecast wins).
import {
  backtestMonthEnd,
  meanAbsolutePercentageError,
  type DailyCost,
} from '@internal/plugin-ibias-ai-costs-common';
import { seededRandom } from './ai-costs-sample';

const months = Number(process.argv[2] ?? 12);
const seeds = Number(process.argv[3] ?? 50);
const DAY = 86_400_000;
const FIRST = Date.UTC(2025, 0, 1);
/** Monday … Sunday. */
const WEEKDAY = [1.1, 1.15, 1.12, 1.08, 0.95, 0.35, 0.3];

function sampleHistory(seed: number): DailyCost[] {
  const random = seededRandom(seed);
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const end = Date.UTC(2025, months, 1);
  const length = Math.round((end - FIRST) / DAY);
  const launch = Math.floor(length * (0.2 + 0.3 * random()));
  const cheaper = Math.floor(length * (0.55 + 0.35 * random()));
  const out: DailyCost[] = [];
  for (let i = 0; i < length; i++) {
    const t = FIRST + i * DAY;
    const weekday = (new Date(t).getUTCDay() + 6) % 7;
    let dollars =
      400 * 1.03 ** (i / 30.4) * WEEKDAY[weekday] * Math.exp(0.15 * normal());
    if (i >= launch) dollars *= 1.25;
    if (i >= cheaper) dollars *= 0.85;
    if (random() < 0.03) dollars *= 1.5 + 1.5 * random();
    out.push({
      day: new Date(t).toISOString().slice(0, 10),
      costMicros: Math.round(dollars * 1_000_000),
    });
  }
  return out;
}

interface Pair {
  month: string;
  dayOfMonth: number;
  forecast: number;
  naive: number;
  actual: number;
}

/** The forecast's backtest, and the run-rate at the same instants. */
function backtest(days: DailyCost[]): Pair[] {
  const byMonth = new Map<string, DailyCost[]>();
  for (const d of days) {
    const m = d.day.slice(0, 7);
    byMonth.set(m, [...(byMonth.get(m) ?? []), d]);
  }
  return backtestMonthEnd(days).map(p => {
    const monthDays = byMonth.get(p.month)!;
    const spent = monthDays
      .slice(0, p.dayOfMonth)
      .reduce((s, d) => s + d.costMicros, 0);
    return {
      ...p,
      naive: Math.round((spent / p.dayOfMonth) * monthDays.length),
    };
  });
}

const mape = (pairs: Pair[], which: 'forecast' | 'naive') =>
  meanAbsolutePercentageError(
    pairs.map(p => ({ forecast: p[which], actual: p.actual })),
  )!;
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

function main() {
  const history = sampleHistory(13);
  const pairs = backtest(history);
  const total = history.reduce((s, d) => s + d.costMicros, 0);
  console.log(
    `AI costs month-end forecast, backtested: ${history.length} days (${
      history[0].day
    } … ${history[history.length - 1].day}), $${(total / 1e6).toFixed(
      0,
    )} in all; ${
      pairs.length
    } forecasts (every whole month, each day from day 3)`,
  );
  console.log(
    `  sample history: generated (seeded; no AI usage sample exists in the repository)`,
  );
  const parts: Array<[string, (p: Pair) => boolean]> = [
    ['days 3–10', p => p.dayOfMonth <= 10],
    ['days 11–20', p => p.dayOfMonth > 10 && p.dayOfMonth <= 20],
    ['days 21–end', p => p.dayOfMonth > 20],
    ['all', () => true],
  ];
  console.log(
    `\n  ${'seed 13'.padEnd(14)}${'EWMA forecast'.padStart(
      16,
    )}${'run-rate'.padStart(12)}${'ratio EWMA / run-rate'.padStart(24)}`,
  );
  for (const [label, keep] of parts) {
    const some = pairs.filter(keep);
    const [f, n] = [mape(some, 'forecast'), mape(some, 'naive')];
    console.log(
      `  ${label.padEnd(14)}${pct(f).padStart(16)}${pct(n).padStart(12)}${`${(
        f / n
      ).toFixed(3)}×`.padStart(24)}`,
    );
  }
  const byMonth = [...new Set(pairs.map(p => p.month))].map(m => {
    const some = pairs.filter(p => p.month === m);
    return `${m} ${pct(mape(some, 'forecast'))} / ${pct(mape(some, 'naive'))}`;
  });
  console.log(`  by month (EWMA / run-rate): ${byMonth.join(', ')}`);

  const results = Array.from({ length: seeds }, (_, i) => {
    const p = backtest(sampleHistory(1000 + i));
    return { f: mape(p, 'forecast'), n: mape(p, 'naive') };
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const fs = results.map(r => r.f);
  const ns = results.map(r => r.n);
  const wins = results.filter(r => r.f < r.n).length;
  console.log(
    `\n  ${seeds} other histories: MAPE mean ${pct(mean(fs))} vs ${pct(
      mean(ns),
    )} (ratio ${(mean(fs) / mean(ns)).toFixed(3)}×), median ${pct(
      median(fs),
    )} vs ${pct(median(ns))} (ratio ${(median(fs) / median(ns)).toFixed(
      3,
    )}×); the forecast has the smaller error in ${wins} of ${seeds}`,
  );
  const f = mape(pairs, 'forecast');
  const n = mape(pairs, 'naive');
  console.log(
    `\nMAPE (seed 13): EWMA forecast ${pct(f)}, run-rate ${pct(n)}: ratio ${(
      f / n
    ).toFixed(3)}× (${(n / f).toFixed(2)}× less error than the run-rate)`,
  );
}

main();
