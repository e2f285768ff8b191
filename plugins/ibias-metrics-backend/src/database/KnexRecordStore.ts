import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import {
  classifyMovement,
  customerMrrSteps,
  customerPeriodMrr,
  npsBucket,
  periodsBetween,
  periodStart,
  type BillingEvent,
  type MrrSummary,
  type PeriodKind,
  type SurveyCounts,
} from '@internal/plugin-ibias-metrics-common';
import type {
  CustomerMrrRow,
  ImportBatch,
  ImportResult,
  RecordSource,
  RecordStore,
  Window,
} from './RecordStore';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-ibias-metrics-backend',
  'migrations',
);

/** The period kinds MRR rows and rollups are kept for. */
export const MRR_PERIOD_KINDS: PeriodKind[] = ['month', 'quarter'];

const CHUNK = 500;
const DAY = 86_400_000;

const ms = (iso: string) => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`"${iso}" is not a date`);
  return t;
};
const utcDay = (iso: string) => Math.floor(ms(iso) / DAY) * DAY;
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/** Migrates the plugin's database unless told to skip. */
export async function migrateMetricsDatabase(database: DatabaseService) {
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await knex.migrate.latest({ directory: migrationsDir });
  }
  return knex;
}

/** The fact that changes whenever billing events do (a fresh UUID each time). */
const BILLING_GENERATION = 'billing_generation';
const WINDOW_CACHE_SIZE = 16;

export class KnexRecordStore implements RecordStore {
  static async create(database: DatabaseService): Promise<KnexRecordStore> {
    return new KnexRecordStore(await migrateMetricsDatabase(database));
  }

  constructor(private readonly db: Knex) {}

  /**
   * MRR windows already computed, by billing generation, start and effective end (see
   * mrrWindow). A few entries: the dashboard asks for the current partial period and its
   * comparison, the same two until the next import.
   */
  private readonly windows = new Map<string, CustomerMrrRow[]>();

  /** A new billing generation: every cached window is stale (in this and every replica). */
  private async bumpBillingGeneration(tx: Knex.Transaction) {
    await tx('ibias_metrics_facts')
      .insert({ key: BILLING_GENERATION, value: randomUUID() })
      .onConflict('key')
      .merge();
  }

  async import(
    batch: ImportBatch,
    source: RecordSource,
    now: Date,
  ): Promise<ImportResult> {
    return this.db.transaction(async tx => {
      const result: ImportResult = {
        inserted: { billing: 0, spend: 0, surveys: 0, probes: 0 },
        skipped: 0,
        replayed: false,
        customers: 0,
      };
      if (batch.webhookEvent) {
        const seen = await tx('ibias_webhook_events')
          .where({ id: batch.webhookEvent.id })
          .first();
        if (seen) return { ...result, replayed: true };
        await tx('ibias_webhook_events').insert({
          ...batch.webhookEvent,
          received_at: now.getTime(),
        });
      }
      const fresh = async <T extends { id: string }>(
        table: string,
        items: T[],
      ) => {
        const known = new Set<string>();
        for (const part of chunks(items.map(i => i.id))) {
          for (const row of await tx(table).whereIn('id', part).select('id')) {
            known.add(row.id);
          }
        }
        const seen = new Set<string>();
        const out = items.filter(i => {
          if (known.has(i.id) || seen.has(i.id)) return false;
          seen.add(i.id);
          return true;
        });
        result.skipped += items.length - out.length;
        return out;
      };

      const billing = await fresh('ibias_billing_events', batch.billing ?? []);
      for (const part of chunks(billing)) {
        await tx('ibias_billing_events').insert(
          part.map(e => ({
            id: e.id,
            source,
            customer_id: e.customerId,
            subscription_id: e.subscriptionId,
            type: e.type,
            occurred_at: ms(e.occurredAt),
            mrr_micros: e.mrrMicros,
            plan: e.plan ?? null,
            received_at: now.getTime(),
          })),
        );
      }
      result.inserted.billing = billing.length;
      if (billing.length > 0) await this.bumpBillingGeneration(tx);

      const spend = await fresh('ibias_marketing_spend', batch.spend ?? []);
      for (const part of chunks(spend)) {
        await tx('ibias_marketing_spend').insert(
          part.map(s => ({
            id: s.id,
            source,
            day: utcDay(s.day),
            channel: s.channel,
            amount_micros: s.amountMicros,
          })),
        );
      }
      result.inserted.spend = spend.length;

      const surveys = await fresh(
        'ibias_survey_responses',
        batch.surveys ?? [],
      );
      for (const part of chunks(surveys)) {
        await tx('ibias_survey_responses').insert(
          part.map(r => {
            npsBucket(r.score); // throws on a score outside 0–10
            return {
              id: r.id,
              source,
              customer_id: r.customerId ?? null,
              responded_at: ms(r.respondedAt),
              score: r.score,
            };
          }),
        );
      }
      result.inserted.surveys = surveys.length;

      // Probe counts are per day and service: a later import of the same day replaces it.
      for (const p of batch.probes ?? []) {
        if (p.good > p.total || p.good < 0) {
          throw new RangeError('good probes must be between 0 and total');
        }
        await tx('ibias_uptime_probes')
          .insert({
            day: utcDay(p.day),
            service: p.service,
            good: p.good,
            total: p.total,
            source,
          })
          .onConflict(['day', 'service'])
          .merge();
        result.inserted.probes++;
      }

      const customers = [...new Set(billing.map(e => e.customerId))];
      if (customers.length > 0 && (await this.rowsBehind(tx, now))) {
        // A month began since the rows were last built: the customers this batch does
        // not touch have no row in it yet, so every customer is rebuilt.
        result.customers = await this.rebuildEveryCustomer(tx, now);
      } else {
        await this.rebuildCustomers(tx, customers, now);
        result.customers = customers.length;
      }
      return result;
    });
  }

  async rebuildAll(now: Date): Promise<number> {
    return this.db.transaction(tx => this.rebuildEveryCustomer(tx, now));
  }

  /** Whether the newest month rollup is older than the month that holds `now`. */
  private async rowsBehind(tx: Knex.Transaction, now: Date) {
    const row = await tx('ibias_mrr_rollup')
      .where({ period_kind: 'month' })
      .max({ latest: 'period_start' })
      .first();
    if (row?.latest === null || row?.latest === undefined) return false;
    return num(row.latest) < periodStart('month', now).getTime();
  }

  private async rebuildEveryCustomer(tx: Knex.Transaction, now: Date) {
    const customers = (
      await tx('ibias_billing_events').distinct('customer_id')
    ).map(r => String(r.customer_id));
    await tx('ibias_customer_period_mrr').delete();
    // Rollups before the earliest remaining event (records were removed) go too.
    await tx('ibias_mrr_rollup').delete();
    await this.rebuildCustomers(tx, customers, now, false);
    return customers.length;
  }

  /**
   * Rebuilds the MRR rows of `customers` from their events, then the rollups of every
   * period from the earliest event touched to now.
   */
  private async rebuildCustomers(
    tx: Knex.Transaction,
    customers: string[],
    now: Date,
    deleteFirst = true,
  ) {
    if (customers.length === 0) return;
    let earliest = Infinity;
    for (const part of chunks(customers)) {
      const rows = await tx('ibias_billing_events')
        .whereIn('customer_id', part)
        .select(
          'id',
          'customer_id',
          'subscription_id',
          'type',
          'occurred_at',
          'mrr_micros',
        );
      const events: BillingEvent[] = rows.map(r => ({
        id: r.id,
        customerId: r.customer_id,
        subscriptionId: r.subscription_id,
        type: r.type,
        occurredAt: new Date(num(r.occurred_at)).toISOString(),
        mrrMicros: num(r.mrr_micros),
      }));
      const inserts: object[] = [];
      for (const steps of customerMrrSteps(events)) {
        const first = steps.steps[0]?.at;
        if (first === undefined || first > now.getTime()) continue;
        earliest = Math.min(earliest, first);
        for (const kind of MRR_PERIOD_KINDS) {
          for (const period of periodsBetween(
            kind,
            new Date(first),
            now,
            now,
          )) {
            const start = Date.parse(period.start);
            const until = Date.parse(period.asOf ?? period.end);
            // The measured end includes events at `until` itself for a partial period.
            const [row] = customerPeriodMrr(
              [steps],
              start,
              period.asOf ? until + 1 : until,
            );
            if (!row) continue;
            inserts.push({
              period_kind: kind,
              period_start: start,
              customer_id: row.customerId,
              start_micros: row.startMicros,
              end_micros: row.endMicros,
              movement: row.movement ?? null,
            });
          }
        }
      }
      if (deleteFirst) {
        await tx('ibias_customer_period_mrr')
          .whereIn('customer_id', part)
          .delete();
      }
      for (const rowsPart of chunks(inserts, 100)) {
        await tx('ibias_customer_period_mrr').insert(rowsPart);
      }
    }
    if (earliest === Infinity) return;
    for (const kind of MRR_PERIOD_KINDS) {
      const [first] = periodsBetween(kind, new Date(earliest), now, now);
      if (!first) continue;
      await this.rebuildRollups(tx, kind, Date.parse(first.start), now);
    }
  }

  private async rebuildRollups(
    tx: Knex.Transaction,
    kind: PeriodKind,
    fromStart: number,
    now: Date,
  ) {
    await tx('ibias_mrr_rollup')
      .where({ period_kind: kind })
      .andWhere('period_start', '>=', fromStart)
      .delete();
    const sumWhen = (movement: string, expr: string) =>
      tx.raw(`sum(case when movement = ? then ${expr} else 0 end)`, movement);
    const countWhen = (condition: string) =>
      tx.raw(`sum(case when ${condition} then 1 else 0 end)`);
    const select = tx('ibias_customer_period_mrr')
      .where({ period_kind: kind })
      .andWhere('period_start', '>=', fromStart)
      .groupBy('period_kind', 'period_start')
      .select(
        'period_kind',
        'period_start',
        tx.raw('sum(start_micros)'),
        tx.raw('sum(end_micros)'),
        sumWhen('new', 'end_micros - start_micros'),
        sumWhen('expansion', 'end_micros - start_micros'),
        sumWhen('contraction', 'start_micros - end_micros'),
        sumWhen('churn', 'start_micros - end_micros'),
        sumWhen('reactivation', 'end_micros - start_micros'),
        countWhen('start_micros > 0'),
        countWhen('end_micros > 0'),
        countWhen(`movement = 'new'`),
        countWhen(`movement = 'churn'`),
        countWhen(`movement = 'reactivation'`),
        tx.raw('?', [now.getTime()]),
      );
    await tx
      .into(
        tx.raw('?? (??)', [
          'ibias_mrr_rollup',
          [
            'period_kind',
            'period_start',
            'start_mrr_micros',
            'end_mrr_micros',
            'new_micros',
            'expansion_micros',
            'contraction_micros',
            'churn_micros',
            'reactivation_micros',
            'customers_at_start',
            'customers_at_end',
            'new_customers',
            'churned_customers',
            'reactivated_customers',
            'computed_at',
          ],
        ]),
      )
      .insert(select);
  }

  async latestRollup(kind: PeriodKind): Promise<number | undefined> {
    const row = await this.db('ibias_mrr_rollup')
      .where({ period_kind: kind })
      .max({ latest: 'period_start' })
      .first();
    return row?.latest === null || row?.latest === undefined
      ? undefined
      : Number(row.latest);
  }

  async mrrSummaries(
    kind: PeriodKind,
    starts: number[],
  ): Promise<Map<number, MrrSummary>> {
    const rows = await this.db('ibias_mrr_rollup')
      .where({ period_kind: kind })
      .whereIn('period_start', starts);
    return new Map(
      rows.map(r => [
        num(r.period_start),
        {
          startMrrMicros: num(r.start_mrr_micros),
          endMrrMicros: num(r.end_mrr_micros),
          newMicros: num(r.new_micros),
          expansionMicros: num(r.expansion_micros),
          contractionMicros: num(r.contraction_micros),
          churnMicros: num(r.churn_micros),
          reactivationMicros: num(r.reactivation_micros),
          customersAtStart: num(r.customers_at_start),
          customersAtEnd: num(r.customers_at_end),
          newCustomers: num(r.new_customers),
          churnedCustomers: num(r.churned_customers),
          reactivatedCustomers: num(r.reactivated_customers),
        },
      ]),
    );
  }

  async mrrRows(
    kind: PeriodKind,
    start: number,
    limit: number,
  ): Promise<CustomerMrrRow[]> {
    const rows = await this.db('ibias_customer_period_mrr')
      .where({ period_kind: kind, period_start: start })
      .whereNotNull('movement')
      .orderByRaw('abs(end_micros - start_micros) desc, customer_id')
      .limit(limit);
    return rows.map(r => ({
      customerId: r.customer_id,
      startMicros: num(r.start_micros),
      endMicros: num(r.end_micros),
      movement: r.movement ?? undefined,
    }));
  }

  /**
   * Event ids compared by code unit, as customerMrrSteps orders events of one instant:
   * PostgreSQL would otherwise use the database's collation ("evt_a" before "evt_B" in
   * English), SQLite compares bytes already.
   */
  private idByCodeUnit() {
    return /^(pg|postgres)/.test(String(this.db.client.config.client))
      ? 'id collate "C"'
      : 'id';
  }

  /** Each customer's MRR just before `at`: the latest event of each subscription. */
  private customerMrrBefore(at: number) {
    const latest = this.db('ibias_billing_events')
      .where('occurred_at', '<', at)
      .select(
        'customer_id',
        'mrr_micros',
        this.db.raw(
          `row_number() over (partition by subscription_id order by occurred_at desc, ${this.idByCodeUnit()} desc) as rn`,
        ),
      )
      .as('latest');
    return this.db
      .from(latest)
      .where('rn', 1)
      .groupBy('customer_id')
      .select('customer_id', this.db.raw('sum(mrr_micros) as mrr'));
  }

  async mrrAt(at: number): Promise<number> {
    const row = await this.db
      .from(this.customerMrrBefore(at + 1).as('c'))
      .sum({ total: 'mrr' })
      .first();
    return num(row?.total);
  }

  /**
   * Customers' MRR at a window's start and end, computed once per billing generation:
   * events change only by import or removal, which start a new generation in their own
   * transaction, and an end after the newest event is the same end as any other after
   * it, so "month to date" is computed once per import, not once per request.
   */
  async mrrWindow(window: Window): Promise<CustomerMrrRow[]> {
    const [generation, latest] = await Promise.all([
      this.getFact(BILLING_GENERATION),
      this.db('ibias_billing_events').max({ m: 'occurred_at' }).first(),
    ]);
    const newest =
      latest?.m === null || latest?.m === undefined ? -1 : Number(latest.m);
    const end = window.until > newest ? 'after-newest' : String(window.until);
    const key = `${generation ?? 'none'}|${window.from}|${end}`;
    const cached = this.windows.get(key);
    if (cached) return cached;
    const rows = await this.computeMrrWindow(window);
    if (this.windows.size >= WINDOW_CACHE_SIZE) {
      this.windows.delete(this.windows.keys().next().value!);
    }
    this.windows.set(key, rows);
    return rows;
  }

  private async computeMrrWindow(window: Window): Promise<CustomerMrrRow[]> {
    const { from, until } = window;
    // One walk over each subscription's events, newest first (the order of
    // ibias_billing_events_latest_idx): the newest event is the subscription's value at
    // `until`; the first one before `from` whose newer neighbour is not, its value at
    // `from`.
    const events = this.db('ibias_billing_events')
      .where('occurred_at', '<', until)
      .select(
        'customer_id',
        'mrr_micros',
        'occurred_at',
        this.db.raw(
          `lag(occurred_at) over (partition by subscription_id order by occurred_at desc, ${this.idByCodeUnit()} desc) as newer_at`,
        ),
      )
      .as('e');
    const customers = this.db
      .from(events)
      .whereNull('newer_at')
      .orWhere(q =>
        q.where('occurred_at', '<', from).andWhere('newer_at', '>=', from),
      )
      .groupBy('customer_id')
      .select(
        'customer_id',
        this.db.raw(
          'sum(case when occurred_at < ? and (newer_at is null or newer_at >= ?) then mrr_micros else 0 end) as start_micros',
          [from, from],
        ),
        this.db.raw(
          'sum(case when newer_at is null then mrr_micros else 0 end) as end_micros',
        ),
      )
      .as('c');
    // Whether the customer paid before `from` only tells "new" from "reactivation", so it
    // is looked up (by the customer index) for those customers alone.
    const found = await this.db.from(customers).select(
      'customer_id',
      'start_micros',
      'end_micros',
      this.db.raw(
        `case when start_micros = 0 and end_micros > 0 and exists (
             select 1 from ibias_billing_events p
             where p.customer_id = c.customer_id and p.occurred_at < ? and p.mrr_micros > 0
           ) then 1 else 0 end as paid_before`,
        [from],
      ),
    );
    const rows: CustomerMrrRow[] = [];
    for (const r of found) {
      const s = num(r.start_micros);
      const e = num(r.end_micros);
      if (s === 0 && e === 0) continue;
      rows.push({
        customerId: r.customer_id,
        startMicros: s,
        endMicros: e,
        movement: classifyMovement(s, e, num(r.paid_before) === 1),
      });
    }
    return rows;
  }

  async spend(window: Window): Promise<number | undefined> {
    const row = await this.db('ibias_marketing_spend')
      .where('day', '>=', window.from)
      .andWhere('day', '<', window.until)
      .select(
        this.db.raw('count(*) as n'),
        this.db.raw('sum(amount_micros) as total'),
      )
      .first();
    return num(row?.n) === 0 ? undefined : num(row?.total);
  }

  async surveyCounts(window: Window): Promise<SurveyCounts> {
    const row = await this.db('ibias_survey_responses')
      .where('responded_at', '>=', window.from)
      .andWhere('responded_at', '<', window.until)
      .select(
        this.db.raw('sum(case when score >= 9 then 1 else 0 end) as p'),
        this.db.raw(
          'sum(case when score >= 7 and score <= 8 then 1 else 0 end) as n',
        ),
        this.db.raw('sum(case when score <= 6 then 1 else 0 end) as d'),
      )
      .first();
    return {
      promoters: num(row?.p),
      passives: num(row?.n),
      detractors: num(row?.d),
    };
  }

  async probeCounts(window: Window) {
    const row = await this.db('ibias_uptime_probes')
      .where('day', '>=', window.from)
      .andWhere('day', '<', window.until)
      .select(
        this.db.raw('sum(good) as good'),
        this.db.raw('sum(total) as total'),
      )
      .first();
    return { good: num(row?.good), total: num(row?.total) };
  }

  async latestRecordAt() {
    const max = async (table: string, column: string) => {
      const row = await this.db(table).max({ m: column }).first();
      return row?.m === null || row?.m === undefined
        ? undefined
        : Number(row.m);
    };
    return {
      billing: await max('ibias_billing_events', 'occurred_at'),
      spend: await max('ibias_marketing_spend', 'day'),
      surveys: await max('ibias_survey_responses', 'responded_at'),
      probes: await max('ibias_uptime_probes', 'day'),
    };
  }

  async saveSnapshots(
    rows: Parameters<RecordStore['saveSnapshots']>[0],
    now: number,
  ) {
    const row = (r: (typeof rows)[number]) => ({
      kpi_id: r.kpiId,
      period_kind: r.kind,
      period_start: r.periodStart,
      value: r.value,
      reason: r.reason ?? null,
      partial: r.partial,
      taken_at: now,
    });
    const key = ['kpi_id', 'period_kind', 'period_start'];
    // A value replaces what was kept; a gap (the source did not answer) never does.
    for (const part of chunks(
      rows.filter(r => r.value !== null),
      100,
    )) {
      await this.db('ibias_kpi_snapshots')
        .insert(part.map(row))
        .onConflict(key)
        .merge();
    }
    for (const part of chunks(
      rows.filter(r => r.value === null),
      100,
    )) {
      await this.db('ibias_kpi_snapshots')
        .insert(part.map(row))
        .onConflict(key)
        .ignore();
    }
  }

  async snapshots(kpiId: string, kind: PeriodKind, periodStarts: number[]) {
    if (periodStarts.length === 0) return [];
    const rows = await this.db('ibias_kpi_snapshots')
      .where({ kpi_id: kpiId, period_kind: kind })
      .whereIn('period_start', periodStarts)
      .whereNotNull('value');
    return rows.map(r => ({
      periodStart: Number(r.period_start),
      value: Number(r.value),
      partial: Boolean(r.partial),
      takenAt: Number(r.taken_at),
    }));
  }

  async getFact(key: string) {
    const row = await this.db('ibias_metrics_facts').where({ key }).first();
    return row?.value;
  }

  async setFact(key: string, value: string) {
    await this.db('ibias_metrics_facts')
      .insert({ key, value })
      .onConflict('key')
      .merge();
  }

  async removeSource(source: RecordSource, now: Date) {
    // One transaction: a reader never sees the records gone but their rollups still there.
    await this.db.transaction(async tx => {
      for (const table of [
        'ibias_billing_events',
        'ibias_marketing_spend',
        'ibias_survey_responses',
        'ibias_uptime_probes',
      ]) {
        await tx(table).where({ source }).delete();
      }
      await this.bumpBillingGeneration(tx);
      await this.rebuildEveryCustomer(tx, now);
    });
  }
}
