import {
  BillingEvent,
  BillingEventType,
  classifyMovement,
  CustomerPeriodMrr,
  customerMrrSteps,
  customerPeriodMrr,
  EMPTY_MRR_SUMMARY,
  monthlyMicros,
  MrrMovement,
  mrrAt,
  MrrSummary,
  paidBefore,
  summarizeMrr,
} from './mrr';

/** Whole dollars as micro-dollars. */
const usd = (dollars: number) => dollars * 1_000_000;
const ms = (iso: string) => Date.parse(iso);

function event(
  id: string,
  customerId: string,
  subscriptionId: string,
  type: BillingEventType,
  occurredAt: string,
  dollars: number,
): BillingEvent {
  return {
    id,
    customerId,
    subscriptionId,
    type,
    occurredAt,
    mrrMicros: usd(dollars),
  };
}

const byCustomer = (a: CustomerPeriodMrr, b: CustomerPeriodMrr) =>
  a.customerId.localeCompare(b.customerId);

describe('classifyMovement', () => {
  it.each<[number, number, boolean, MrrMovement | undefined]>([
    [0, 100, false, 'new'],
    [0, 100, true, 'reactivation'],
    [100, 150, false, 'expansion'],
    [100, 150, true, 'expansion'],
    [150, 100, true, 'contraction'],
    [100, 0, true, 'churn'],
    [100, 100, true, undefined],
    [0, 0, true, undefined],
    [0, 0, false, undefined],
  ])('%d → %d (paid before: %s) is %s', (start, end, paid, expected) => {
    expect(classifyMovement(start, end, paid)).toBe(expected);
  });
});

describe('customerMrrSteps, mrrAt and paidBefore', () => {
  it('sums a customer’s subscriptions and merges events at the same instant', () => {
    const [steps] = customerMrrSteps([
      event('1', 'c', 's1', 'subscription_started', '2024-01-01T00:00:00Z', 50),
      event('2', 'c', 's2', 'subscription_started', '2024-01-01T00:00:00Z', 30),
      event(
        '3',
        'c',
        's1',
        'subscription_cancelled',
        '2024-02-01T00:00:00Z',
        0,
      ),
    ]);
    expect(steps).toEqual({
      customerId: 'c',
      steps: [
        // 50 + 30 = 80, one step for the one instant
        { at: ms('2024-01-01T00:00:00Z'), mrrMicros: usd(80) },
        // 80 − 50 = 30: s2 still pays
        { at: ms('2024-02-01T00:00:00Z'), mrrMicros: usd(30) },
      ],
    });
  });

  it('applies events of one subscription at the same instant in id order, whatever the input order', () => {
    const events = [
      event('b', 'c', 's1', 'subscription_changed', '2024-02-10T00:00:00Z', 40),
      event('a', 'c', 's1', 'subscription_changed', '2024-02-10T00:00:00Z', 70),
      event('0', 'c', 's1', 'subscription_started', '2024-01-10T00:00:00Z', 50),
    ];
    const expected = [
      { at: ms('2024-01-10T00:00:00Z'), mrrMicros: usd(50) },
      // 'a' (70) then 'b' (40): 40 is the value after the instant
      { at: ms('2024-02-10T00:00:00Z'), mrrMicros: usd(40) },
    ];
    expect(customerMrrSteps(events)[0].steps).toEqual(expected);
    expect(customerMrrSteps([...events].reverse())[0].steps).toEqual(expected);
  });

  it('counts the same event imported twice once', () => {
    const started = event(
      '1',
      'c',
      's1',
      'subscription_started',
      '2024-01-10T00:00:00Z',
      50,
    );
    // 0 + (50 − 0) = 50, then + (50 − 50) = 50
    expect(customerMrrSteps([started, { ...started }])[0].steps).toEqual([
      { at: ms('2024-01-10T00:00:00Z'), mrrMicros: usd(50) },
    ]);
  });

  const steps = [
    { at: 10, mrrMicros: 100 },
    { at: 20, mrrMicros: 0 },
    { at: 30, mrrMicros: 60 },
  ];
  it.each([
    [9, 0],
    [10, 100], // an event at exactly `at` counts
    [19, 100],
    [20, 0],
    [29, 0],
    [30, 60],
    [1000, 60],
  ])('mrrAt(%d) = %d', (instant, expected) => {
    expect(mrrAt(steps, instant)).toBe(expected);
  });
  it.each([
    [10, false], // strictly before: the payment at 10 is not before 10
    [11, true],
    [25, true], // paid before, even though at 0 now
  ])('paidBefore(%d) = %s', (instant, expected) => {
    expect(paidBefore(steps, instant)).toBe(expected);
  });
  it('a free trial is not having paid', () => {
    expect(paidBefore([{ at: 10, mrrMicros: 0 }], 20)).toBe(false);
  });
});

/**
 * One customer's movement in February 2024, [1 Feb, 1 Mar), for each way MRR can move.
 * Customer "c"; amounts in dollars.
 */
describe('movements in February 2024', () => {
  const FEB = ms('2024-02-01T00:00:00Z');
  const MAR = ms('2024-03-01T00:00:00Z');
  const started = (id: string, sub: string, when: string, dollars: number) =>
    event(id, 'c', sub, 'subscription_started', when, dollars);
  const changed = (id: string, sub: string, when: string, dollars: number) =>
    event(id, 'c', sub, 'subscription_changed', when, dollars);
  const cancelled = (id: string, sub: string, when: string) =>
    event(id, 'c', sub, 'subscription_cancelled', when, 0);

  it.each<
    [
      string,
      BillingEvent[],
      { start: number; end: number; movement?: MrrMovement } | undefined,
    ]
  >([
    [
      'new: the first subscription starts',
      [started('1', 's1', '2024-02-10T00:00:00Z', 50)],
      { start: 0, end: 50, movement: 'new' },
    ],
    [
      'new: an event exactly at the period start belongs to the period',
      [started('1', 's1', '2024-02-01T00:00:00Z', 50)],
      { start: 0, end: 50, movement: 'new' },
    ],
    [
      'nothing: an event exactly at the period end belongs to the next period',
      [started('1', 's1', '2024-03-01T00:00:00Z', 50)],
      undefined,
    ],
    [
      'new, not reactivation: a $0 trial converts',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 0),
        changed('2', 's1', '2024-02-05T00:00:00Z', 50),
      ],
      { start: 0, end: 50, movement: 'new' },
    ],
    [
      'expansion: an upgrade, 50 → 80',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 50),
        changed('2', 's1', '2024-02-05T00:00:00Z', 80),
      ],
      { start: 50, end: 80, movement: 'expansion' },
    ],
    [
      'expansion: a second subscription, 50 + 30',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 50),
        started('2', 's2', '2024-02-03T00:00:00Z', 30),
      ],
      { start: 50, end: 80, movement: 'expansion' },
    ],
    [
      'contraction: a downgrade, 80 → 50',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 80),
        changed('2', 's1', '2024-02-05T00:00:00Z', 50),
      ],
      { start: 80, end: 50, movement: 'contraction' },
    ],
    [
      'contraction, not churn: one of two subscriptions is cancelled, 50 + 30 → 50',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 50),
        started('2', 's2', '2024-01-05T00:00:00Z', 30),
        cancelled('3', 's2', '2024-02-14T00:00:00Z'),
      ],
      { start: 80, end: 50, movement: 'contraction' },
    ],
    [
      'churn: the only subscription is cancelled',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 50),
        cancelled('2', 's1', '2024-02-14T00:00:00Z'),
      ],
      { start: 50, end: 0, movement: 'churn' },
    ],
    [
      'churn: both subscriptions are cancelled, on different days',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 50),
        started('2', 's2', '2024-01-05T00:00:00Z', 30),
        cancelled('3', 's2', '2024-02-14T00:00:00Z'),
        cancelled('4', 's1', '2024-02-20T00:00:00Z'),
      ],
      { start: 80, end: 0, movement: 'churn' },
    ],
    [
      'churn: a cancellation exactly at the period start belongs to the period',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 50),
        cancelled('2', 's1', '2024-02-01T00:00:00Z'),
      ],
      { start: 50, end: 0, movement: 'churn' },
    ],
    [
      'no movement: a cancellation exactly at the period end is the next period’s churn',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 50),
        cancelled('2', 's1', '2024-03-01T00:00:00Z'),
      ],
      { start: 50, end: 50 },
    ],
    [
      'reactivation: paid in November, left in December, back in February',
      [
        started('1', 's1', '2023-11-01T00:00:00Z', 50),
        cancelled('2', 's1', '2023-12-01T00:00:00Z'),
        started('3', 's2', '2024-02-10T00:00:00Z', 60),
      ],
      { start: 0, end: 60, movement: 'reactivation' },
    ],
    [
      'expansion, not churn + new: a plan switch cancels and starts at the same instant, 50 → 70',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 50),
        started('3', 's2', '2024-02-10T12:00:00Z', 70),
        cancelled('2', 's1', '2024-02-10T12:00:00Z'),
      ],
      { start: 50, end: 70, movement: 'expansion' },
    ],
    [
      'contraction: two changes of one subscription at one instant apply in id order, 50 → (70 then) 40',
      [
        started('0', 's1', '2024-01-05T00:00:00Z', 50),
        changed('x2', 's1', '2024-02-10T00:00:00Z', 40),
        changed('x1', 's1', '2024-02-10T00:00:00Z', 70),
      ],
      { start: 50, end: 40, movement: 'contraction' },
    ],
    [
      'no movement: churned and came back within the period, 50 → 50',
      [
        started('1', 's1', '2024-01-05T00:00:00Z', 50),
        cancelled('2', 's1', '2024-02-05T00:00:00Z'),
        started('3', 's2', '2024-02-20T00:00:00Z', 50),
      ],
      { start: 50, end: 50 },
    ],
    [
      'left out: started and cancelled within the period, 0 → 0',
      [
        started('1', 's1', '2024-02-05T00:00:00Z', 50),
        cancelled('2', 's1', '2024-02-20T00:00:00Z'),
      ],
      undefined,
    ],
    [
      'left out: churned long before, 0 → 0',
      [
        started('1', 's1', '2023-06-01T00:00:00Z', 50),
        cancelled('2', 's1', '2023-07-01T00:00:00Z'),
      ],
      undefined,
    ],
  ])('%s', (_name, events, expected) => {
    const rows = customerPeriodMrr(customerMrrSteps(events), FEB, MAR);
    expect(rows).toEqual(
      expected
        ? [
            {
              customerId: 'c',
              startMicros: usd(expected.start),
              endMicros: usd(expected.end),
              movement: expected.movement,
            },
          ]
        : [],
    );
  });
});

/**
 * A small business of 5 customers over January–March 2024 (dollars per month):
 *
 * | customer | Dec 2023             | Jan              | Feb                         | Mar                  |
 * |----------|----------------------|------------------|-----------------------------|----------------------|
 * | acme     | 100 from 1 Dec       | 100              | 150 from 10 Feb (expansion) | 150                  |
 * | globex   | 200 + 50, two subs   | 250              | 250                         | 200: cancels the 50 on 5 Mar (contraction) |
 * | initech  | –                    | 80 from 20 Jan (new) | cancels at 1 Feb 00:00 (churn in Feb) | –     |
 * | umbrella | 120 from 1 Dec, cancelled 20 Dec | –    | –                           | 90 from 1 Mar 00:00 (reactivation) |
 * | hooli    | –                    | 300 from 1 Jan 00:00, 250 from 15 Jan (new) | switches to a 400 plan at one instant on 20 Feb (expansion) | 400 |
 */
const BUSINESS: BillingEvent[] = [
  event(
    'a-1',
    'acme',
    'acme-1',
    'subscription_started',
    '2023-12-01T00:00:00Z',
    100,
  ),
  event(
    'a-2',
    'acme',
    'acme-1',
    'subscription_changed',
    '2024-02-10T09:00:00Z',
    150,
  ),
  event(
    'b-1',
    'globex',
    'globex-1',
    'subscription_started',
    '2023-12-15T00:00:00Z',
    200,
  ),
  event(
    'b-2',
    'globex',
    'globex-2',
    'subscription_started',
    '2023-12-15T00:00:00Z',
    50,
  ),
  event(
    'b-3',
    'globex',
    'globex-2',
    'subscription_cancelled',
    '2024-03-05T10:00:00Z',
    0,
  ),
  event(
    'c-1',
    'initech',
    'initech-1',
    'subscription_started',
    '2024-01-20T00:00:00Z',
    80,
  ),
  event(
    'c-2',
    'initech',
    'initech-1',
    'subscription_cancelled',
    '2024-02-01T00:00:00Z',
    0,
  ),
  event(
    'd-1',
    'umbrella',
    'umbrella-1',
    'subscription_started',
    '2023-12-01T00:00:00Z',
    120,
  ),
  event(
    'd-2',
    'umbrella',
    'umbrella-1',
    'subscription_cancelled',
    '2023-12-20T00:00:00Z',
    0,
  ),
  event(
    'd-3',
    'umbrella',
    'umbrella-2',
    'subscription_started',
    '2024-03-01T00:00:00Z',
    90,
  ),
  event(
    'e-1',
    'hooli',
    'hooli-1',
    'subscription_started',
    '2024-01-01T00:00:00Z',
    300,
  ),
  event(
    'e-2',
    'hooli',
    'hooli-1',
    'subscription_changed',
    '2024-01-15T00:00:00Z',
    250,
  ),
  event(
    'e-3',
    'hooli',
    'hooli-1',
    'subscription_cancelled',
    '2024-02-20T12:00:00Z',
    0,
  ),
  event(
    'e-4',
    'hooli',
    'hooli-2',
    'subscription_started',
    '2024-02-20T12:00:00Z',
    400,
  ),
];

const row = (
  customerId: string,
  start: number,
  end: number,
  movement?: MrrMovement,
): CustomerPeriodMrr => ({
  customerId,
  startMicros: usd(start),
  endMicros: usd(end),
  movement,
});

describe.each<[string, string, string, CustomerPeriodMrr[], MrrSummary]>([
  [
    'January 2024',
    '2024-01-01T00:00:00Z',
    '2024-02-01T00:00:00Z',
    [
      row('acme', 100, 100),
      row('globex', 250, 250),
      // hooli's 300 → 250 inside January is part of its new MRR: 0 → 250
      row('hooli', 0, 250, 'new'),
      // initech's cancellation at 1 Feb 00:00 is February's
      row('initech', 0, 80, 'new'),
    ],
    {
      ...EMPTY_MRR_SUMMARY,
      startMrrMicros: usd(350), // acme 100 + globex 250 (hooli starts at 1 Jan 00:00, in January)
      endMrrMicros: usd(680), // 100 + 250 + 250 + 80
      newMicros: usd(330), // hooli 250 + initech 80
      customersAtStart: 2,
      customersAtEnd: 4,
      newCustomers: 2,
    },
  ],
  [
    'February 2024',
    '2024-02-01T00:00:00Z',
    '2024-03-01T00:00:00Z',
    [
      row('acme', 100, 150, 'expansion'),
      row('globex', 250, 250),
      // the cancel of 250 and the start of 400 at one instant: +150, not churn + new
      row('hooli', 250, 400, 'expansion'),
      row('initech', 80, 0, 'churn'),
      // umbrella's return at 1 Mar 00:00 is March's
    ],
    {
      ...EMPTY_MRR_SUMMARY,
      startMrrMicros: usd(680),
      endMrrMicros: usd(800), // 150 + 250 + 400
      expansionMicros: usd(200), // acme +50, hooli +150
      churnMicros: usd(80), // initech
      customersAtStart: 4,
      customersAtEnd: 3,
      churnedCustomers: 1,
    },
  ],
  [
    'March 2024',
    '2024-03-01T00:00:00Z',
    '2024-04-01T00:00:00Z',
    [
      row('acme', 150, 150),
      // cancelling one of two subscriptions is contraction: 250 → 200
      row('globex', 250, 200, 'contraction'),
      row('hooli', 400, 400),
      // paid 120 in December 2023
      row('umbrella', 0, 90, 'reactivation'),
    ],
    {
      ...EMPTY_MRR_SUMMARY,
      startMrrMicros: usd(800),
      endMrrMicros: usd(840), // 150 + 200 + 400 + 90
      contractionMicros: usd(50),
      reactivationMicros: usd(90),
      customersAtStart: 3,
      customersAtEnd: 4,
      reactivatedCustomers: 1,
    },
  ],
  [
    'Q1 2024 as one period',
    '2024-01-01T00:00:00Z',
    '2024-04-01T00:00:00Z',
    [
      row('acme', 100, 150, 'expansion'),
      row('globex', 250, 200, 'contraction'),
      row('hooli', 0, 400, 'new'),
      // initech came and went inside the quarter: 0 → 0, left out
      row('umbrella', 0, 90, 'reactivation'),
    ],
    {
      ...EMPTY_MRR_SUMMARY,
      startMrrMicros: usd(350),
      endMrrMicros: usd(840),
      newMicros: usd(400),
      expansionMicros: usd(50),
      contractionMicros: usd(50),
      reactivationMicros: usd(90),
      customersAtStart: 2,
      customersAtEnd: 4,
      newCustomers: 1,
      reactivatedCustomers: 1,
    },
  ],
])('the business in %s', (_name, start, end, expectedRows, expectedSummary) => {
  const rows = customerPeriodMrr(
    customerMrrSteps(BUSINESS),
    ms(start),
    ms(end),
  );

  it('classifies each customer', () => {
    expect([...rows].sort(byCustomer)).toEqual(expectedRows);
  });

  it('does not depend on the order events arrive in', () => {
    const reversed = customerPeriodMrr(
      customerMrrSteps([...BUSINESS].reverse()),
      ms(start),
      ms(end),
    );
    expect([...reversed].sort(byCustomer)).toEqual(expectedRows);
  });

  it('sums to the hand-computed summary', () => {
    expect(summarizeMrr(rows)).toEqual(expectedSummary);
  });

  it('keeps endMrr = startMrr + new + expansion + reactivation − contraction − churn', () => {
    const s = summarizeMrr(rows);
    expect(s.endMrrMicros).toBe(
      s.startMrrMicros +
        s.newMicros +
        s.expansionMicros +
        s.reactivationMicros -
        s.contractionMicros -
        s.churnMicros,
    );
  });
});

describe('customerPeriodMrr for a partial period', () => {
  it('measures up to `until`, exclusive: an event at `until` is not counted', () => {
    // February to date as of 20 Feb 12:00, the instant hooli switches plans
    const rows = customerPeriodMrr(
      customerMrrSteps(BUSINESS),
      ms('2024-02-01T00:00:00Z'),
      ms('2024-02-20T12:00:00Z'),
    );
    expect([...rows].sort(byCustomer)).toEqual([
      row('acme', 100, 150, 'expansion'),
      row('globex', 250, 250),
      row('hooli', 250, 250),
      row('initech', 80, 0, 'churn'),
    ]);
  });
});

describe('summarizeMrr', () => {
  it('of nothing is the empty summary', () => {
    expect(summarizeMrr([])).toEqual(EMPTY_MRR_SUMMARY);
  });
});

describe('monthlyMicros', () => {
  it.each<[number, 'day' | 'week' | 'month' | 'year', number, number]>([
    [usd(99), 'month', 1, usd(99)],
    [usd(300), 'month', 3, usd(100)], // 300 ÷ 3
    [usd(1200), 'year', 1, usd(100)], // 1200 ÷ 12
    [usd(2400), 'year', 2, usd(100)], // 2400 ÷ 12 ÷ 2
    [usd(100), 'year', 1, 8_333_333], // 100 ÷ 12 = 8.3333333 → rounded to the micro
    [usd(10), 'week', 1, 43_333_333], // 10 × 52 ÷ 12 = 43.333333
    [usd(25), 'week', 2, 54_166_667], // 25 × 52 ÷ 12 ÷ 2 = 54.1666667 → up
    [usd(1), 'day', 1, 30_416_667], // 1 × 365 ÷ 12 = 30.4166667 → up
    [0, 'year', 1, 0],
  ])('%d every %s × %d → %d a month', (amount, interval, count, expected) => {
    expect(monthlyMicros(amount, interval, count)).toBe(expected);
  });

  it('defaults to an interval count of 1', () => {
    expect(monthlyMicros(usd(1200), 'year')).toBe(usd(100));
  });
});
