import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  OPEN_ALERT_STATUSES,
  type AlertSeverity,
  type AlertState,
  type AlertStatus,
} from '@internal/plugin-ibias-metrics-common';
import { migrateMetricsDatabase } from './KnexRecordStore';

export interface StoredAlert extends AlertState {
  id: string;
  ruleId: string;
  subject: string;
  severity: AlertSeverity;
  owner?: string;
  summary: string;
  acknowledgedBy?: string;
  evidence: Record<string, number | string | null>;
  revision: number;
}

export interface AlertHistoryEntry {
  at: number;
  from?: AlertStatus;
  to: AlertStatus;
  actor?: string;
  detail?: string;
}

export interface AlertFilter {
  status?: AlertStatus | 'open';
  subject?: string;
  subjects?: string[];
  limit: number;
}

/** Alerts and their history; one open alert per rule and subject. */
export interface AlertStore {
  open(ruleId: string, subject: string): Promise<StoredAlert | undefined>;
  lastResolvedAt(ruleId: string, subject: string): Promise<number | undefined>;
  get(id: string): Promise<StoredAlert | undefined>;
  list(filter: AlertFilter): Promise<StoredAlert[]>;
  history(id: string): Promise<AlertHistoryEntry[]>;
  /** Opens an alert; ConflictError when one is already open for the rule and subject. */
  create(
    alert: Omit<StoredAlert, 'id' | 'revision'>,
    now: number,
    actor?: string,
  ): Promise<StoredAlert>;
  /**
   * Writes `next` over the alert if it is still at `expected.revision` (compare-and-set);
   * ConflictError when someone else changed it first.
   */
  update(
    expected: StoredAlert,
    next: StoredAlert,
    now: number,
    actor?: string,
    detail?: string,
  ): Promise<StoredAlert>;
  counts(): Promise<
    Array<{ rule: string; severity: string; status: string; count: number }>
  >;
}

interface Row {
  id: string;
  rule_id: string;
  subject: string;
  open_key: string | null;
  status: AlertStatus;
  severity: AlertSeverity;
  owner: string | null;
  summary: string;
  last_value: number | string;
  pending_since: number | string;
  fired_at: number | string | null;
  last_breach_at: number | string;
  silenced_until: number | string | null;
  resolved_at: number | string | null;
  acknowledged_by: string | null;
  evidence: string;
  revision: number | string;
}

const opt = (v: number | string | null) => (v === null ? undefined : Number(v));

function fromRow(r: Row): StoredAlert {
  return {
    id: r.id,
    ruleId: r.rule_id,
    subject: r.subject,
    status: r.status,
    severity: r.severity,
    owner: r.owner ?? undefined,
    summary: r.summary,
    lastValue: Number(r.last_value),
    pendingSince: Number(r.pending_since),
    firedAt: opt(r.fired_at),
    lastBreachAt: Number(r.last_breach_at),
    silencedUntil: opt(r.silenced_until),
    resolvedAt: opt(r.resolved_at),
    acknowledgedBy: r.acknowledged_by ?? undefined,
    evidence: JSON.parse(r.evidence),
    revision: Number(r.revision),
  };
}

function toRow(a: Omit<StoredAlert, 'id' | 'revision'>) {
  const open = a.status !== 'resolved';
  return {
    rule_id: a.ruleId,
    subject: a.subject,
    open_key: open ? `${a.ruleId}|${a.subject}` : null,
    status: a.status,
    severity: a.severity,
    owner: a.owner ?? null,
    summary: a.summary,
    last_value: a.lastValue,
    pending_since: a.pendingSince,
    fired_at: a.firedAt ?? null,
    last_breach_at: a.lastBreachAt,
    silenced_until: a.silencedUntil ?? null,
    resolved_at: a.resolvedAt ?? null,
    acknowledged_by: a.acknowledgedBy ?? null,
    evidence: JSON.stringify(a.evidence),
  };
}

const isUniqueViolation = (e: unknown) =>
  /unique|duplicate/i.test(String((e as Error)?.message ?? e));

export class KnexAlertStore implements AlertStore {
  static async create(database: DatabaseService): Promise<KnexAlertStore> {
    return new KnexAlertStore(await migrateMetricsDatabase(database));
  }

  constructor(private readonly db: Knex) {}

  async open(ruleId: string, subject: string) {
    const row = await this.db<Row>('ibias_alerts')
      .where({ open_key: `${ruleId}|${subject}` })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async lastResolvedAt(ruleId: string, subject: string) {
    const row = await this.db('ibias_alerts')
      .where({ rule_id: ruleId, subject })
      .whereNotNull('resolved_at')
      .whereNotNull('fired_at')
      .max({ at: 'resolved_at' })
      .first();
    return row?.at === null || row?.at === undefined
      ? undefined
      : Number(row.at);
  }

  async get(id: string) {
    const row = await this.db<Row>('ibias_alerts').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async list(filter: AlertFilter) {
    let q = this.db<Row>('ibias_alerts');
    if (filter.status === 'open') q = q.whereIn('status', OPEN_ALERT_STATUSES);
    else if (filter.status) q = q.where({ status: filter.status });
    if (filter.subject) q = q.where({ subject: filter.subject });
    if (filter.subjects) q = q.whereIn('subject', filter.subjects);
    const rows = await q
      // Open first (resolved_at is null), then newest.
      .orderByRaw('case when resolved_at is null then 0 else 1 end')
      .orderBy('pending_since', 'desc')
      .orderBy('id')
      .limit(filter.limit);
    return rows.map(fromRow);
  }

  async history(id: string) {
    const rows = await this.db('ibias_alert_history')
      .where({ alert_id: id })
      .orderBy('id');
    return rows.map(r => ({
      at: Number(r.at),
      from: r.from_status ?? undefined,
      to: r.to_status,
      actor: r.actor ?? undefined,
      detail: r.detail ?? undefined,
    }));
  }

  async create(
    alert: Omit<StoredAlert, 'id' | 'revision'>,
    now: number,
    actor?: string,
  ) {
    const id = randomUUID();
    try {
      await this.db.transaction(async tx => {
        await tx('ibias_alerts').insert({
          id,
          ...toRow(alert),
          revision: 0,
          updated_at: now,
        });
        await tx('ibias_alert_history').insert({
          alert_id: id,
          at: now,
          from_status: null,
          to_status: alert.status,
          actor: actor ?? null,
          detail: null,
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw new ConflictError(
          `An alert of ${alert.ruleId} is already open for ${alert.subject}`,
        );
      }
      throw e;
    }
    return { ...alert, id, revision: 0 };
  }

  async update(
    expected: StoredAlert,
    next: StoredAlert,
    now: number,
    actor?: string,
    detail?: string,
  ) {
    await this.db.transaction(async tx => {
      const n = await tx('ibias_alerts')
        .where({ id: expected.id, revision: expected.revision })
        .update({
          ...toRow(next),
          revision: expected.revision + 1,
          updated_at: now,
        });
      if (n !== 1) {
        throw new ConflictError(
          `Alert ${expected.id} changed while it was being updated; reload it`,
        );
      }
      if (next.status !== expected.status || detail) {
        await tx('ibias_alert_history').insert({
          alert_id: expected.id,
          at: now,
          from_status: expected.status,
          to_status: next.status,
          actor: actor ?? null,
          detail: detail ?? null,
        });
      }
    });
    return { ...next, revision: expected.revision + 1 };
  }

  async counts() {
    const rows = await this.db('ibias_alerts')
      .whereIn('status', OPEN_ALERT_STATUSES)
      .groupBy('rule_id', 'severity', 'status')
      .select('rule_id', 'severity', 'status', this.db.raw('count(*) as n'));
    return rows.map(r => ({
      rule: r.rule_id,
      severity: r.severity,
      status: r.status,
      count: Number(r.n),
    }));
  }
}
