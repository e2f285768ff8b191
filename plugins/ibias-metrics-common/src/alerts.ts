import { z } from 'zod';
import { parseDuration } from './definitions';

/**
 * Alert rules and the alert lifecycle.
 *
 * The seed's four rules (error rate, average response time, database connection errors,
 * AI success rate) plus one rule per KPI with an error threshold. Each alert moves
 * pending → firing → acknowledged or silenced (until an expiry) → resolved, one open alert
 * per rule and subject. The lifecycle is a pure function of the alert, the rule's timing
 * and one observation, so it is tested under a controlled clock and the store only
 * persists what it returns (compare-and-set on the status it read).
 */
export const ALERT_STATUSES = [
  'pending',
  'firing',
  'acknowledged',
  'silenced',
  'resolved',
] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const OPEN_ALERT_STATUSES: AlertStatus[] = [
  'pending',
  'firing',
  'acknowledged',
  'silenced',
];

export type AlertSeverity = 'critical' | 'warning' | 'info';

/** What a service rule measures, each from the seed's metrics. */
export const SERVICE_SIGNALS = [
  'error_rate',
  'avg_response_time_seconds',
  'db_connection_errors',
  'ai_success_rate',
] as const;
export type ServiceSignal = (typeof SERVICE_SIGNALS)[number];

const duration = z
  .string()
  .regex(/^(\d+)(ms|s|m|h|d|w)$/, 'must be a duration such as 90s, 5m or 1h');

export const alertTimingSchema = z
  .object({
    /** How long the condition must hold before the alert fires. */
    for: duration,
    /** Observations with fewer samples change nothing. */
    minSamples: z.number().int().min(0),
    /** How long a firing alert stays firing after the condition clears. */
    keepFiringFor: duration,
    /** After a resolve, how long before the same rule and subject may fire again. */
    cooldown: duration,
  })
  .strict();
export type AlertTiming = z.infer<typeof alertTimingSchema>;

export const alertRuleSchema = alertTimingSchema
  .extend({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be snake_case'),
    name: z.string().min(1).max(80),
    severity: z.enum(['critical', 'warning', 'info']),
    escalation: z.enum(['immediate', 'delayed']),
    /** What is measured: a service signal or a KPI. */
    signal: z.union([
      z.enum(SERVICE_SIGNALS),
      z.string().regex(/^kpi:[a-z][a-z0-9_]*$/),
    ]),
    comparator: z.enum(['>', '<']),
    threshold: z.number(),
    /** The seed's condition, as written there. */
    condition: z.string(),
    summary: z.string(),
  })
  .strict();
export type AlertRule = z.infer<typeof alertRuleSchema>;

const SERVICE_TIMING: AlertTiming = {
  for: '2m',
  minSamples: 20,
  keepFiringFor: '5m',
  cooldown: '15m',
};

/** The seed's four rules ("Monitoring & Observability" → alerting). */
export const SEED_ALERT_RULES: AlertRule[] = [
  {
    id: 'high_error_rate',
    name: 'High Error Rate',
    condition: 'error_rate > 0.05',
    signal: 'error_rate',
    comparator: '>',
    threshold: 0.05,
    severity: 'critical',
    escalation: 'immediate',
    summary: 'More than 5 % of requests fail',
    ...SERVICE_TIMING,
  },
  {
    id: 'high_response_time',
    name: 'High Response Time',
    // The seed's threshold is in milliseconds; the metric is in seconds.
    condition: 'avg_response_time > 2000',
    signal: 'avg_response_time_seconds',
    comparator: '>',
    threshold: 2,
    severity: 'warning',
    escalation: 'delayed',
    summary: 'Requests take more than 2 s on average',
    ...SERVICE_TIMING,
  },
  {
    id: 'database_connection_issues',
    name: 'Database Connection Issues',
    condition: 'db_connection_errors > 10',
    signal: 'db_connection_errors',
    comparator: '>',
    threshold: 10,
    severity: 'critical',
    escalation: 'immediate',
    summary: 'More than 10 database connection errors in 5 minutes',
    ...SERVICE_TIMING,
    // A count over 5 minutes is one sample per evaluation.
    minSamples: 0,
    for: '0s',
  },
  {
    id: 'ai_service_degradation',
    name: 'AI Service Degradation',
    condition: 'ai_success_rate < 0.95',
    signal: 'ai_success_rate',
    comparator: '<',
    threshold: 0.95,
    severity: 'warning',
    escalation: 'delayed',
    summary: 'Fewer than 95 % of AI requests succeed',
    ...SERVICE_TIMING,
  },
];

/** What the lifecycle keeps of one alert. Times are ms since the epoch. */
export interface AlertState {
  status: AlertStatus;
  /** When the condition started to hold. */
  pendingSince: number;
  firedAt?: number;
  /** The last observation that breached. */
  lastBreachAt: number;
  lastValue: number;
  silencedUntil?: number;
  resolvedAt?: number;
}

export interface AlertObservation {
  value: number;
  /** How many samples the value is over (requests, responses); minSamples applies. */
  samples: number;
}

/** What delivery must do after a step: notify a trigger or a resolve. */
export type AlertAction = 'trigger' | 'resolve';

export interface AlertStep {
  /** The alert after the step; undefined when there was none and none was opened. */
  next?: AlertState;
  actions: AlertAction[];
  /** Whether anything a store keeps changed. */
  changed: boolean;
}

export function breaches(
  rule: Pick<AlertRule, 'comparator' | 'threshold'>,
  value: number,
): boolean {
  return rule.comparator === '>'
    ? value > rule.threshold
    : value < rule.threshold;
}

export function isOpen(status: AlertStatus): boolean {
  return status !== 'resolved';
}

/**
 * One evaluation of a rule for one subject at `now`.
 *
 * - Too few samples, or no observation at all: nothing changes (an absent series neither
 *   fires nor resolves).
 * - Breaching: opens a pending alert; a pending one fires once the condition has held for
 *   `for` and the previous alert of the rule and subject resolved at least `cooldown` ago;
 *   a silence that has expired fires again.
 * - Not breaching: a pending alert resolves quietly (it never fired); an open one resolves
 *   once `keepFiringFor` has passed since the last breach.
 */
export function evaluateAlert(
  rule: Pick<AlertRule, 'comparator' | 'threshold'> & AlertTiming,
  alert: AlertState | undefined,
  observation: AlertObservation | undefined,
  now: number,
  lastResolvedAt?: number,
): AlertStep {
  const same: AlertStep = { next: alert, actions: [], changed: false };
  if (alert && !isOpen(alert.status)) {
    throw new Error('evaluateAlert takes the open alert, not a resolved one');
  }
  if (!observation || observation.samples < rule.minSamples) return same;
  const forMs = parseDuration(rule.for);
  const cooled =
    lastResolvedAt === undefined ||
    now - lastResolvedAt >= parseDuration(rule.cooldown);

  if (breaches(rule, observation.value)) {
    const base: AlertState = alert
      ? { ...alert, lastBreachAt: now, lastValue: observation.value }
      : {
          status: 'pending',
          pendingSince: now,
          lastBreachAt: now,
          lastValue: observation.value,
        };
    if (base.status === 'pending') {
      if (now - base.pendingSince >= forMs && cooled) {
        return {
          next: { ...base, status: 'firing', firedAt: now },
          actions: ['trigger'],
          changed: true,
        };
      }
      return { next: base, actions: [], changed: true };
    }
    if (
      base.status === 'silenced' &&
      base.silencedUntil !== undefined &&
      base.silencedUntil <= now
    ) {
      return {
        next: { ...base, status: 'firing', silencedUntil: undefined },
        actions: ['trigger'],
        changed: true,
      };
    }
    return { next: base, actions: [], changed: true };
  }

  if (!alert) return same;
  if (alert.status === 'pending') {
    return {
      next: { ...alert, status: 'resolved', resolvedAt: now },
      actions: [],
      changed: true,
    };
  }
  if (now - alert.lastBreachAt >= parseDuration(rule.keepFiringFor)) {
    return {
      next: {
        ...alert,
        status: 'resolved',
        resolvedAt: now,
        silencedUntil: undefined,
      },
      actions: ['resolve'],
      changed: true,
    };
  }
  return same;
}

/** The statuses a person may move an alert from, per action. */
export const MANUAL_TRANSITIONS: Record<
  'acknowledge' | 'silence' | 'resolve',
  { from: AlertStatus[]; to: AlertStatus }
> = {
  acknowledge: { from: ['firing'], to: 'acknowledged' },
  silence: { from: ['pending', 'firing', 'acknowledged'], to: 'silenced' },
  resolve: {
    from: ['pending', 'firing', 'acknowledged', 'silenced'],
    to: 'resolved',
  },
};

/** Where a person's action takes an alert, or undefined when it may not. */
export function manualTransition(
  status: AlertStatus,
  action: keyof typeof MANUAL_TRANSITIONS,
): AlertStatus | undefined {
  const t = MANUAL_TRANSITIONS[action];
  return t.from.includes(status) ? t.to : undefined;
}

/** The PagerDuty dedup key of an alert: one per rule and subject for the alert's life. */
export function dedupKey(ruleId: string, subject: string, alertId: string) {
  return `ibias/${ruleId}/${subject}/${alertId}`;
}
