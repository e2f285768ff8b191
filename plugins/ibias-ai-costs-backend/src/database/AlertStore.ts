import type { AiAlertState } from '@internal/plugin-ibias-ai-costs-common';

export type AlertScopeKind = 'entity' | 'team';

/** One alert: a rule's firing for a scope (a service or a team), and what became of it. */
export interface StoredAiAlert {
  id: string;
  ruleId: string;
  scopeKind: AlertScopeKind;
  /** The service's or the team's lowercase ref. */
  scopeRef: string;
  /** Whose spend it is (the service's owner, or the team): who is told and who may read it. */
  team: string;
  entityRef?: string;
  state: AiAlertState;
  snoozedUntil?: number;
  snoozedBy?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: number;
  /** When it fired; epoch milliseconds like every instant here. */
  firstSeen: number;
  /** The last evaluation that found it breached. */
  lastSeen: number;
  /** When it last fired (opened, or shown again when a snooze ended). */
  firedAt: number;
  resolvedAt?: number;
  value: number;
  threshold: number;
  /** What the value was judged on. */
  detail: Record<string, number | string | null>;
}

/**
 * Which alerts a list shows: `active` (firing, acknowledged, or snoozed past its end),
 * `snoozed` (hidden until their snooze ends), `open` (all not resolved), `resolved`, `all`.
 */
export type AlertView = 'active' | 'snoozed' | 'open' | 'resolved' | 'all';

export interface AlertFilter {
  view: AlertView;
  /** Only these teams' alerts; undefined for every team's. */
  teams?: string[];
  entityRef?: string;
  limit: number;
  now: number;
}

/** One hour of one service's calls under one team, over every provider and model. */
export interface HourlyUsage {
  bucket: number;
  entityRef: string;
  team: string;
  calls: number;
  errors: number;
  costMicros: number;
  /** Calls per latency bucket, in LATENCY_BUCKET_BOUNDS_MS order. */
  latencyBuckets: number[];
}

export interface HourlyUsageFilter {
  /** Hour buckets in [from, to). */
  from?: number;
  to?: number;
  /** Or exactly these hour buckets. */
  buckets?: number[];
  entityRefs?: string[];
}

export type NewAlert = Omit<StoredAiAlert, 'id'>;

/** Fields an update may change; null clears an optional one. */
export type AlertChanges = Partial<{
  state: AiAlertState;
  snoozedUntil: number | null;
  snoozedBy: string | null;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  lastSeen: number;
  firedAt: number;
  resolvedAt: number;
  value: number;
  detail: Record<string, number | string | null>;
}>;

/** More a compare-and-set may require of the alert than its state. */
export interface TransitionGuard {
  /**
   * Only if its snooze ended at or before this instant: the evaluation moving a snoozed
   * alert back to firing must not undo a snooze someone moved meanwhile.
   */
  snoozeEndedBy?: number;
}

/** AI cost alerts and the rollups their rules read. */
export interface AlertStore {
  /** The hourly rollups the rules read, per hour, service and team. */
  hourlyUsage(filter: HourlyUsageFilter): Promise<HourlyUsage[]>;
  /** The alert open for a rule and a scope, if any. */
  open(ruleId: string, scopeRef: string): Promise<StoredAiAlert | undefined>;
  /** Every open alert (an evaluation resolves those whose condition cleared). */
  openAlerts(): Promise<StoredAiAlert[]>;
  /** When a rule last fired for a scope (the cooldown), resolved alerts included. */
  lastFiredAt(ruleId: string, scopeRef: string): Promise<number | undefined>;
  get(id: string): Promise<StoredAiAlert | undefined>;
  list(filter: AlertFilter): Promise<StoredAiAlert[]>;
  /** The teams that have alerts (to tell those the caller may read). */
  teams(entityRef?: string): Promise<string[]>;
  /**
   * Opens an alert; undefined when one is already open for its rule and scope (another
   * replica opened it first: the unique open key decides).
   */
  create(alert: NewAlert, now: number): Promise<StoredAiAlert | undefined>;
  /**
   * Compare-and-set: applies `changes` if the alert is still in state `from` (and meets
   * `guard`), and returns it as it is after; undefined when it was not (someone changed
   * it first). Resolving frees the rule and scope for the next alert.
   */
  transition(
    id: string,
    from: AiAlertState,
    changes: AlertChanges,
    now: number,
    guard?: TransitionGuard,
  ): Promise<StoredAiAlert | undefined>;
  /**
   * Deletes at most `limit` alerts resolved before `before` (epoch milliseconds) and
   * returns how many it deleted; open alerts are never deleted.
   */
  deleteResolvedBefore(before: number, limit: number): Promise<number>;
}
