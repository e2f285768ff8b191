/** What the seed's rule says to do when it fires. */
export type AiRuleAction = 'scale' | 'fallback' | 'notify';

export interface AiRule {
  id: string;
  name: string;
  action: AiRuleAction;
  severity: 'critical' | 'warning';
  /** Milliseconds (latency), a fraction (error rate), US dollars (cost). */
  threshold: number;
  /** The window the value is measured over, in minutes. */
  windowMinutes: number;
  /** Fewer calls than this in the window say nothing (latency and error rate). */
  minSamples: number;
  /** After it fires, how long before the same rule may fire again for the same subject. */
  cooldownMinutes: number;
}

/**
 * The seed's `aiConfig.monitoring.alerts`: highLatency 10000 ms → scale, highErrorRate
 * 0.05 → fallback, highCost 1000 → notify (per day unless configured).
 */
export const SEED_AI_RULES: AiRule[] = [
  {
    id: 'ai_high_latency',
    name: 'AI p95 latency over 10 s',
    action: 'scale',
    severity: 'warning',
    threshold: 10_000,
    windowMinutes: 15,
    minSamples: 20,
    cooldownMinutes: 60,
  },
  {
    id: 'ai_high_error_rate',
    name: 'AI error rate over 5 %',
    action: 'fallback',
    severity: 'critical',
    threshold: 0.05,
    windowMinutes: 15,
    minSamples: 20,
    cooldownMinutes: 60,
  },
  {
    id: 'ai_high_cost',
    name: 'AI cost over $1,000 a day',
    action: 'notify',
    severity: 'warning',
    threshold: 1000,
    windowMinutes: 24 * 60,
    minSamples: 1,
    cooldownMinutes: 24 * 60,
  },
];

/** What the calls of one subject did in a rule's window. */
export interface WindowStats {
  calls: number;
  errors: number;
  /** Milliseconds; null without calls. */
  p95LatencyMs: number | null;
  costMicros: number;
}

export type RuleJudgement =
  | { breached: boolean; value: number }
  | { breached: false; value: null; reason: string };

/** Whether one window breaches one rule, with the value it was judged on. */
export function judgeAiRule(rule: AiRule, stats: WindowStats): RuleJudgement {
  if (rule.id === 'ai_high_cost') {
    const dollars = stats.costMicros / 1_000_000;
    return { breached: dollars > rule.threshold, value: dollars };
  }
  if (stats.calls < rule.minSamples) {
    return {
      breached: false,
      value: null,
      reason: `${stats.calls} calls, fewer than the ${rule.minSamples} the rule needs`,
    };
  }
  if (rule.id === 'ai_high_latency') {
    if (stats.p95LatencyMs === null) {
      return { breached: false, value: null, reason: 'no latency recorded' };
    }
    return {
      breached: stats.p95LatencyMs > rule.threshold,
      value: stats.p95LatencyMs,
    };
  }
  const rate = stats.errors / stats.calls;
  return { breached: rate > rule.threshold, value: rate };
}

export interface SpikePolicy {
  /** The hour is a spike when it costs more than this many times its usual. */
  ratio: number;
  /** And more than this many dollars (a cent against a tenth of a cent is no spike). */
  minimumDollars: number;
}

export const DEFAULT_SPIKE_POLICY: SpikePolicy = {
  ratio: 3,
  minimumDollars: 5,
};

/**
 * An hour's cost against the same hour of the trailing 7 days (their mean; days without
 * data count as 0, so at least 3 of them must have data to judge).
 */
export function judgeSpike(
  hourMicros: number,
  sameHourPreviousDays: ReadonlyArray<number | null>,
  policy: SpikePolicy = DEFAULT_SPIKE_POLICY,
):
  | { spike: boolean; usualMicros: number; ratio: number | null }
  | { spike: false; reason: string } {
  const known = sameHourPreviousDays.filter((v): v is number => v !== null);
  if (known.length < 3) {
    return {
      spike: false,
      reason: `${known.length} of the last 7 days have this hour: 3 are needed`,
    };
  }
  const usual =
    sameHourPreviousDays.reduce<number>((s, v) => s + (v ?? 0), 0) /
    sameHourPreviousDays.length;
  const ratio = usual > 0 ? hourMicros / usual : null;
  const spike =
    hourMicros > policy.minimumDollars * 1_000_000 &&
    (ratio === null || ratio > policy.ratio);
  return { spike, usualMicros: usual, ratio };
}

/** Cost per 1,000 requests of a service before and after a deploy, and their ratio. */
export function deployCostChange(
  before: { requests: number; costMicros: number },
  after: { requests: number; costMicros: number },
  options: { maxRatio: number; minRequests: number } = {
    maxRatio: 1.5,
    minRequests: 100,
  },
):
  | {
      beforePerThousandMicros: number;
      afterPerThousandMicros: number;
      ratio: number | null;
      raised: boolean;
    }
  | { raised: false; reason: string } {
  if (
    before.requests < options.minRequests ||
    after.requests < options.minRequests
  ) {
    return {
      raised: false,
      reason: `fewer than ${options.minRequests} requests before or after the deploy`,
    };
  }
  const b = (before.costMicros / before.requests) * 1000;
  const a = (after.costMicros / after.requests) * 1000;
  const ratio = b > 0 ? a / b : null;
  return {
    beforePerThousandMicros: Math.round(b),
    afterPerThousandMicros: Math.round(a),
    ratio,
    raised: ratio === null ? a > 0 : ratio > options.maxRatio,
  };
}
