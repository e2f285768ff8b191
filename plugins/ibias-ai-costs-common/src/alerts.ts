/**
 * An AI cost alert's states: firing (told to its team), acknowledged (someone is on it),
 * snoozed (hidden until a time), resolved (the condition cleared; never reopened — the
 * next breach, after the cooldown, is a new alert).
 */
export const AI_ALERT_STATES = [
  'firing',
  'acknowledged',
  'snoozed',
  'resolved',
] as const;
export type AiAlertState = (typeof AI_ALERT_STATES)[number];

/** The states of an alert still open (one per rule and scope at most). */
export const OPEN_AI_ALERT_STATES: ReadonlyArray<AiAlertState> = [
  'firing',
  'acknowledged',
  'snoozed',
];

/** What people do to an alert (the evaluation fires and resolves them). */
export type AiAlertAction = 'acknowledge' | 'snooze';

const TRANSITIONS: Record<
  AiAlertAction,
  Partial<Record<AiAlertState, AiAlertState>>
> = {
  // A snoozed alert acknowledged is shown again, as someone's.
  acknowledge: { firing: 'acknowledged', snoozed: 'acknowledged' },
  // Snoozing again moves the time it shows again.
  snooze: {
    firing: 'snoozed',
    acknowledged: 'snoozed',
    snoozed: 'snoozed',
  },
};

/** The state a person's action moves an alert to; undefined when it does not apply. */
export function aiAlertTransition(
  from: AiAlertState,
  action: AiAlertAction,
): AiAlertState | undefined {
  return TRANSITIONS[action][from];
}

/** The shortest and the longest snooze: past a week, resolve the cause or tune the rule. */
export const MIN_SNOOZE_MINUTES = 5;
export const MAX_SNOOZE_MINUTES = 7 * 24 * 60;

/**
 * When a snooze ends: `minutes` from now, or `until` (an ISO 8601 instant), between 5
 * minutes and 7 days from now. A problem is returned in words, naming the field.
 */
export function snoozeEnd(
  request: { until?: string; minutes?: number },
  now: number,
): { until: number } | { problem: string } {
  const hasUntil = request.until !== undefined;
  const hasMinutes = request.minutes !== undefined;
  if (hasUntil === hasMinutes) {
    return { problem: 'request/body must have either until or minutes' };
  }
  const field = hasUntil ? 'until' : 'minutes';
  const until = hasUntil
    ? Date.parse(request.until ?? '')
    : now + (request.minutes ?? 0) * 60_000;
  if (Number.isNaN(until)) {
    return { problem: 'request/body/until must be an ISO 8601 date-time' };
  }
  if (until < now + MIN_SNOOZE_MINUTES * 60_000) {
    return {
      problem: `request/body/${field} must be at least ${MIN_SNOOZE_MINUTES} minutes from now`,
    };
  }
  if (until > now + MAX_SNOOZE_MINUTES * 60_000) {
    return {
      problem: `request/body/${field} must be at most 7 days from now: a longer snooze hides the alert for good`,
    };
  }
  return { until };
}

/** What one evaluation found for a rule and a scope. */
export type AlertJudgement = 'breached' | 'clear' | 'unknown';

/**
 * What an evaluation does to the alert of one rule and scope:
 * - fire: none is open and the rule is breached past the cooldown: open one, tell the team;
 * - suppressed: breached, but the last firing is inside the cooldown: stay quiet;
 * - refresh: still breached: keep it as it is, with the latest value;
 * - refire: a snooze is over and it is still breached: firing again, told again;
 * - resolve: the condition cleared;
 * - none: nothing to do (nothing open and nothing breached, or too little data to say).
 */
export type AlertStep =
  | { step: 'none' }
  | { step: 'fire' }
  | { step: 'suppressed'; until: number }
  | { step: 'refresh' }
  | { step: 'refire' }
  | { step: 'resolve' };

export function nextAlertStep(input: {
  open?: { state: AiAlertState; snoozedUntil?: number };
  judgement: AlertJudgement;
  now: number;
  /** When this rule last fired for this scope (any alert, resolved ones included). */
  lastFiredAt?: number;
  cooldownMs: number;
}): AlertStep {
  const { open, judgement, now } = input;
  if (!open || open.state === 'resolved') {
    if (judgement !== 'breached') return { step: 'none' };
    if (
      input.lastFiredAt !== undefined &&
      now < input.lastFiredAt + input.cooldownMs
    ) {
      return {
        step: 'suppressed',
        until: input.lastFiredAt + input.cooldownMs,
      };
    }
    return { step: 'fire' };
  }
  // Too few calls to judge: an open alert stays open, unchanged.
  if (judgement === 'unknown') return { step: 'none' };
  if (judgement === 'clear') return { step: 'resolve' };
  if (
    open.state === 'snoozed' &&
    open.snoozedUntil !== undefined &&
    open.snoozedUntil <= now
  ) {
    return { step: 'refire' };
  }
  return { step: 'refresh' };
}

/** Whether a list shows an alert as active: open, and not snoozed past `now`. */
export function isAlertActive(
  alert: { state: AiAlertState; snoozedUntil?: number },
  now: number,
): boolean {
  if (alert.state === 'resolved') return false;
  if (alert.state !== 'snoozed') return true;
  return alert.snoozedUntil === undefined || alert.snoozedUntil <= now;
}

const HOUR = 3_600_000;

/**
 * The hourly rollups a rule's window reads: from the start of the hour `now − window`
 * falls in, up to and with the hour `now` is in. It always covers the whole window, and
 * at most an hour more: a 15-minute window at 10:05 reads 09:00–10:05 (the current hour
 * alone would hold 5 minutes), a day at 10:05 reads from 10:00 the day before.
 */
export function ruleWindowHours(
  now: number,
  windowMinutes: number,
): { from: number; to: number } {
  const start = now - windowMinutes * 60_000;
  return {
    from: Math.floor(start / HOUR) * HOUR,
    to: Math.floor(now / HOUR) * HOUR + HOUR,
  };
}

/**
 * The hour a spike is judged on (the last complete one: a partial hour is no match for
 * whole ones) and the same hour on each of the 7 days before.
 */
export function spikeHours(now: number): {
  hour: number;
  previous: number[];
} {
  const hour = Math.floor(now / HOUR) * HOUR - HOUR;
  return {
    hour,
    previous: Array.from({ length: 7 }, (_, i) => hour - (i + 1) * 24 * HOUR),
  };
}

/**
 * The hourly rollups before and after a deploy: `windowMs` of whole hours before the
 * hour it happened in, and as much after that hour (up to the hour `now` is in, which
 * counts as far as it went). The deploy's own hour mixes both versions and is left out.
 */
export function deployWindows(
  deployedAt: number,
  windowMs: number,
  now: number,
): {
  before: { from: number; to: number };
  after: { from: number; to: number };
} {
  const hour = Math.floor(deployedAt / HOUR) * HOUR;
  const hours = Math.max(1, Math.ceil(windowMs / HOUR));
  const current = Math.floor(now / HOUR) * HOUR;
  return {
    before: { from: hour - hours * HOUR, to: hour },
    after: {
      from: hour + HOUR,
      to: Math.min(hour + HOUR + hours * HOUR, current + HOUR),
    },
  };
}

/** The rules past the seed's three: the hourly spike and the cost of a deploy. */
export const AI_SPIKE_RULE_ID = 'ai_cost_spike';
export const AI_DEPLOY_COST_RULE_ID = 'ai_deploy_cost';

/**
 * What an alert's value and threshold are in: milliseconds (p95 latency), a fraction
 * (error rate) or US dollars (the window's cost, the spike hour's cost against its usual
 * times the ratio, the cost per 1,000 requests after a deploy against before times the
 * ratio).
 */
export type AiAlertUnit = 'ms' | 'ratio' | 'usd';

export const AI_ALERT_RULE_UNITS: Record<string, AiAlertUnit> = {
  ai_high_latency: 'ms',
  ai_high_error_rate: 'ratio',
  ai_high_cost: 'usd',
  [AI_SPIKE_RULE_ID]: 'usd',
  [AI_DEPLOY_COST_RULE_ID]: 'usd',
};

/** A value in its unit, for people: 12.3 s, 8.0 %, $1,250.50. */
export function formatAlertValue(unit: AiAlertUnit, value: number): string {
  if (unit === 'ms') {
    return value >= 1000
      ? `${(value / 1000).toFixed(1)} s`
      : `${Math.round(value)} ms`;
  }
  if (unit === 'ratio') return `${(value * 100).toFixed(1)} %`;
  return `$${value.toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })}`;
}

/** The signal channel every alert state change is published on (the alerts views listen). */
export const AI_ALERTS_SIGNAL_CHANNEL = 'ibias-ai-costs:alerts';

/** A signal's message: which alert changed, and to what (a JSON object). */
export type AiAlertSignal = {
  alertId: string;
  state: AiAlertState;
};
