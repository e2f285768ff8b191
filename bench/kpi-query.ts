// The executive dashboard's KPI query over 100,000 customers and 1,000,000 billing events
// on PostgreSQL (goal: p95 under 1 s), as a ratio to a plain aggregate over the same rows:
//   npm run bench -- bench/kpi-query.ts [runs] [customers] [postgres-url]
// Creates a database of its own on the server (dropped at the end), migrates it with the
// plugin's migrations and loads 24 months of a seat-based business shaped like the sample
// (plans, seat changes, upgrades, downgrades, add-ons, cancellations, reactivations; about
// ten events per customer) through the store's import path, in batches of whole customers,
// then times one full rebuild (what the first import of a new month does). Then, after a
// warm-up, [runs] (default 30) times each:
//   A. KpiService.series(the dashboard's tiles and trends, 'month', 13): what GET
//      /dashboard computes; the 12 whole months from the rollups, the partial month (MTD)
//      and its comparison from the events — "cold" on a fresh store each run (the first
//      request after an import), "warm" on one store (later requests: the store keeps
//      the windows until the next import);
//   B. store.mrrWindow of the MTD window alone, and of its comparison window, cold;
//   C. plain aggregates: count and sum over every billing event, and the monthly MRR sum
//      over the per-customer rows the rollups are built from.
// Prints median, p95 and max of each, A's p95 as a ratio to C's and to the 1 s goal, and
// EXPLAIN (ANALYZE, BUFFERS) of the queries mrrWindow sends.
// IBIAS_BENCH_KPI_KEEP=1 keeps the database; IBIAS_BENCH_KPI_DATABASE=<name> measures
// such a kept database again, at the instant it was loaded at (its migrations are brought
// up to date first; it is not dropped): before and after a migration without a new load.
import { knex as createKnex, type Knex } from 'knex';
import type { PermissionsService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  addPeriods,
  comparisonPeriod,
  DEFAULT_KPIS,
  EXECUTIVE_KPIS,
  periodStart,
  recentPeriods,
  type BillingEvent,
  type KpiDefinition,
} from '@internal/plugin-ibias-metrics-common';
import { KnexRecordStore } from '../plugins/ibias-metrics-backend/src/database/KnexRecordStore';
import { KpiService } from '../plugins/ibias-metrics-backend/src/kpi/KpiService';
import { TRENDS } from '../plugins/ibias-metrics-backend/src/kpi/DashboardService';
import { windowOf } from '../plugins/ibias-metrics-backend/src/kpi/RecordKpis';
import {
  generateSampleBusiness,
  SAMPLE_PLANS,
  seededRandom,
} from '../plugins/ibias-metrics-backend/src/sample/sampleBusiness';

const runs = Number(process.argv[2] ?? 30);
const customerCount = Number(process.argv[3] ?? 100_000);
const postgresUrl =
  process.argv[4] ??
  process.env.IBIAS_BENCH_POSTGRES ??
  'postgresql://postgres@127.0.0.1:5432';
const existingDatabase = process.env.IBIAS_BENCH_KPI_DATABASE;
const GOAL_MS = 1000;
const WARM_UP = 3;
const MONTHS = 24;
const CUSTOMERS_PER_IMPORT = 2_000;
const DOLLAR = 1_000_000;
/** Seat changes an active customer may make in a month, each with this chance. */
const SEAT_CHANGE_SLOTS = 2;
const SEAT_CHANGE_CHANCE = 0.52;

type Plan = keyof typeof SAMPLE_PLANS;
const PLAN_ORDER: Plan[] = ['starter', 'growth', 'scale'];
const ADDON_MICROS = 99 * DOLLAR;
/** The sample's mix of plans on arrival. */
const planOf = (p: number): Plan =>
  p < 0.55 ? 'starter' : p < 0.9 ? 'growth' : 'scale';

/**
 * 24 months of a seat-based business with the sample's shape (sampleBusiness.ts: its
 * plans, its monthly chances of cancelling, upgrading, downgrading, adding and dropping
 * the add-on, and reactivating, its growing acquisition), but an exact number of
 * customers and about ten events each: every active customer also changes its seat count
 * about once a month, as a per-seat subscription does. Deterministic.
 */
function generateBillingEvents(until: Date, customers: number) {
  const random = seededRandom(20261206);
  const first = addPeriods('month', periodStart('month', until), -(MONTHS - 1));
  const byCustomer: BillingEvent[][] = [];
  const companies: Array<{
    index: number;
    plan: Plan;
    seats: number;
    active: boolean;
    addon: boolean;
    subscription: number;
  }> = [];
  let sequence = 0;
  let arrived = 0;
  const monthStarts = Array.from({ length: MONTHS }, (_, m) =>
    addPeriods('month', first, m),
  );
  // The last month is partial: it gets the share of arrivals of the part that has
  // passed, and they arrive in that part, so every customer has an event by `until`.
  const monthLength = (start: Date) =>
    addPeriods('month', start, 1).getTime() - start.getTime();
  const elapsedShare = (start: Date) =>
    Math.min(1, (until.getTime() - start.getTime()) / monthLength(start));
  const weights = monthStarts.map(
    (start, m) => (14 + m * 1.2) * elapsedShare(start),
  );
  const weightSum = weights.reduce((a, b) => a + b, 0);
  for (let m = 0; m < MONTHS; m++) {
    const monthStart = monthStarts[m];
    const length = monthLength(monthStart);
    const when = () => monthStart.getTime() + Math.floor(random() * length);
    const arrivalTime = () =>
      monthStart.getTime() +
      Math.floor(random() * length * elapsedShare(monthStart));
    const emit = (
      c: (typeof companies)[number],
      type: BillingEvent['type'],
      at: number,
      mrrMicros: number,
      addon = false,
    ) => {
      if (at > until.getTime()) return;
      const customerId = `cus_bench_${String(c.index + 1).padStart(6, '0')}`;
      byCustomer[c.index].push({
        id: `bench_evt_${String(++sequence).padStart(8, '0')}`,
        customerId,
        subscriptionId: addon
          ? `${customerId}_addon`
          : `${customerId}_sub_${c.subscription}`,
        type,
        occurredAt: new Date(at).toISOString(),
        mrrMicros,
        plan: addon ? 'ai-insights' : c.plan,
      });
    };
    const planMicros = (c: (typeof companies)[number]) =>
      SAMPLE_PLANS[c.plan] * c.seats;

    for (const c of companies) {
      const r = random();
      if (c.active) {
        if (r < 0.028) {
          const at = when();
          emit(c, 'subscription_cancelled', at, 0);
          if (c.addon) emit(c, 'subscription_cancelled', at, 0, true);
          c.active = false;
          c.addon = false;
          continue;
        } else if (r < 0.07 && c.plan !== 'scale') {
          c.plan = PLAN_ORDER[PLAN_ORDER.indexOf(c.plan) + 1];
          emit(c, 'subscription_changed', when(), planMicros(c));
        } else if (r < 0.085 && c.plan !== 'starter') {
          c.plan = PLAN_ORDER[PLAN_ORDER.indexOf(c.plan) - 1];
          emit(c, 'subscription_changed', when(), planMicros(c));
        } else if (r < 0.11 && !c.addon) {
          c.addon = true;
          emit(c, 'subscription_started', when(), ADDON_MICROS, true);
        } else if (r < 0.12 && c.addon) {
          c.addon = false;
          emit(c, 'subscription_cancelled', when(), 0, true);
        }
        for (let s = 0; s < SEAT_CHANGE_SLOTS; s++) {
          if (random() >= SEAT_CHANGE_CHANCE) continue;
          c.seats = c.seats === 1 || random() < 0.6 ? c.seats + 1 : c.seats - 1;
          emit(c, 'subscription_changed', when(), planMicros(c));
        }
      } else if (r < 0.06) {
        c.active = true;
        c.subscription++;
        emit(c, 'subscription_started', when(), planMicros(c));
      }
    }

    const target = Math.round(
      (customers * weights.slice(0, m + 1).reduce((a, b) => a + b, 0)) /
        weightSum,
    );
    for (; arrived < target; arrived++) {
      const p = random();
      const c = {
        index: arrived,
        plan: planOf(p),
        seats: 1 + Math.floor(random() * 5),
        active: true,
        addon: false,
        subscription: 1,
      };
      companies.push(c);
      byCustomer.push([]);
      emit(c, 'subscription_started', arrivalTime(), planMicros(c));
    }
  }
  return byCustomer;
}

function stats(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

async function timed(fn: () => Promise<unknown>) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function timeRuns(fn: () => Promise<unknown>) {
  for (let i = 0; i < WARM_UP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(fn));
  return stats(times);
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const line = (label: string, s: ReturnType<typeof stats>) =>
  `   ${label.padEnd(34)} median ${ms(s.p50).padStart(10)}, p95 ${ms(
    s.p95,
  ).padStart(10)}, max ${ms(s.max).padStart(10)}`;

const allow: PermissionsService = {
  authorize: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
};

async function load(store: KnexRecordStore, now: Date) {
  let start = process.hrtime.bigint();
  const customers = generateBillingEvents(now, customerCount);
  const events = customers.reduce((n, list) => n + list.length, 0);
  // Spend, surveys and probes as the sample has them for this many customers (it
  // averages about 700 over 24 months at scale 1), so CAC and NPS have their inputs.
  const { spend, surveys, probes } = generateSampleBusiness({
    until: now,
    scale: customerCount / 700,
  });
  const generated = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `generated ${customers.length} customers, ${events} billing events (${(
      events / customers.length
    ).toFixed(1)} per customer), ${spend?.length} spend rows, ${
      surveys?.length
    } survey responses, ${probes?.length} probe counts in ${generated.toFixed(
      1,
    )} s`,
  );

  start = process.hrtime.bigint();
  let imported = 0;
  for (let i = 0; i < customers.length; i += CUSTOMERS_PER_IMPORT) {
    const billing = customers.slice(i, i + CUSTOMERS_PER_IMPORT).flat();
    const result = await store.import(
      i === 0 ? { billing, spend, surveys, probes } : { billing },
      'import',
      now,
    );
    imported += result.inserted.billing;
  }
  const importSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `import: ${imported} events in ${Math.ceil(
      customers.length / CUSTOMERS_PER_IMPORT,
    )} store.import calls of ${CUSTOMERS_PER_IMPORT} customers in ${importSeconds.toFixed(
      1,
    )} s (${Math.round(
      imported / importSeconds,
    )} events/s, rows and rollups included)`,
  );

  start = process.hrtime.bigint();
  const rebuilt = await store.rebuildAll(now);
  const rebuildSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `rebuildAll: ${rebuilt} customers from ${events} events in ${rebuildSeconds.toFixed(
      1,
    )} s (${Math.round(events / rebuildSeconds)} events/s)`,
  );
}

async function counts(db: Knex) {
  const one = async (sql: string) =>
    Number((await db.raw(sql)).rows[0].n).toLocaleString('en-US');
  console.log(
    `database: ${await one(
      'select count(*) as n from ibias_billing_events',
    )} billing events, ${await one(
      'select count(distinct customer_id) as n from ibias_billing_events',
    )} customers, ${await one(
      'select count(distinct subscription_id) as n from ibias_billing_events',
    )} subscriptions, ${await one(
      'select count(*) as n from ibias_customer_period_mrr',
    )} customer-period rows, ${await one(
      'select count(*) as n from ibias_mrr_rollup',
    )} rollups; billing events ${await one(
      `select pg_total_relation_size('ibias_billing_events') / 1048576 as n`,
    )} MB with indexes`,
  );
}

/** The SQL mrrWindow sends, captured from knex, each explained with ANALYZE and BUFFERS. */
async function explainMrrWindow(
  db: Knex,
  store: KnexRecordStore,
  window: { from: number; until: number },
) {
  const sent: Array<{ sql: string; bindings: Knex.RawBinding[] }> = [];
  const capture = (query: { sql: string; bindings?: Knex.RawBinding[] }) =>
    sent.push({ sql: query.sql, bindings: query.bindings ?? [] });
  db.on('query', capture);
  await store.mrrWindow(window);
  db.off('query', capture);
  for (const { sql, bindings } of sent) {
    // knex hands pg $1, $2…; knex.raw takes ? in order.
    const ordered = [...sql.matchAll(/\$(\d+)/g)].map(
      ([, n]) => bindings[Number(n) - 1],
    );
    const plan = await db.raw(
      `explain (analyze, buffers) ${sql.replace(/\$\d+/g, '?')}`,
      ordered,
    );
    const lines: string[] = plan.rows.map(
      (r: Record<string, string>) => r['QUERY PLAN'],
    );
    console.log(`   ${sql}`);
    for (const l of lines.slice(0, 30)) console.log(`     ${l}`);
    if (lines.length > 30) {
      console.log(`     … (${lines.length - 30} more lines)`);
      for (const l of lines.slice(-2)) console.log(`     ${l}`);
    }
  }
}

async function measure(db: Knex, loadFirst: boolean) {
  const store = await KnexRecordStore.create({
    getClient: async () => db,
    migrations: { skip: false },
  });
  const latest = await db.raw(`select max(name) as name from knex_migrations`);
  console.log(`migrations up to ${latest.rows[0].name}`);
  // The instant the records end and the dashboard is asked at: the MTD is this month so far.
  const loadedAt = await store.getFact('bench_now');
  const now = loadedAt ? new Date(loadedAt) : new Date();
  if (loadFirst) {
    await load(store, now);
    await store.setFact('bench_now', now.toISOString());
    // What autovacuum does after a load of this size, done now so each run sees the same
    // statistics and visibility map.
    await db.raw(
      'vacuum analyze ibias_billing_events, ibias_customer_period_mrr, ibias_mrr_rollup, ibias_marketing_spend, ibias_survey_responses, ibias_uptime_probes',
    );
  }
  await counts(db);

  const kpis = new KpiService({
    store,
    definitions: DEFAULT_KPIS,
    permissions: allow,
    grossMargin: 0.8,
    sources: {},
    now: () => now,
  });
  // The dashboard's tiles and trends, as DashboardService asks for them.
  const ids = [
    ...new Set<string>([...EXECUTIVE_KPIS, ...TRENDS.map(t => t.kpi)]),
  ];
  const definitions: KpiDefinition[] = ids.map(id => DEFAULT_KPIS[id]);
  const periods = recentPeriods('month', 13, now);
  const mtd = windowOf(periods[periods.length - 1]);
  const previous = windowOf(comparisonPeriod(periods[periods.length - 1]));
  const iso = (t: number) => new Date(t).toISOString();
  console.log(
    `now ${now.toISOString()}; ${definitions.length} KPIs (${ids.join(
      ', ',
    )}) over 13 months; MTD [${iso(mtd.from)}, ${iso(
      mtd.until,
    )}), compared with [${iso(previous.from)}, ${iso(previous.until)})`,
  );

  const [check] = await kpis.series([DEFAULT_KPIS.mrr], 'month', 13);
  const mtdRows = await store.mrrWindow(mtd);
  console.log(
    `MRR now ${((check.points[12].value ?? 0) / DOLLAR).toLocaleString(
      'en-US',
    )} $, ${
      check.points[12].inputs.customers
    } paying customers; the MTD window has ${mtdRows.length} customer rows, ${
      mtdRows.filter(r => r.movement).length
    } with a movement`,
  );

  console.log(`${runs} runs each after ${WARM_UP} warm-up runs:`);
  // A store of its own per run: nothing computed before (as after an import).
  const coldKpis = () =>
    new KpiService({
      store: new KnexRecordStore(db),
      definitions: DEFAULT_KPIS,
      permissions: allow,
      grossMargin: 0.8,
      sources: {},
      now: () => now,
    });
  const cold = await timeRuns(() =>
    coldKpis().series(definitions, 'month', 13),
  );
  console.log(line('A. KpiService.series (dashboard), cold', cold));
  const series = await timeRuns(() => kpis.series(definitions, 'month', 13));
  console.log(line('A. KpiService.series (dashboard), warm', series));
  const windowMtd = await timeRuns(() =>
    new KnexRecordStore(db).mrrWindow(mtd),
  );
  console.log(line('B. mrrWindow, MTD, cold', windowMtd));
  const windowPrevious = await timeRuns(() =>
    new KnexRecordStore(db).mrrWindow(previous),
  );
  console.log(line('B. mrrWindow, comparison, cold', windowPrevious));
  const events = await timeRuns(() =>
    db.raw('select count(*), sum(mrr_micros) from ibias_billing_events'),
  );
  console.log(line('C. count, sum over billing events', events));
  const rows = await timeRuns(() =>
    db.raw(
      `select period_start, sum(end_micros) from ibias_customer_period_mrr where period_kind = 'month' group by period_start`,
    ),
  );
  console.log(line('C. monthly sum over customer rows', rows));
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(
    `   dashboard p95 / events aggregate p95 ${ratio(
      series.p95,
      events.p95,
    )}, / customer-rows aggregate p95 ${ratio(series.p95, rows.p95)}`,
  );
  console.log(
    `   dashboard p95 warm ${ms(series.p95)} = ${(series.p95 / GOAL_MS).toFixed(
      3,
    )} of the ${GOAL_MS} ms goal (≤ 1 meets it); cold ${ms(cold.p95)} = ${(
      cold.p95 / GOAL_MS
    ).toFixed(3)}; warm / cold ${ratio(series.p95, cold.p95)}`,
  );

  console.log('EXPLAIN (ANALYZE, BUFFERS) of mrrWindow, MTD:');
  await explainMrrWindow(db, new KnexRecordStore(db), mtd);
}

async function main() {
  const connection = (database: string) => {
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    return createKnex({ client: 'pg', connection: url.toString() });
  };
  if (existingDatabase) {
    const db = connection(existingDatabase);
    try {
      await measure(db, false);
    } finally {
      await db.destroy();
    }
    return;
  }
  const database = `ibias_bench_kpi_${Date.now()}`;
  const admin = createKnex({ client: 'pg', connection: postgresUrl });
  try {
    await admin.raw(`create database ${database}`);
  } catch (e) {
    await admin.destroy();
    throw e;
  }
  console.log(`database ${database}`);
  const db = connection(database);
  try {
    await measure(db, true);
  } finally {
    await db.destroy();
    if (process.env.IBIAS_BENCH_KPI_KEEP) {
      console.log(`kept ${database}`);
    } else {
      await admin.raw(`drop database ${database}`);
    }
    await admin.destroy();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
