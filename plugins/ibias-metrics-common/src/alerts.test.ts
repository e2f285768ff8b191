import {
  ALERT_STATUSES,
  AlertAction,
  AlertObservation,
  AlertRule,
  alertRuleSchema,
  AlertState,
  AlertStatus,
  AlertTiming,
  breaches,
  dedupKey,
  evaluateAlert,
  isOpen,
  manualTransition,
  MANUAL_TRANSITIONS,
  SEED_ALERT_RULES,
} from './alerts';
import { parseDuration } from './definitions';

/** The controlled clock: minutes after T0. */
const T0 = Date.parse('2024-03-01T12:00:00.000Z');
const MINUTE = 60_000;
const t = (minutes: number) => T0 + minutes * MINUTE;

type EvaluatedRule = Pick<AlertRule, 'comparator' | 'threshold'> & AlertTiming;

/** The seed's "High Error Rate": > 5 % for 2 minutes over ≥ 20 requests. */
const ERROR_RATE: EvaluatedRule = {
  comparator: '>',
  threshold: 0.05,
  for: '2m',
  minSamples: 20,
  keepFiringFor: '5m',
  cooldown: '15m',
};
/** The seed's "Database Connection Issues": fires at the first breach. */
const DB_ERRORS: EvaluatedRule = {
  comparator: '>',
  threshold: 10,
  for: '0s',
  minSamples: 0,
  keepFiringFor: '5m',
  cooldown: '15m',
};

const BREACH: AlertObservation = { value: 0.08, samples: 100 };
const CLEAR: AlertObservation = { value: 0.01, samples: 100 };
const FEW_BREACH: AlertObservation = { value: 0.5, samples: 19 };
const FEW_CLEAR: AlertObservation = { value: 0.01, samples: 19 };

/** An alert that has been firing since T0 − 8 m and last breached at T0 − 1 m. */
const openAlert = (fields: Partial<AlertState>): AlertState => ({
  status: 'firing',
  pendingSince: t(-10),
  firedAt: t(-8),
  lastBreachAt: t(-1),
  lastValue: 0.08,
  ...fields,
});

describe('evaluateAlert, one step', () => {
  it('a breach with no alert opens a pending one', () => {
    expect(evaluateAlert(ERROR_RATE, undefined, BREACH, T0)).toEqual({
      next: {
        status: 'pending',
        pendingSince: T0,
        lastBreachAt: T0,
        lastValue: 0.08,
      },
      actions: [],
      changed: true,
    });
  });

  it('a pending alert that has held for `for` fires, keeping when it started', () => {
    const pending: AlertState = {
      status: 'pending',
      pendingSince: T0,
      lastBreachAt: t(1),
      lastValue: 0.07,
    };
    expect(evaluateAlert(ERROR_RATE, pending, BREACH, t(2))).toEqual({
      next: {
        status: 'firing',
        pendingSince: T0,
        firedAt: t(2),
        lastBreachAt: t(2),
        lastValue: 0.08,
      },
      actions: ['trigger'],
      changed: true,
    });
  });

  it('a breach while firing records it without notifying again', () => {
    const firing = openAlert({});
    expect(
      evaluateAlert(ERROR_RATE, firing, { value: 0.2, samples: 50 }, T0),
    ).toEqual({
      next: { ...firing, lastBreachAt: T0, lastValue: 0.2 },
      actions: [],
      changed: true,
    });
  });

  it.each<[string, AlertObservation | undefined]>([
    ['too few samples', FEW_BREACH],
    ['no observation', undefined],
  ])('%s: nothing opens', (_name, observation) => {
    expect(evaluateAlert(ERROR_RATE, undefined, observation, T0)).toEqual({
      next: undefined,
      actions: [],
      changed: false,
    });
  });

  it.each<[string, AlertObservation | undefined]>([
    ['too few samples', FEW_CLEAR],
    ['no observation', undefined],
  ])(
    '%s: a firing alert long past keepFiringFor stays as it is',
    (_name, observation) => {
      const firing = openAlert({});
      const step = evaluateAlert(ERROR_RATE, firing, observation, t(60));
      expect(step.next).toBe(firing);
      expect(step.actions).toEqual([]);
      expect(step.changed).toBe(false);
    },
  );

  it('exactly minSamples samples count', () => {
    expect(
      evaluateAlert(ERROR_RATE, undefined, { value: 0.5, samples: 20 }, T0).next
        ?.status,
    ).toBe('pending');
  });

  it('a pending alert that clears resolves quietly', () => {
    const pending: AlertState = {
      status: 'pending',
      pendingSince: T0,
      lastBreachAt: T0,
      lastValue: 0.08,
    };
    expect(evaluateAlert(ERROR_RATE, pending, CLEAR, t(1))).toEqual({
      next: { ...pending, status: 'resolved', resolvedAt: t(1) },
      actions: [],
      changed: true,
    });
  });

  it('a firing alert that has just cleared keeps firing, unchanged', () => {
    const firing = openAlert({});
    // last breach at −1 m; 3 m < keepFiringFor 5 m
    const step = evaluateAlert(ERROR_RATE, firing, CLEAR, t(2));
    expect(step).toEqual({ next: firing, actions: [], changed: false });
  });

  it('a silenced alert resolves with its silence cleared', () => {
    const silenced = openAlert({ status: 'silenced', silencedUntil: t(60) });
    // last breach at −1 m; 5 m = keepFiringFor
    const step = evaluateAlert(ERROR_RATE, silenced, CLEAR, t(4));
    expect(step.actions).toEqual(['resolve']);
    expect(step.next).toEqual({
      ...silenced,
      status: 'resolved',
      resolvedAt: t(4),
      silencedUntil: undefined,
    });
    expect(step.next?.silencedUntil).toBeUndefined();
  });

  it('an expired silence fires again with the silence cleared', () => {
    const silenced = openAlert({ status: 'silenced', silencedUntil: T0 });
    const step = evaluateAlert(ERROR_RATE, silenced, BREACH, T0);
    expect(step.actions).toEqual(['trigger']);
    expect(step.next?.status).toBe('firing');
    expect(step.next?.silencedUntil).toBeUndefined();
  });

  it('throws for a resolved alert', () => {
    const resolved = openAlert({ status: 'resolved', resolvedAt: t(-1) });
    expect(() => evaluateAlert(ERROR_RATE, resolved, BREACH, T0)).toThrow(
      /not a resolved one/,
    );
    expect(() => evaluateAlert(ERROR_RATE, resolved, undefined, T0)).toThrow(
      /not a resolved one/,
    );
  });
});

/** One evaluation: minutes after T0, the observation, and the alert's status and actions after it. */
type Tick = [
  minutes: number,
  observation: AlertObservation | undefined,
  status: AlertStatus | undefined,
  actions: AlertAction[],
];

describe('evaluateAlert, under a controlled clock', () => {
  it.each<
    [
      string,
      EvaluatedRule,
      { alert?: AlertState; lastResolvedAt?: number },
      Tick[],
    ]
  >([
    [
      'a breach opens pending and fires once it has held for `for` (2 m)',
      ERROR_RATE,
      {},
      [
        [0, BREACH, 'pending', []],
        [1, BREACH, 'pending', []], // held 1 m
        [2, BREACH, 'firing', ['trigger']], // held 2 m
        [3, BREACH, 'firing', []], // no second trigger
      ],
    ],
    [
      'observations with too few samples change nothing',
      ERROR_RATE,
      {},
      [
        [0, FEW_BREACH, undefined, []],
        [1, BREACH, 'pending', []],
        [2, FEW_BREACH, 'pending', []], // held 1 m, but does not count
        [3, FEW_CLEAR, 'pending', []], // a clear with 19 samples does not resolve
        [4, BREACH, 'firing', ['trigger']], // pending since 1 m: held 3 m ≥ 2 m
        [20, FEW_CLEAR, 'firing', []], // nor does it resolve a firing alert
      ],
    ],
    [
      'an absent observation neither fires nor resolves',
      ERROR_RATE,
      {},
      [
        [0, BREACH, 'pending', []],
        [5, undefined, 'pending', []],
        [6, BREACH, 'firing', ['trigger']], // pending since 0: held 6 m
        [30, undefined, 'firing', []], // 24 m after the last breach, still firing
        [31, CLEAR, 'resolved', ['resolve']], // 25 m ≥ keepFiringFor
      ],
    ],
    [
      'a pending alert that clears resolves quietly, and the next breach starts over',
      ERROR_RATE,
      {},
      [
        [0, BREACH, 'pending', []],
        [1, CLEAR, 'resolved', []], // never fired: no resolve to send
        [2, CLEAR, undefined, []], // nothing open, nothing opens
        [3, BREACH, 'pending', []], // a new alert, pending since 3 m
      ],
    ],
    [
      'a firing alert that clears stays firing for keepFiringFor (5 m) after the last breach',
      ERROR_RATE,
      {},
      [
        [0, BREACH, 'pending', []],
        [2, BREACH, 'firing', ['trigger']],
        [3, CLEAR, 'firing', []], // 1 m since the last breach
        [6, CLEAR, 'firing', []], // 4 m
        [7, CLEAR, 'resolved', ['resolve']], // 5 m
      ],
    ],
    [
      'a breach while keeping firing restarts keepFiringFor',
      ERROR_RATE,
      {},
      [
        [0, BREACH, 'pending', []],
        [2, BREACH, 'firing', ['trigger']],
        [4, CLEAR, 'firing', []],
        [5, BREACH, 'firing', []], // last breach now 5 m
        [9, CLEAR, 'firing', []], // 4 m since 5 m
        [10, CLEAR, 'resolved', ['resolve']], // 5 m since 5 m
      ],
    ],
    [
      'cooldown (15 m) delays firing after a recent resolve',
      ERROR_RATE,
      { lastResolvedAt: t(-10) },
      [
        [0, BREACH, 'pending', []],
        [2, BREACH, 'pending', []], // held 2 m, but only 12 m since the resolve
        [4, BREACH, 'pending', []], // 14 m
        [5, BREACH, 'firing', ['trigger']], // 15 m
      ],
    ],
    [
      'fire, resolve, breach again: cooldown holds the second alert back',
      ERROR_RATE,
      {},
      [
        [0, BREACH, 'pending', []],
        [2, BREACH, 'firing', ['trigger']],
        [7, CLEAR, 'resolved', ['resolve']], // 5 m after the breach at 2 m
        [8, BREACH, 'pending', []],
        [10, BREACH, 'pending', []], // held 2 m, 3 m since the resolve at 7 m
        [21, BREACH, 'pending', []], // 14 m
        [22, BREACH, 'firing', ['trigger']], // 15 m
      ],
    ],
    [
      'a rule with `for` 0s fires at the first breach',
      DB_ERRORS,
      {},
      [
        [0, { value: 10, samples: 1 }, undefined, []], // 10 is not > 10
        [1, { value: 11, samples: 1 }, 'firing', ['trigger']],
      ],
    ],
    [
      'a rule with `for` 0s still waits out cooldown',
      DB_ERRORS,
      { lastResolvedAt: t(-5) },
      [
        [0, { value: 11, samples: 1 }, 'pending', []], // 5 m since the resolve
        [9, { value: 12, samples: 1 }, 'pending', []], // 14 m
        [10, { value: 12, samples: 1 }, 'firing', ['trigger']], // 15 m
      ],
    ],
    [
      'an acknowledged alert stays acknowledged while breaching, then resolves',
      ERROR_RATE,
      { alert: openAlert({ status: 'acknowledged' }) },
      [
        [0, BREACH, 'acknowledged', []],
        [30, BREACH, 'acknowledged', []],
        [34, CLEAR, 'acknowledged', []], // 4 m since the breach at 30 m
        [35, CLEAR, 'resolved', ['resolve']], // 5 m
      ],
    ],
    [
      'a silence with an expiry fires again when it expires and the condition still holds',
      ERROR_RATE,
      { alert: openAlert({ status: 'silenced', silencedUntil: t(30) }) },
      [
        [0, BREACH, 'silenced', []],
        [29, BREACH, 'silenced', []],
        [30, BREACH, 'firing', ['trigger']], // expiry reached
        [31, BREACH, 'firing', []],
      ],
    ],
    [
      'a silence that expires after the condition cleared resolves without firing',
      ERROR_RATE,
      { alert: openAlert({ status: 'silenced', silencedUntil: t(10) }) },
      [
        [0, BREACH, 'silenced', []],
        [3, CLEAR, 'silenced', []], // 3 m since the breach at 0
        [12, CLEAR, 'resolved', ['resolve']], // 12 m ≥ 5 m
      ],
    ],
    [
      'a silence without an expiry holds while breaching',
      ERROR_RATE,
      { alert: openAlert({ status: 'silenced' }) },
      [
        [0, BREACH, 'silenced', []],
        [10_000, BREACH, 'silenced', []],
      ],
    ],
  ])('%s', (_name, rule, start, ticks) => {
    let alert = start.alert;
    let lastResolvedAt = start.lastResolvedAt;
    for (const [minutes, observation, status, actions] of ticks) {
      const step = evaluateAlert(
        rule,
        alert,
        observation,
        t(minutes),
        lastResolvedAt,
      );
      // `minutes` in both sides so a failure names its tick
      expect({
        minutes,
        status: step.next?.status,
        actions: step.actions,
      }).toEqual({ minutes, status, actions });
      if (step.next?.status === 'resolved') {
        lastResolvedAt = step.next.resolvedAt;
        alert = undefined;
      } else {
        alert = step.next;
      }
    }
  });
});

describe('breaches', () => {
  it.each<['>' | '<', number, number, boolean]>([
    ['>', 0.05, 0.0501, true],
    ['>', 0.05, 0.05, false], // at the threshold is not over it
    ['>', 0.05, 0.01, false],
    ['<', 0.95, 0.9, true],
    ['<', 0.95, 0.95, false],
    ['<', 0.95, 0.99, false],
  ])('%s %d: %d → %s', (comparator, threshold, v, expected) => {
    expect(breaches({ comparator, threshold }, v)).toBe(expected);
  });
});

describe('isOpen', () => {
  it.each(ALERT_STATUSES.map(s => [s, s !== 'resolved']))(
    '%s → %s',
    (status, expected) => {
      expect(isOpen(status)).toBe(expected);
    },
  );
});

describe('manualTransition', () => {
  const cases: Array<
    [AlertStatus, keyof typeof MANUAL_TRANSITIONS, AlertStatus | undefined]
  > = [
    ['pending', 'acknowledge', undefined], // nobody was notified yet
    ['pending', 'silence', 'silenced'],
    ['pending', 'resolve', 'resolved'],
    ['firing', 'acknowledge', 'acknowledged'],
    ['firing', 'silence', 'silenced'],
    ['firing', 'resolve', 'resolved'],
    ['acknowledged', 'acknowledge', undefined],
    ['acknowledged', 'silence', 'silenced'],
    ['acknowledged', 'resolve', 'resolved'],
    ['silenced', 'acknowledge', undefined],
    ['silenced', 'silence', undefined],
    ['silenced', 'resolve', 'resolved'],
    ['resolved', 'acknowledge', undefined],
    ['resolved', 'silence', undefined],
    ['resolved', 'resolve', undefined],
  ];
  it.each(cases)('%s --%s--> %s', (from, action, to) => {
    expect(manualTransition(from, action)).toBe(to);
  });

  it('the table covers every status × action', () => {
    const actions = Object.keys(MANUAL_TRANSITIONS);
    expect(cases).toHaveLength(ALERT_STATUSES.length * actions.length);
    for (const status of ALERT_STATUSES) {
      for (const action of actions) {
        expect(
          cases.filter(([s, a]) => s === status && a === action),
        ).toHaveLength(1);
      }
    }
  });
});

describe('SEED_ALERT_RULES', () => {
  it.each(SEED_ALERT_RULES.map(rule => [rule.id, rule]))(
    '%s is a valid rule with parseable durations',
    (_id, rule) => {
      expect(alertRuleSchema.parse(rule)).toEqual(rule);
      for (const d of [rule.for, rule.keepFiringFor, rule.cooldown]) {
        expect(parseDuration(d)).toBeGreaterThanOrEqual(0);
      }
    },
  );

  it('are the seed’s four rules', () => {
    expect(
      SEED_ALERT_RULES.map(r => [
        r.name,
        r.signal,
        r.comparator,
        r.threshold,
        r.severity,
      ]),
    ).toEqual([
      ['High Error Rate', 'error_rate', '>', 0.05, 'critical'],
      // the seed's 2000 ms, in seconds
      ['High Response Time', 'avg_response_time_seconds', '>', 2, 'warning'],
      [
        'Database Connection Issues',
        'db_connection_errors',
        '>',
        10,
        'critical',
      ],
      ['AI Service Degradation', 'ai_success_rate', '<', 0.95, 'warning'],
    ]);
    expect(new Set(SEED_ALERT_RULES.map(r => r.id)).size).toBe(4);
  });

  it('the seed conditions agree with comparator and threshold', () => {
    expect(SEED_ALERT_RULES.map(r => r.condition)).toEqual([
      'error_rate > 0.05',
      'avg_response_time > 2000',
      'db_connection_errors > 10',
      'ai_success_rate < 0.95',
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a duration in words', { for: '2 minutes' }],
    ['an unknown field', { channel: '#alerts' }],
    ['an unknown signal', { signal: 'cpu' }],
    ['a negative minSamples', { minSamples: -1 }],
    ['an unknown severity', { severity: 'page' }],
  ])('alertRuleSchema rejects %s', (_name, change) => {
    expect(
      alertRuleSchema.safeParse({ ...SEED_ALERT_RULES[0], ...change }).success,
    ).toBe(false);
  });

  it('alertRuleSchema accepts a KPI signal', () => {
    expect(
      alertRuleSchema.safeParse({ ...SEED_ALERT_RULES[0], signal: 'kpi:nps' })
        .success,
    ).toBe(true);
  });
});

describe('dedupKey', () => {
  it('is one key per rule, subject and alert', () => {
    expect(dedupKey('high_error_rate', 'component:default/api', '42')).toBe(
      'ibias/high_error_rate/component:default/api/42',
    );
  });
});
