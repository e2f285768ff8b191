import {
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import {
  ibiasTestDatabaseIds,
  postgresRequired,
} from '@internal/ibias-test-utils';
import {
  addPeriods,
  customerMrrSteps,
  customerPeriodMrr,
  EMPTY_MRR_SUMMARY,
  summarizeMrr,
  type BillingEvent,
  type MrrSummary,
  type PeriodKind,
} from '@internal/plugin-ibias-metrics-common';
import type { Knex } from 'knex';
import { generateSampleBusiness } from '../sample/sampleBusiness';
import { KnexRecordStore } from './KnexRecordStore';
import type { ImportBatch, RecordStore } from './RecordStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ibiasTestDatabaseIds() });

const DOLLAR = 1_000_000;
const at = (iso: string) => Date.parse(iso);

const DEC = at('2025-12-01T00:00:00Z');
const JAN = at('2026-01-01T00:00:00Z');
const FEB = at('2026-02-01T00:00:00Z');
const MAR = at('2026-03-01T00:00:00Z');
const APR = at('2026-04-01T00:00:00Z');
const MAY = at('2026-05-01T00:00:00Z');
const JUN = at('2026-06-01T00:00:00Z');
/** January to March are whole months; April is the partial one. */
const NOW = new Date('2026-04-10T12:00:00Z');

const TABLES = [
  'ibias_billing_events',
  'ibias_customer_period_mrr',
  'ibias_mrr_rollup',
  'ibias_marketing_spend',
  'ibias_survey_responses',
  'ibias_uptime_probes',
  'ibias_webhook_events',
] as const;

function billing(
  id: string,
  customerId: string,
  subscriptionId: string,
  type: BillingEvent['type'],
  occurredAt: string,
  dollars: number,
): BillingEvent {
  return {
    id,
    customerId,
    subscriptionId,
    type,
    occurredAt,
    mrrMicros: dollars * DOLLAR,
  };
}

/**
 * Four customers over January to March 2026:
 * - B is new in January ($200) and expands in February ($300);
 * - C is new in January with two subscriptions ($50 + $70) and cancels one in February
 *   (contraction, not churn);
 * - D is new in January ($80), churns in February and reactivates at the very first
 *   instant of March ($90, so the reactivation belongs to March);
 * - A is new in March ($100).
 */
const BUSINESS_EVENTS: BillingEvent[] = [
  billing(
    'b1',
    'B',
    'B_main',
    'subscription_started',
    '2026-01-05T10:00:00Z',
    200,
  ),
  billing(
    'b2',
    'B',
    'B_main',
    'subscription_changed',
    '2026-02-15T12:00:00Z',
    300,
  ),
  billing(
    'c1',
    'C',
    'C_main',
    'subscription_started',
    '2026-01-03T09:00:00Z',
    50,
  ),
  billing(
    'c2',
    'C',
    'C_addon',
    'subscription_started',
    '2026-01-03T09:00:00Z',
    70,
  ),
  billing(
    'c3',
    'C',
    'C_addon',
    'subscription_cancelled',
    '2026-02-20T08:00:00Z',
    0,
  ),
  billing('d1', 'D', 'D_1', 'subscription_started', '2026-01-02T00:00:00Z', 80),
  billing(
    'd2',
    'D',
    'D_1',
    'subscription_cancelled',
    '2026-02-08T16:00:00Z',
    0,
  ),
  billing(
    'd3',
    'D',
    'D_2',
    'subscription_started',
    '2026-03-01T00:00:00.000Z',
    90,
  ),
  billing(
    'a1',
    'A',
    'A_main',
    'subscription_started',
    '2026-03-10T00:00:00Z',
    100,
  ),
];

const BUSINESS: ImportBatch = {
  billing: BUSINESS_EVENTS,
  spend: [
    { id: 'sp1', day: '2026-01-15', channel: 'events', amountMicros: 0 },
    {
      id: 'sp2',
      day: '2026-02-01',
      channel: 'search',
      amountMicros: 1000 * DOLLAR,
    },
    // An instant: stored as its UTC day, the last of February.
    {
      id: 'sp3',
      day: '2026-02-28T23:30:00Z',
      channel: 'social',
      amountMicros: 500 * DOLLAR,
    },
    {
      id: 'sp4',
      day: '2026-03-01',
      channel: 'search',
      amountMicros: 700 * DOLLAR,
    },
  ],
  surveys: [
    {
      id: 'nps1',
      respondedAt: '2026-02-01T00:00:00Z',
      score: 10,
      customerId: 'B',
    },
    { id: 'nps2', respondedAt: '2026-02-03T10:00:00Z', score: 9 },
    { id: 'nps3', respondedAt: '2026-02-04T10:00:00Z', score: 8 },
    { id: 'nps4', respondedAt: '2026-02-05T10:00:00Z', score: 7 },
    { id: 'nps5', respondedAt: '2026-02-06T10:00:00Z', score: 6 },
    { id: 'nps6', respondedAt: '2026-02-28T23:59:59.999Z', score: 0 },
    // The first instant of March belongs to March.
    { id: 'nps7', respondedAt: '2026-03-01T00:00:00Z', score: 10 },
  ],
  probes: [
    { day: '2026-02-10', service: 'ibias-api', good: 1430, total: 1440 },
    { day: '2026-02-10', service: 'ibias-web', good: 1440, total: 1440 },
    { day: '2026-03-01', service: 'ibias-api', good: 1000, total: 1440 },
  ],
};

const summary = (s: Partial<MrrSummary>): MrrSummary => ({
  ...EMPTY_MRR_SUMMARY,
  ...s,
});

/** Hand-computed from the four customers above. */
const EXPECTED: Record<'jan' | 'feb' | 'mar' | 'q1' | 'apr', MrrSummary> = {
  jan: summary({
    endMrrMicros: 400 * DOLLAR,
    newMicros: 400 * DOLLAR,
    customersAtEnd: 3,
    newCustomers: 3,
  }),
  feb: summary({
    startMrrMicros: 400 * DOLLAR,
    endMrrMicros: 350 * DOLLAR,
    expansionMicros: 100 * DOLLAR,
    contractionMicros: 70 * DOLLAR,
    churnMicros: 80 * DOLLAR,
    customersAtStart: 3,
    customersAtEnd: 2,
    churnedCustomers: 1,
  }),
  mar: summary({
    startMrrMicros: 350 * DOLLAR,
    endMrrMicros: 540 * DOLLAR,
    newMicros: 100 * DOLLAR,
    reactivationMicros: 90 * DOLLAR,
    customersAtStart: 2,
    customersAtEnd: 4,
    newCustomers: 1,
    reactivatedCustomers: 1,
  }),
  // Over the quarter D never paid before it began: it is new, not reactivated.
  q1: summary({
    endMrrMicros: 540 * DOLLAR,
    newMicros: 540 * DOLLAR,
    customersAtEnd: 4,
    newCustomers: 4,
  }),
  apr: summary({
    startMrrMicros: 540 * DOLLAR,
    endMrrMicros: 540 * DOLLAR,
    customersAtStart: 4,
    customersAtEnd: 4,
  }),
};

async function storeOn(id: TestDatabaseId) {
  const knex = await databases.init(id);
  const store = await KnexRecordStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  return { knex, store };
}

async function rowCounts(knex: Knex) {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await knex(table).count({ n: '*' });
    counts[table] = Number(row.n);
  }
  return counts;
}

async function monthSummaries(store: RecordStore) {
  const found = await store.mrrSummaries('month', [JAN, FEB, MAR, APR]);
  return {
    jan: found.get(JAN),
    feb: found.get(FEB),
    mar: found.get(MAR),
    apr: found.get(APR),
  };
}

it('runs on PostgreSQL too when CI asks for it', () => {
  expect(ibiasTestDatabaseIds().length).toBe(postgresRequired() ? 2 : 1);
});

describe.each(databases.eachSupportedId())('KnexRecordStore on %s', id => {
  it('rolls a small business up into the hand-computed MRR sums of each month and the quarter', async () => {
    const { store } = await storeOn(id);
    const result = await store.import(BUSINESS, 'import', NOW);
    expect(result).toEqual({
      inserted: { billing: 9, spend: 4, surveys: 7, probes: 3 },
      skipped: 0,
      replayed: false,
      customers: 4,
    });

    expect(await monthSummaries(store)).toEqual({
      jan: EXPECTED.jan,
      feb: EXPECTED.feb,
      mar: EXPECTED.mar,
      // The partial month holds its own rollup, measured at now.
      apr: EXPECTED.apr,
    });
    const quarters = await store.mrrSummaries('quarter', [JAN, APR]);
    expect(quarters.get(JAN)).toEqual(EXPECTED.q1);
    expect(await store.latestRollup('month')).toBe(APR);
    expect(await store.latestRollup('quarter')).toBe(APR);
  });

  it('computes a window once per import, and sees the next import, made by this replica or another', async () => {
    const { knex, store } = await storeOn(id);
    const other = await KnexRecordStore.create({
      getClient: async () => knex,
      migrations: { skip: true },
    });
    await store.import(BUSINESS, 'import', NOW);
    const compute = jest.spyOn(store as any, 'computeMrrWindow');
    const mtd = (until: number) =>
      store.mrrWindow({ from: APR, until }).then(summarizeMrr);
    const first = await mtd(NOW.getTime());
    // Later "nows" after the newest event: the same window, not computed again.
    expect(await mtd(NOW.getTime() + 60_000)).toEqual(first);
    expect(compute).toHaveBeenCalledTimes(1);
    // An end at or before the newest event is another window.
    const [{ m }] = await knex('ibias_billing_events').max({
      m: 'occurred_at',
    });
    await store.mrrWindow({ from: JAN, until: Number(m) });
    expect(compute).toHaveBeenCalledTimes(2);

    // Another replica imports a new customer in April: this one sees it at once.
    await other.import(
      {
        billing: [
          billing(
            'late-1',
            'cust-late',
            'sub-late',
            'subscription_started',
            '2026-04-05T00:00:00Z',
            50,
          ),
        ],
      },
      'import',
      NOW,
    );
    const after = await mtd(NOW.getTime() + 120_000);
    expect(after.endMrrMicros - first.endMrrMicros).toBe(50 * DOLLAR);
    expect(after.newMicros - first.newMicros).toBe(50 * DOLLAR);
    expect(compute).toHaveBeenCalledTimes(3);
    // A replayed import inserts nothing: the cached window still holds.
    await other.import(
      {
        billing: [
          billing(
            'late-1',
            'cust-late',
            'sub-late',
            'subscription_started',
            '2026-04-05T00:00:00Z',
            50,
          ),
        ],
      },
      'import',
      NOW,
    );
    expect(await mtd(NOW.getTime() + 180_000)).toEqual(after);
    expect(compute).toHaveBeenCalledTimes(3);
    // Removing a source is a change too.
    await other.removeSource('import', NOW);
    expect((await mtd(NOW.getTime())).endMrrMicros).toBe(0);
  });

  it('keeps KPI snapshots: a later value replaces one, a gap never does', async () => {
    const { store } = await storeOn(id);
    const row = (
      periodStart: number,
      value: number | null,
      partial = false,
    ) => ({
      kpiId: 'active_users',
      kind: 'day' as const,
      periodStart,
      value,
      partial,
      ...(value === null ? { reason: 'no data' } : {}),
    });
    await store.saveSnapshots([row(JAN, 5, true), row(FEB, null)], 1000);
    await store.saveSnapshots([row(JAN, 7), row(FEB, null), row(MAR, 9)], 2000);
    // The gap does not replace March's value; a later gap changes nothing either.
    await store.saveSnapshots([row(MAR, null)], 3000);
    expect(
      await store.snapshots('active_users', 'day', [JAN, FEB, MAR, APR]),
    ).toEqual(
      expect.arrayContaining([
        { periodStart: JAN, value: 7, partial: false, takenAt: 2000 },
        { periodStart: MAR, value: 9, partial: false, takenAt: 2000 },
      ]),
    );
    expect(
      await store.snapshots('active_users', 'day', [JAN, FEB, MAR, APR]),
    ).toHaveLength(2);
    expect(await store.snapshots('active_users', 'week', [JAN])).toEqual([]);
    expect(await store.snapshots('active_users', 'day', [])).toEqual([]);
  });

  it('lists the customers behind a month, largest movement first, without the unmoved', async () => {
    const { store } = await storeOn(id);
    await store.import(BUSINESS, 'import', NOW);
    expect(await store.mrrRows('month', FEB, 10)).toEqual([
      {
        customerId: 'B',
        startMicros: 200 * DOLLAR,
        endMicros: 300 * DOLLAR,
        movement: 'expansion',
      },
      {
        customerId: 'D',
        startMicros: 80 * DOLLAR,
        endMicros: 0,
        movement: 'churn',
      },
      {
        customerId: 'C',
        startMicros: 120 * DOLLAR,
        endMicros: 50 * DOLLAR,
        movement: 'contraction',
      },
    ]);
    expect(await store.mrrRows('month', MAR, 10)).toEqual([
      {
        customerId: 'A',
        startMicros: 0,
        endMicros: 100 * DOLLAR,
        movement: 'new',
      },
      {
        customerId: 'D',
        startMicros: 0,
        endMicros: 90 * DOLLAR,
        movement: 'reactivation',
      },
    ]);
    expect(await store.mrrRows('month', FEB, 1)).toHaveLength(1);
  });

  it('inserts nothing and changes no sum when the same import is replayed', async () => {
    const { knex, store } = await storeOn(id);
    await store.import(BUSINESS, 'import', NOW);
    const before = await monthSummaries(store);
    const countsBefore = await rowCounts(knex);

    const replay = await store.import(BUSINESS, 'import', NOW);
    expect(replay.inserted).toEqual({
      billing: 0,
      spend: 0,
      surveys: 0,
      // A day's probe counts are replaced by a later import, not added to.
      probes: 3,
    });
    expect(replay.skipped).toBe(9 + 4 + 7);
    expect(replay.customers).toBe(0);
    expect(replay.replayed).toBe(false);
    expect(await monthSummaries(store)).toEqual(before);
    expect(await rowCounts(knex)).toEqual(countsBefore);
    expect(await store.probeCounts({ from: FEB, until: MAR })).toEqual({
      good: 2870,
      total: 2880,
    });

    // A batch repeating one id inside itself, next to a new event: only the new one counts.
    const mixed = await store.import(
      {
        billing: [
          BUSINESS_EVENTS[0],
          billing(
            'e1',
            'E',
            'E_main',
            'subscription_started',
            '2026-03-15T00:00:00Z',
            40,
          ),
          billing(
            'e1',
            'E',
            'E_main',
            'subscription_started',
            '2026-03-15T00:00:00Z',
            40,
          ),
        ],
      },
      'import',
      NOW,
    );
    expect(mixed.inserted.billing).toBe(1);
    expect(mixed.skipped).toBe(2);
    expect((await monthSummaries(store)).mar).toEqual({
      ...EXPECTED.mar,
      endMrrMicros: 580 * DOLLAR,
      newMicros: 140 * DOLLAR,
      customersAtEnd: 5,
      newCustomers: 2,
    });
  });

  it('agrees with the events: a whole period’s rollup equals the summary of its MRR window', async () => {
    const { store } = await storeOn(id);
    await store.import(BUSINESS, 'import', NOW);
    const rollups = await store.mrrSummaries('month', [JAN, FEB, MAR]);
    for (const [from, until] of [
      [JAN, FEB],
      [FEB, MAR],
      [MAR, APR],
    ]) {
      const fromEvents = summarizeMrr(await store.mrrWindow({ from, until }));
      expect(fromEvents).toEqual(rollups.get(from));
    }
    const [quarter] = (await store.mrrSummaries('quarter', [JAN])).values();
    expect(
      summarizeMrr(await store.mrrWindow({ from: JAN, until: APR })),
    ).toEqual(quarter);
    expect(await store.mrrWindow({ from: FEB, until: MAR })).toEqual(
      expect.arrayContaining([
        {
          customerId: 'B',
          startMicros: 200 * DOLLAR,
          endMicros: 300 * DOLLAR,
          movement: 'expansion',
        },
        {
          customerId: 'C',
          startMicros: 120 * DOLLAR,
          endMicros: 50 * DOLLAR,
          movement: 'contraction',
        },
        {
          customerId: 'D',
          startMicros: 80 * DOLLAR,
          endMicros: 0,
          movement: 'churn',
        },
      ]),
    );
  });

  it('keeps the customers an import did not touch in the months that began since the last rebuild', async () => {
    const { store } = await storeOn(id);
    // The business as of March 20; then, in May, a webhook brings one new customer and
    // nothing has rebuilt April or May in between.
    await store.import(BUSINESS, 'import', new Date('2026-03-20T00:00:00Z'));
    const may = new Date('2026-05-05T00:00:00Z');
    await store.import(
      {
        billing: [
          billing(
            'f1',
            'F',
            'F_main',
            'subscription_started',
            '2026-05-02T00:00:00Z',
            60,
          ),
        ],
      },
      'stripe',
      may,
    );
    const found = await store.mrrSummaries('month', [MAR, APR, MAY]);
    expect(found.get(MAR)).toEqual(EXPECTED.mar);
    expect(found.get(APR)).toEqual(EXPECTED.apr);
    expect(found.get(MAY)).toEqual(
      summary({
        startMrrMicros: 540 * DOLLAR,
        endMrrMicros: 600 * DOLLAR,
        newMicros: 60 * DOLLAR,
        customersAtStart: 4,
        customersAtEnd: 5,
        newCustomers: 1,
      }),
    );
    expect(
      summarizeMrr(await store.mrrWindow({ from: APR, until: MAY })),
    ).toEqual(found.get(APR));
  });

  it('applies events of one subscription at the same instant in id code-unit order, whatever the collation', async () => {
    const { knex, store } = await storeOn(id);
    if (id.startsWith('POSTGRES')) {
      // A database created with an English collation sorts "evt_a" before "evt_B";
      // code units (and customerMrrSteps) put "evt_B" first.
      await knex.raw(
        'alter table ibias_billing_events alter column id type varchar(255) collate "en-US-x-icu"',
      );
    }
    const sameSecond = '2026-02-10T10:00:00Z';
    await store.import(
      {
        billing: [
          billing(
            'evt_B',
            'G',
            'G_main',
            'subscription_started',
            sameSecond,
            10,
          ),
          billing(
            'evt_a',
            'G',
            'G_main',
            'subscription_changed',
            sameSecond,
            20,
          ),
        ],
      },
      'stripe',
      NOW,
    );
    expect(await store.mrrAt(at(sameSecond))).toBe(20 * DOLLAR);
    const [feb] = (await store.mrrSummaries('month', [FEB])).values();
    expect(feb.endMrrMicros).toBe(20 * DOLLAR);
    expect(
      summarizeMrr(await store.mrrWindow({ from: FEB, until: MAR })),
    ).toEqual(feb);
  });

  it('counts an event exactly at a window’s start in its end, not its start; one exactly at its end in neither', async () => {
    const { store } = await storeOn(id);
    await store.import(
      {
        billing: [
          billing(
            'e1',
            'X',
            'sx',
            'subscription_started',
            '2026-01-10T00:00:00Z',
            10,
          ),
          // Exactly at the window's start: the window starts at 10 and ends at 20.
          billing(
            'e2',
            'X',
            'sx',
            'subscription_changed',
            '2026-02-01T00:00:00Z',
            20,
          ),
          // Exactly at the window's end: not in it.
          billing(
            'e3',
            'X',
            'sx',
            'subscription_changed',
            '2026-03-01T00:00:00Z',
            5,
          ),
          // A customer whose first event is at the start is new, not there at the start.
          billing(
            'e4',
            'Y',
            'sy',
            'subscription_started',
            '2026-02-01T00:00:00Z',
            7,
          ),
        ],
      },
      'import',
      NOW,
    );
    const rows = await store.mrrWindow({ from: FEB, until: MAR });
    expect(rows).toEqual(
      expect.arrayContaining([
        {
          customerId: 'X',
          startMicros: 10 * DOLLAR,
          endMicros: 20 * DOLLAR,
          movement: 'expansion',
        },
        {
          customerId: 'Y',
          startMicros: 0,
          endMicros: 7 * DOLLAR,
          movement: 'new',
        },
      ]),
    );
    expect(rows).toHaveLength(2);
    // The rollups say the same of February.
    const feb = (await store.mrrSummaries('month', [FEB])).get(FEB);
    expect(feb).toEqual(summarizeMrr(rows));
  });

  it('answers the total MRR at an instant, counting events at that instant', async () => {
    const { store } = await storeOn(id);
    await store.import(BUSINESS, 'import', NOW);
    expect(await store.mrrAt(DEC)).toBe(0);
    // B's upgrade at Feb 15 12:00; C still has both subscriptions, D has churned.
    expect(await store.mrrAt(at('2026-02-15T12:00:00Z'))).toBe(420 * DOLLAR);
    expect(await store.mrrAt(at('2026-02-15T12:00:00Z') - 1)).toBe(
      320 * DOLLAR,
    );
    expect(await store.mrrAt(MAR - 1)).toBe(350 * DOLLAR);
    expect(await store.mrrAt(MAR)).toBe(440 * DOLLAR);
    expect(await store.mrrAt(NOW.getTime())).toBe(540 * DOLLAR);
  });

  it('sums spend, survey responses and probes over half-open windows', async () => {
    const { store } = await storeOn(id);
    await store.import(BUSINESS, 'import', NOW);
    // No spend recorded is not zero spend.
    expect(await store.spend({ from: DEC, until: JAN })).toBeUndefined();
    expect(await store.spend({ from: JAN, until: FEB })).toBe(0);
    expect(await store.spend({ from: FEB, until: MAR })).toBe(1500 * DOLLAR);
    expect(await store.spend({ from: MAR, until: APR })).toBe(700 * DOLLAR);
    expect(
      await store.spend({ from: at('2026-02-28T00:00:00Z'), until: MAR }),
    ).toBe(500 * DOLLAR);

    expect(await store.surveyCounts({ from: FEB, until: MAR })).toEqual({
      promoters: 2,
      passives: 2,
      detractors: 2,
    });
    expect(await store.surveyCounts({ from: MAR, until: APR })).toEqual({
      promoters: 1,
      passives: 0,
      detractors: 0,
    });
    expect(await store.surveyCounts({ from: JAN, until: FEB })).toEqual({
      promoters: 0,
      passives: 0,
      detractors: 0,
    });

    expect(await store.probeCounts({ from: FEB, until: MAR })).toEqual({
      good: 2870,
      total: 2880,
    });
    expect(await store.probeCounts({ from: MAR, until: APR })).toEqual({
      good: 1000,
      total: 1440,
    });
    expect(await store.probeCounts({ from: JAN, until: FEB })).toEqual({
      good: 0,
      total: 0,
    });
    // A later import of the same day and service replaces its counts.
    await store.import(
      {
        probes: [
          {
            day: '2026-02-10T08:00:00Z',
            service: 'ibias-api',
            good: 1440,
            total: 1440,
          },
        ],
      },
      'import',
      NOW,
    );
    expect(await store.probeCounts({ from: FEB, until: MAR })).toEqual({
      good: 2880,
      total: 2880,
    });
    await expect(
      store.import(
        {
          probes: [
            { day: '2026-02-11', service: 'ibias-api', good: 2, total: 1 },
          ],
        },
        'import',
        NOW,
      ),
    ).rejects.toThrow('good probes must be between 0 and total');

    expect(await store.latestRecordAt()).toEqual({
      billing: at('2026-03-10T00:00:00Z'),
      spend: at('2026-03-01T00:00:00Z'),
      surveys: at('2026-03-01T00:00:00Z'),
      probes: at('2026-03-01T00:00:00Z'),
    });
  });

  it('has no rollup for a month without records: a gap, not a zero', async () => {
    const { store } = await storeOn(id);
    expect(await store.latestRollup('month')).toBeUndefined();
    expect((await store.mrrSummaries('month', [JAN])).size).toBe(0);
    expect(await store.latestRecordAt()).toEqual({});

    await store.import(BUSINESS, 'import', NOW);
    const found = await store.mrrSummaries('month', [DEC, JAN, MAY, JUN]);
    expect([...found.keys()]).toEqual([JAN]);
    expect(found.get(DEC)).toBeUndefined();
    expect(found.get(MAY)).toBeUndefined();
    expect(await store.mrrRows('month', DEC, 10)).toEqual([]);
  });

  it('writes nothing of a batch with an invalid survey score, not even its webhook event', async () => {
    const { knex, store } = await storeOn(id);
    const empty = await rowCounts(knex);
    await expect(
      store.import(
        {
          ...BUSINESS,
          surveys: [
            ...(BUSINESS.surveys ?? []),
            { id: 'nps_bad', respondedAt: '2026-02-10T00:00:00Z', score: 11 },
          ],
          webhookEvent: {
            id: 'evt_bad_batch',
            provider: 'stripe',
            type: 'test',
          },
        },
        'import',
        NOW,
      ),
    ).rejects.toThrow('An NPS score is a whole number 0–10, not 11');
    expect(await rowCounts(knex)).toEqual(empty);
    expect(Object.values(empty).every(n => n === 0)).toBe(true);

    // The failed webhook event is not remembered: its retry is written, not a replay.
    const retry = await store.import(
      {
        billing: [BUSINESS_EVENTS[0]],
        webhookEvent: { id: 'evt_bad_batch', provider: 'stripe', type: 'test' },
      },
      'stripe',
      NOW,
    );
    expect(retry.replayed).toBe(false);
    expect(retry.inserted.billing).toBe(1);
  });

  it('writes nothing when a webhook event is replayed, even with other records', async () => {
    const { knex, store } = await storeOn(id);
    const webhookEvent = {
      id: 'evt_1',
      provider: 'stripe',
      type: 'customer.subscription.created',
    };
    const first = await store.import(
      { billing: [BUSINESS_EVENTS[0]], webhookEvent },
      'stripe',
      NOW,
    );
    expect(first.replayed).toBe(false);
    expect(first.inserted.billing).toBe(1);
    const counts = await rowCounts(knex);
    const mrr = await store.mrrAt(NOW.getTime());

    const replay = await store.import(
      { billing: [BUSINESS_EVENTS[1]], webhookEvent },
      'stripe',
      NOW,
    );
    expect(replay).toEqual({
      inserted: { billing: 0, spend: 0, surveys: 0, probes: 0 },
      skipped: 0,
      replayed: true,
      customers: 0,
    });
    expect(await rowCounts(knex)).toEqual(counts);
    expect(await store.mrrAt(NOW.getTime())).toBe(mrr);
  });

  it('removes every record of a source and rebuilds the rollups from what is left', async () => {
    const { knex, store } = await storeOn(id);
    await store.import(BUSINESS, 'sample', NOW);
    await store.import(
      {
        billing: [
          billing(
            'e1',
            'E',
            'E_main',
            'subscription_started',
            '2026-02-01T00:00:00Z',
            500,
          ),
        ],
        spend: [
          {
            id: 'real_sp',
            day: '2026-02-03',
            channel: 'search',
            amountMicros: 42 * DOLLAR,
          },
        ],
        surveys: [
          { id: 'real_nps', respondedAt: '2026-02-03T00:00:00Z', score: 9 },
        ],
      },
      'import',
      NOW,
    );
    expect((await monthSummaries(store)).feb?.endMrrMicros).toBe(850 * DOLLAR);

    await store.removeSource('sample', NOW);
    expect(
      (await knex('ibias_billing_events').select('id', 'source')).map(r => [
        r.id,
        r.source,
      ]),
    ).toEqual([['e1', 'import']]);
    expect(await store.spend({ from: FEB, until: MAR })).toBe(42 * DOLLAR);
    expect(await store.surveyCounts({ from: FEB, until: MAR })).toEqual({
      promoters: 1,
      passives: 0,
      detractors: 0,
    });
    expect(await store.probeCounts({ from: FEB, until: APR })).toEqual({
      good: 0,
      total: 0,
    });
    expect(await monthSummaries(store)).toEqual({
      jan: undefined,
      feb: summary({
        endMrrMicros: 500 * DOLLAR,
        newMicros: 500 * DOLLAR,
        customersAtEnd: 1,
        newCustomers: 1,
      }),
      mar: summary({
        startMrrMicros: 500 * DOLLAR,
        endMrrMicros: 500 * DOLLAR,
        customersAtStart: 1,
        customersAtEnd: 1,
      }),
      apr: summary({
        startMrrMicros: 500 * DOLLAR,
        endMrrMicros: 500 * DOLLAR,
        customersAtStart: 1,
        customersAtEnd: 1,
      }),
    });
    expect(
      new Set(
        (await knex('ibias_customer_period_mrr').distinct('customer_id')).map(
          r => r.customer_id,
        ),
      ),
    ).toEqual(new Set(['E']));
  });

  it('rebuilds every customer to the same rollups', async () => {
    const { store } = await storeOn(id);
    await store.import(BUSINESS, 'import', NOW);
    const before = await monthSummaries(store);
    expect(await store.rebuildAll(NOW)).toBe(4);
    expect(await monthSummaries(store)).toEqual(before);
  });

  it('upserts KPI snapshots: one per KPI, period kind and start, the later one wins', async () => {
    const { knex, store } = await storeOn(id);
    await store.saveSnapshots(
      [
        {
          kpiId: 'mrr',
          kind: 'month',
          periodStart: MAR,
          value: 1.5,
          partial: false,
        },
        {
          kpiId: 'mrr',
          kind: 'month',
          periodStart: APR,
          value: 2,
          partial: true,
        },
        {
          kpiId: 'nps',
          kind: 'month',
          periodStart: APR,
          value: null,
          reason: 'no survey responses',
          partial: true,
        },
      ],
      1000,
    );
    await store.saveSnapshots(
      [
        {
          kpiId: 'mrr',
          kind: 'month',
          periodStart: APR,
          value: 3,
          partial: false,
        },
      ],
      2000,
    );
    const rows = await knex('ibias_kpi_snapshots').orderBy([
      'kpi_id',
      'period_start',
    ]);
    expect(
      rows.map(r => ({
        kpi: r.kpi_id,
        start: Number(r.period_start),
        value: r.value === null ? null : Number(r.value),
        reason: r.reason,
        partial: Boolean(r.partial),
        takenAt: Number(r.taken_at),
      })),
    ).toEqual([
      {
        kpi: 'mrr',
        start: MAR,
        value: 1.5,
        reason: null,
        partial: false,
        takenAt: 1000,
      },
      {
        kpi: 'mrr',
        start: APR,
        value: 3,
        reason: null,
        partial: false,
        takenAt: 2000,
      },
      {
        kpi: 'nps',
        start: APR,
        value: null,
        reason: 'no survey responses',
        partial: true,
        takenAt: 1000,
      },
    ]);
  });

  it('keeps facts, a later value replacing the earlier', async () => {
    const { store } = await storeOn(id);
    expect(await store.getFact('records')).toBeUndefined();
    await store.setFact('records', 'sample');
    await store.setFact('records', 'real');
    expect(await store.getFact('records')).toBe('real');
  });
});

/** Everything a reader of the store sees of the sample business, in plain data. */
async function observe(store: RecordStore, months: number[]) {
  const quarters = months.filter(m => new Date(m).getUTCMonth() % 3 === 0);
  const windows = months.slice(0, -1).map((from, i) => ({
    from,
    until: months[i + 1],
  }));
  const summaries = async (kind: PeriodKind, starts: number[]) =>
    [...(await store.mrrSummaries(kind, starts)).entries()].sort(
      (a, b) => a[0] - b[0],
    );
  return {
    months: await summaries('month', months),
    quarters: await summaries('quarter', quarters),
    windows: await Promise.all(
      windows.map(async w => ({
        mrr: summarizeMrr(await store.mrrWindow(w)),
        spend: await store.spend(w),
        surveys: await store.surveyCounts(w),
        probes: await store.probeCounts(w),
        mrrAt: await store.mrrAt(w.from + 12 * 3_600_000),
        rows: await store.mrrRows('month', w.from, 5),
      })),
    ),
    latest: await store.latestRecordAt(),
  };
}

it('gives identical answers on every database, and the pure formulas’ answers', async () => {
  const now = new Date('2026-04-10T12:00:00Z');
  const sample = generateSampleBusiness({ until: now });
  const first = addPeriods('month', new Date(APR), -23).getTime();
  const months = Array.from({ length: 24 }, (_, i) =>
    addPeriods('month', new Date(first), i).getTime(),
  );

  // The whole months computed in memory from the same events.
  const steps = customerMrrSteps(sample.billing ?? []);
  const expectedMonths = months
    .slice(0, -1)
    .map((from, i) => [
      from,
      summarizeMrr(customerPeriodMrr(steps, from, months[i + 1])),
    ]);

  const observed = [];
  for (const id of ibiasTestDatabaseIds()) {
    const { store } = await storeOn(id);
    const result = await store.import(sample, 'sample', now);
    expect(result.skipped).toBe(0);
    const seen = await observe(store, months);
    expect(seen.months.slice(0, -1)).toEqual(expectedMonths);
    expect(seen.windows.map(w => w.mrr)).toEqual(
      expectedMonths.map(([, s]) => s),
    );
    // The sample has real movement: a comparison of zeros would prove nothing.
    const last = seen.months[seen.months.length - 2][1];
    expect(last.churnedCustomers).toBeGreaterThan(0);
    expect(last.expansionMicros).toBeGreaterThan(0);
    observed.push({ id, seen });
  }
  for (const other of observed.slice(1)) {
    expect(other.seen).toEqual(observed[0].seen);
  }
});
