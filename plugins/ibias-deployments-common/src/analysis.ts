import type { Verdict } from './types';

/**
 * When a deployment rolls back by itself: the seed's rollback triggers (error rate above
 * 5 %, p95 latency above 2000 ms), judged per interval, after N consecutive breaching
 * intervals, and only on intervals with enough samples.
 */
export interface AnalysisPolicy {
  /** Error-rate threshold as a ratio (0.05 = 5 %). */
  errorRate: number;
  /** p95 latency threshold in milliseconds. */
  p95LatencyMs: number;
  /** Length of one analysis interval. */
  intervalSeconds: number;
  /** Intervals per analysis (per canary step, or the monitoring phase). */
  intervals: number;
  /** Consecutive breaching intervals that trigger a rollback. */
  consecutiveBreaches: number;
  /** Requests an interval needs before its numbers count. */
  minSamples: number;
}

export const DEFAULT_ANALYSIS_POLICY: AnalysisPolicy = {
  errorRate: 0.05,
  p95LatencyMs: 2000,
  intervalSeconds: 10,
  intervals: 3,
  consecutiveBreaches: 2,
  minSamples: 20,
};

/** What one interval measured for the new version. */
export interface IntervalMetrics {
  requests: number;
  errors: number;
  /** null when there were no requests. */
  p95Ms: number | null;
}

export interface CheckResult {
  check: 'error-rate' | 'p95-latency';
  value: number | null;
  threshold: number;
  samples: number;
  verdict: Verdict;
}

export interface IntervalJudgement {
  checks: CheckResult[];
  /** Any check failed. */
  breach: boolean;
  /** Every check had enough samples. */
  conclusive: boolean;
}

export function judgeInterval(
  m: IntervalMetrics,
  policy: AnalysisPolicy,
): IntervalJudgement {
  const enough = m.requests >= policy.minSamples;
  const errorRate = m.requests > 0 ? m.errors / m.requests : null;
  const verdict = (value: number | null, threshold: number): Verdict => {
    if (!enough || value === null) return 'inconclusive';
    return value > threshold ? 'fail' : 'pass';
  };
  const checks: CheckResult[] = [
    {
      check: 'error-rate',
      value: errorRate,
      threshold: policy.errorRate,
      samples: m.requests,
      verdict: verdict(errorRate, policy.errorRate),
    },
    {
      check: 'p95-latency',
      value: m.p95Ms,
      threshold: policy.p95LatencyMs,
      samples: m.requests,
      verdict: verdict(m.p95Ms, policy.p95LatencyMs),
    },
  ];
  return {
    checks,
    breach: checks.some(c => c.verdict === 'fail'),
    conclusive: checks.every(c => c.verdict !== 'inconclusive'),
  };
}

/** Consecutive breaching intervals at the end of the list. */
export function trailingBreaches(judgements: IntervalJudgement[]): number {
  let n = 0;
  for (let i = judgements.length - 1; i >= 0 && judgements[i].breach; i--) n++;
  return n;
}

export type AnalysisDecision =
  /** Keep measuring. */
  | 'continue'
  /**
   * The rollback trigger fired, or the window ended on a breach (or on thin data after
   * a breach).
   */
  | 'roll_back'
  /**
   * The window ended with a conclusive, passing last interval, and most of its
   * intervals had enough data.
   */
  | 'promote'
  /** The window ended without enough data: never promotes. */
  | 'inconclusive';

/** Decides after each interval of an analysis window. */
export function decideAnalysis(
  judgements: IntervalJudgement[],
  policy: AnalysisPolicy,
): AnalysisDecision {
  if (trailingBreaches(judgements) >= policy.consecutiveBreaches) {
    return 'roll_back';
  }
  if (judgements.length < policy.intervals) return 'continue';
  const last = judgements[judgements.length - 1];
  if (last.breach) return 'roll_back';
  const thin = judgements.filter(j => !j.conclusive).length;
  if (!last.conclusive || thin * 2 >= judgements.length) {
    // Thin data at the end cannot clear a breach seen earlier in the window, and one
    // good interval after a window without data (a metrics source that was down) is
    // not enough to promote on.
    return judgements.some(j => j.breach) ? 'roll_back' : 'inconclusive';
  }
  return 'promote';
}

/** Nearest-rank percentile (p in 0..1) of unsorted values; null for none. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1];
}
