import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  AI_DEPLOY_COST_RULE_ID,
  AI_SPIKE_RULE_ID,
  DEFAULT_SPIKE_POLICY,
  SEED_AI_RULES,
  type AiRule,
  type AiRuleAction,
  type SpikePolicy,
} from '@internal/plugin-ibias-ai-costs-common';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A rule as the evaluation applies it. */
export interface AlertRule {
  id: string;
  name: string;
  action: AiRuleAction;
  severity: 'critical' | 'warning';
  threshold: number;
  windowMinutes: number;
  minSamples: number;
  cooldownMs: number;
}

export interface AiAlertSettings {
  enabled: boolean;
  /** How often the scheduled evaluation runs. */
  frequencyMs: number;
  /** p95 latency, error rate and cost, the seed's (thresholds and actions as it has them). */
  seedRules: AlertRule[];
  /** The hourly spike against the same hour of the trailing 7 days. */
  spike: AlertRule & { policy: SpikePolicy };
  /** The cost per 1,000 requests before and after each deploy. */
  deployCost: AlertRule & {
    /** Requests needed on each side of a deploy to compare. */
    minRequests: number;
    /** How much of each side is compared (whole hours). */
    windowMs: number;
    /** How far back the evaluation looks for the deploy to judge (the latest in it). */
    lookbackMs: number;
    /** The ibias-deployments environment whose deploys count. */
    environment: string;
  };
}

/** Every rule, for names and display. */
export const allRules = (settings: AiAlertSettings): AlertRule[] => [
  ...settings.seedRules,
  settings.spike,
  settings.deployCost,
];

function describeWindow(ms: number): string {
  if (ms === DAY) return 'a day';
  if (ms % DAY === 0) return `${ms / DAY} days`;
  if (ms % HOUR === 0) return `${ms / HOUR} h`;
  return `${Math.round(ms / MINUTE)} min`;
}

/**
 * ibias.aiCosts.alerts: the seed's rules (p95 latency over 10 s → scale, error rate over
 * 5 % → fall back, cost over $1,000 a window → notify), the spike and deploy rules, and
 * how often they are evaluated. Durations are `{ hours: 6 }`, '6h' or 'PT6H'. Anything
 * invalid stops the backend with the key named.
 */
export function readAiAlertSettings(config: Config): AiAlertSettings {
  const root = 'ibias.aiCosts.alerts';
  const c = config.getOptionalConfig(root);
  const duration = (key: string, fallback: number) => {
    if (!c?.has(key)) return fallback;
    const ms = durationToMilliseconds(readDurationFromConfig(c, { key }));
    if (!(ms > 0)) throw new Error(`Invalid ${root}.${key}: must be positive`);
    return ms;
  };
  const number = (
    key: string,
    fallback: number,
    valid: (v: number) => boolean,
    rule: string,
  ) => {
    const v = c?.getOptionalNumber(key) ?? fallback;
    if (!valid(v)) throw new Error(`Invalid ${root}.${key}: ${rule}`);
    return v;
  };

  // The rollups are hourly: a window of whole hours is what they can add up.
  const wholeHours = (key: string, ms: number) => {
    if (ms % HOUR !== 0) {
      throw new Error(
        `Invalid ${root}.${key}: must be a whole number of hours (the rollups are hourly), not ${describeWindow(
          ms,
        )}`,
      );
    }
  };
  const windowMs = duration('window', DAY);
  if (windowMs < HOUR || windowMs > 31 * DAY) {
    throw new Error(
      `Invalid ${root}.window: must be from 1 hour to 31 days (the rollups are hourly)`,
    );
  }
  wholeHours('window', windowMs);
  const cooldownMs = c?.has('cooldown') ? duration('cooldown', 0) : undefined;
  const minSamples = number(
    'minSamples',
    20,
    v => Number.isInteger(v) && v >= 1,
    'must be a whole number, at least 1',
  );
  const costThreshold = number(
    'costThreshold',
    1000,
    v => v > 0,
    'must be more than 0 (US dollars)',
  );
  const seedRules: AlertRule[] = SEED_AI_RULES.map((rule: AiRule) => {
    if (rule.id === 'ai_high_cost') {
      return {
        ...rule,
        name: `AI cost over $${costThreshold.toLocaleString(
          'en-US',
        )} in ${describeWindow(windowMs)}`,
        threshold: costThreshold,
        windowMinutes: windowMs / MINUTE,
        cooldownMs: cooldownMs ?? windowMs,
      };
    }
    return {
      ...rule,
      minSamples,
      cooldownMs: cooldownMs ?? rule.cooldownMinutes * MINUTE,
    };
  });

  const spikeRatio = number(
    'spikeRatio',
    DEFAULT_SPIKE_POLICY.ratio,
    v => v > 1,
    'must be more than 1 (times the usual hour)',
  );
  const spikeMinimumDollars = number(
    'spikeMinimumDollars',
    DEFAULT_SPIKE_POLICY.minimumDollars,
    v => v >= 0,
    'must be 0 or more (US dollars)',
  );
  const deployCostRatio = number(
    'deployCostRatio',
    1.5,
    v => v > 1,
    'must be more than 1 (after ÷ before)',
  );
  const deployMinRequests = number(
    'deployMinRequests',
    100,
    v => Number.isInteger(v) && v >= 1,
    'must be a whole number, at least 1',
  );
  const deployWindowMs = duration('deployWindow', DAY);
  if (deployWindowMs < HOUR || deployWindowMs > 7 * DAY) {
    throw new Error(
      `Invalid ${root}.deployWindow: must be from 1 hour to 7 days`,
    );
  }
  wholeHours('deployWindow', deployWindowMs);
  const frequencyMs = duration('frequency', 5 * MINUTE);
  if (frequencyMs < MINUTE) {
    throw new Error(`Invalid ${root}.frequency: must be at least 1 minute`);
  }
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    frequencyMs,
    seedRules,
    spike: {
      id: AI_SPIKE_RULE_ID,
      name: `AI cost spike: an hour over ${spikeRatio}× the same hour of the last 7 days`,
      action: 'notify',
      severity: 'warning',
      threshold: spikeRatio,
      windowMinutes: 60,
      minSamples: 1,
      cooldownMs: cooldownMs ?? 3 * HOUR,
      policy: { ratio: spikeRatio, minimumDollars: spikeMinimumDollars },
    },
    deployCost: {
      id: AI_DEPLOY_COST_RULE_ID,
      name: `A deploy raised the AI cost per 1,000 requests over ${deployCostRatio}×`,
      action: 'notify',
      severity: 'warning',
      threshold: deployCostRatio,
      windowMinutes: deployWindowMs / MINUTE,
      minSamples: deployMinRequests,
      cooldownMs: cooldownMs ?? HOUR,
      minRequests: deployMinRequests,
      windowMs: deployWindowMs,
      lookbackMs: 7 * DAY,
      environment: c?.getOptionalString('deployEnvironment') ?? 'production',
    },
  };
}
