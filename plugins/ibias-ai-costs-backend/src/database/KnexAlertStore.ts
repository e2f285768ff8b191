import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import {
  OPEN_AI_ALERT_STATES,
  type AiAlertState,
} from '@internal/plugin-ibias-ai-costs-common';
import type {
  AlertChanges,
  AlertFilter,
  AlertStore,
  HourlyUsage,
  HourlyUsageFilter,
  NewAlert,
  StoredAiAlert,
  TransitionGuard,
} from './AlertStore';
import { migrateAiCostsDatabase } from './KnexUsageStore';
import { LATENCY_COLUMNS } from './latencyColumns';

const TABLE = 'ibias_ai_alerts';

interface Row {
  id: string;
  rule_id: string;
  scope_kind: StoredAiAlert['scopeKind'];
  scope_ref: string;
  team: string;
  entity_ref: string | null;
  open_key: string | null;
  state: AiAlertState;
  snoozed_until: number | string | null;
  snoozed_by: string | null;
  acknowledged_by: string | null;
  acknowledged_at: number | string | null;
  first_seen: number | string;
  last_seen: number | string;
  fired_at: number | string;
  resolved_at: number | string | null;
  value: number | string;
  threshold: number | string;
  detail: string;
  updated_at: number | string;
}

const opt = (v: number | string | null) => (v === null ? undefined : Number(v));
const openKeyOf = (ruleId: string, scopeRef: string) => `${ruleId}|${scopeRef}`;

function fromRow(r: Row): StoredAiAlert {
  return {
    id: r.id,
    ruleId: r.rule_id,
    scopeKind: r.scope_kind,
    scopeRef: r.scope_ref,
    team: r.team,
    entityRef: r.entity_ref ?? undefined,
    state: r.state,
    snoozedUntil: opt(r.snoozed_until),
    snoozedBy: r.snoozed_by ?? undefined,
    acknowledgedBy: r.acknowledged_by ?? undefined,
    acknowledgedAt: opt(r.acknowledged_at),
    firstSeen: Number(r.first_seen),
    lastSeen: Number(r.last_seen),
    firedAt: Number(r.fired_at),
    resolvedAt: opt(r.resolved_at),
    value: Number(r.value),
    threshold: Number(r.threshold),
    detail: JSON.parse(r.detail),
  };
}

/** The columns `changes` sets (undefined leaves a column as it is; null clears it). */
function changedColumns(changes: AlertChanges): Partial<Row> {
  const out: Partial<Row> = {};
  const set = <K extends keyof Row>(column: K, value: Row[K] | undefined) => {
    if (value !== undefined) out[column] = value;
  };
  set('state', changes.state);
  set('snoozed_until', changes.snoozedUntil);
  set('snoozed_by', changes.snoozedBy);
  set('acknowledged_by', changes.acknowledgedBy);
  set('acknowledged_at', changes.acknowledgedAt);
  set('last_seen', changes.lastSeen);
  set('fired_at', changes.firedAt);
  set('resolved_at', changes.resolvedAt);
  set('value', changes.value);
  if (changes.detail) out.detail = JSON.stringify(changes.detail);
  // Resolved frees the rule and scope: the next breach may open a new alert.
  if (changes.state === 'resolved') out.open_key = null;
  return out;
}

/**
 * AI cost alerts in the plugin's database. One alert at most is open per rule and scope:
 * an open alert carries `open_key`, unique, and a second insert for it does nothing (ON
 * CONFLICT DO NOTHING), whichever replica makes it. State changes are compare-and-set on
 * the state the caller saw.
 */
export class KnexAlertStore implements AlertStore {
  static async create(database: DatabaseService): Promise<KnexAlertStore> {
    return new KnexAlertStore(await migrateAiCostsDatabase(database));
  }

  constructor(private readonly db: Knex) {}

  async hourlyUsage(filter: HourlyUsageFilter): Promise<HourlyUsage[]> {
    if (filter.buckets?.length === 0 || filter.entityRefs?.length === 0) {
      return [];
    }
    let q = this.db('ibias_ai_usage_rollup').where('period', 'hour');
    if (filter.from !== undefined) q = q.andWhere('bucket', '>=', filter.from);
    if (filter.to !== undefined) q = q.andWhere('bucket', '<', filter.to);
    if (filter.buckets) q = q.whereIn('bucket', filter.buckets);
    if (filter.entityRefs) q = q.whereIn('entity_ref', filter.entityRefs);
    const rows = await q
      .groupBy('bucket', 'entity_ref', 'team')
      .orderBy([
        { column: 'bucket' },
        { column: 'entity_ref' },
        { column: 'team' },
      ])
      .select(
        'bucket',
        'entity_ref',
        'team',
        this.db.raw('sum(calls) as calls'),
        this.db.raw('sum(errors) as errors'),
        this.db.raw('sum(cost_micros) as cost_micros'),
        ...LATENCY_COLUMNS.map(c => this.db.raw('sum(??) as ??', [c, c])),
      );
    return rows.map(r => ({
      bucket: Number(r.bucket),
      entityRef: String(r.entity_ref),
      team: String(r.team),
      calls: Number(r.calls ?? 0),
      errors: Number(r.errors ?? 0),
      costMicros: Number(r.cost_micros ?? 0),
      latencyBuckets: LATENCY_COLUMNS.map(c => Number(r[c] ?? 0)),
    }));
  }

  async open(ruleId: string, scopeRef: string) {
    const row = await this.db<Row>(TABLE)
      .where({ open_key: openKeyOf(ruleId, scopeRef) })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async openAlerts() {
    const rows = await this.db<Row>(TABLE)
      .whereNotNull('open_key')
      .orderBy('fired_at')
      .orderBy('id');
    return rows.map(fromRow);
  }

  async lastFiredAt(ruleId: string, scopeRef: string) {
    const row = await this.db(TABLE)
      .where({ rule_id: ruleId, scope_ref: scopeRef })
      .max({ at: 'fired_at' })
      .first();
    return row?.at === null || row?.at === undefined
      ? undefined
      : Number(row.at);
  }

  async get(id: string) {
    const row = await this.db<Row>(TABLE).where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  async list(filter: AlertFilter) {
    if (filter.teams?.length === 0) return [];
    let q = this.db<Row>(TABLE);
    switch (filter.view) {
      case 'active':
        q = q.where(w =>
          w
            .whereIn('state', ['firing', 'acknowledged'])
            .orWhere(s =>
              s
                .where('state', 'snoozed')
                .andWhere('snoozed_until', '<=', filter.now),
            ),
        );
        break;
      case 'snoozed':
        q = q
          .where('state', 'snoozed')
          .andWhere('snoozed_until', '>', filter.now);
        break;
      case 'open':
        q = q.whereIn('state', [...OPEN_AI_ALERT_STATES]);
        break;
      case 'resolved':
        q = q.where('state', 'resolved');
        break;
      default:
        break;
    }
    if (filter.teams) q = q.whereIn('team', filter.teams);
    if (filter.entityRef) q = q.andWhere('entity_ref', filter.entityRef);
    const rows = await q
      // Open first, then the latest to fire.
      .orderByRaw("case when state = 'resolved' then 1 else 0 end")
      .orderBy('fired_at', 'desc')
      .orderBy('id')
      .limit(filter.limit);
    return rows.map(fromRow);
  }

  async teams(entityRef?: string) {
    let q = this.db(TABLE);
    if (entityRef) q = q.where('entity_ref', entityRef);
    const rows = await q.distinct('team');
    return rows.map(r => String(r.team));
  }

  async create(alert: NewAlert, now: number) {
    const id = randomUUID();
    const inserted: Array<{ id: string } | string> = await this.db(TABLE)
      .insert({
        id,
        rule_id: alert.ruleId,
        scope_kind: alert.scopeKind,
        scope_ref: alert.scopeRef,
        team: alert.team,
        entity_ref: alert.entityRef ?? null,
        open_key:
          alert.state === 'resolved'
            ? null
            : openKeyOf(alert.ruleId, alert.scopeRef),
        state: alert.state,
        snoozed_until: alert.snoozedUntil ?? null,
        snoozed_by: alert.snoozedBy ?? null,
        acknowledged_by: alert.acknowledgedBy ?? null,
        acknowledged_at: alert.acknowledgedAt ?? null,
        first_seen: alert.firstSeen,
        last_seen: alert.lastSeen,
        fired_at: alert.firedAt,
        resolved_at: alert.resolvedAt ?? null,
        value: alert.value,
        threshold: alert.threshold,
        detail: JSON.stringify(alert.detail),
        updated_at: now,
      })
      .onConflict('open_key')
      .ignore()
      .returning('id');
    return inserted.length === 1 ? { ...alert, id } : undefined;
  }

  async transition(
    id: string,
    from: AiAlertState,
    changes: AlertChanges,
    now: number,
    guard: TransitionGuard = {},
  ) {
    return this.db.transaction(async tx => {
      let q = tx(TABLE).where({ id, state: from });
      if (guard.snoozeEndedBy !== undefined) {
        q = q.andWhere('snoozed_until', '<=', guard.snoozeEndedBy);
      }
      const n = await q.update({ ...changedColumns(changes), updated_at: now });
      if (n !== 1) return undefined;
      const row = await tx<Row>(TABLE).where({ id }).first();
      return row ? fromRow(row) : undefined;
    });
  }

  async deleteResolvedBefore(before: number, limit: number) {
    const ids = this.db(TABLE)
      .select('id')
      .where('state', 'resolved')
      .andWhere('resolved_at', '<', before)
      .limit(Math.trunc(limit));
    return this.db(TABLE).whereIn('id', ids).delete();
  }
}
