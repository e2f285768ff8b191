import {
  aiAlertTransition,
  deployWindows,
  formatAlertValue,
  isAlertActive,
  nextAlertStep,
  ruleWindowHours,
  snoozeEnd,
  spikeHours,
  type AiAlertState,
  type AlertJudgement,
  type AlertStep,
} from './alerts';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-10T10:20:00Z');
const iso = (t: number) => new Date(t).toISOString();

describe('what people may do to an alert', () => {
  it.each<[AiAlertState, 'acknowledge' | 'snooze', AiAlertState | undefined]>([
    ['firing', 'acknowledge', 'acknowledged'],
    ['acknowledged', 'acknowledge', undefined],
    ['snoozed', 'acknowledge', 'acknowledged'],
    ['resolved', 'acknowledge', undefined],
    ['firing', 'snooze', 'snoozed'],
    ['acknowledged', 'snooze', 'snoozed'],
    ['snoozed', 'snooze', 'snoozed'],
    ['resolved', 'snooze', undefined],
  ])('%s, %s → %s', (from, action, to) => {
    expect(aiAlertTransition(from, action)).toBe(to);
  });
});

describe('when a snooze ends', () => {
  it.each<[string, { until?: string; minutes?: number }, number | string]>([
    ['an hour', { minutes: 60 }, NOW + HOUR],
    ['until tomorrow', { until: iso(NOW + 24 * HOUR) }, NOW + 24 * HOUR],
    ['a week exactly', { minutes: 7 * 24 * 60 }, NOW + 7 * 24 * HOUR],
    ['neither', {}, 'request/body must have either until or minutes'],
    [
      'both',
      { minutes: 60, until: iso(NOW + HOUR) },
      'request/body must have either until or minutes',
    ],
    [
      'too short',
      { minutes: 4 },
      'request/body/minutes must be at least 5 minutes from now',
    ],
    [
      'in the past',
      { until: iso(NOW - HOUR) },
      'request/body/until must be at least 5 minutes from now',
    ],
    [
      'over a week',
      { until: iso(NOW + 8 * 24 * HOUR) },
      'request/body/until must be at most 7 days from now: a longer snooze hides the alert for good',
    ],
    [
      'not a date',
      { until: 'soon' },
      'request/body/until must be an ISO 8601 date-time',
    ],
  ])('%s', (_name, request, expected) => {
    expect(snoozeEnd(request, NOW)).toEqual(
      typeof expected === 'number'
        ? { until: expected }
        : { problem: expected },
    );
  });
});

describe('what an evaluation does', () => {
  const COOLDOWN = HOUR;
  it.each<
    [
      string,
      { state: AiAlertState; snoozedUntil?: number } | undefined,
      AlertJudgement,
      number | undefined,
      AlertStep,
    ]
  >([
    [
      'nothing open, breached: fire',
      undefined,
      'breached',
      undefined,
      { step: 'fire' },
    ],
    ['nothing open, clear', undefined, 'clear', undefined, { step: 'none' }],
    [
      'nothing open, unknown',
      undefined,
      'unknown',
      undefined,
      { step: 'none' },
    ],
    [
      'breached inside the cooldown of the last firing',
      undefined,
      'breached',
      NOW - 30 * 60_000,
      { step: 'suppressed', until: NOW + 30 * 60_000 },
    ],
    [
      'breached when the cooldown is over',
      undefined,
      'breached',
      NOW - COOLDOWN,
      { step: 'fire' },
    ],
    [
      'a resolved alert counts as none open',
      { state: 'resolved' },
      'breached',
      undefined,
      { step: 'fire' },
    ],
    [
      'firing, still breached',
      { state: 'firing' },
      'breached',
      NOW,
      { step: 'refresh' },
    ],
    ['firing, cleared', { state: 'firing' }, 'clear', NOW, { step: 'resolve' }],
    [
      'firing, too few calls',
      { state: 'firing' },
      'unknown',
      NOW,
      { step: 'none' },
    ],
    [
      'acknowledged, still breached',
      { state: 'acknowledged' },
      'breached',
      NOW,
      { step: 'refresh' },
    ],
    [
      'acknowledged, cleared',
      { state: 'acknowledged' },
      'clear',
      NOW,
      { step: 'resolve' },
    ],
    [
      'snoozed, breached, snooze not over',
      { state: 'snoozed', snoozedUntil: NOW + 1 },
      'breached',
      NOW,
      { step: 'refresh' },
    ],
    [
      'snoozed, breached, snooze over',
      { state: 'snoozed', snoozedUntil: NOW },
      'breached',
      NOW,
      { step: 'refire' },
    ],
    [
      'snoozed, cleared while snoozed',
      { state: 'snoozed', snoozedUntil: NOW + HOUR },
      'clear',
      NOW,
      { step: 'resolve' },
    ],
  ])('%s', (_name, open, judgement, lastFiredAt, step) => {
    expect(
      nextAlertStep({
        open,
        judgement,
        now: NOW,
        lastFiredAt,
        cooldownMs: COOLDOWN,
      }),
    ).toEqual(step);
  });

  it.each<[AiAlertState, number | undefined, boolean]>([
    ['firing', undefined, true],
    ['acknowledged', undefined, true],
    ['snoozed', NOW + 1, false],
    ['snoozed', NOW, true],
    ['resolved', undefined, false],
  ])('a %s alert (until %s) is active: %s', (state, snoozedUntil, active) => {
    expect(isAlertActive({ state, snoozedUntil }, NOW)).toBe(active);
  });
});

describe('windows on hourly rollups', () => {
  const clock = (hhmm: string, day = '10') =>
    Date.parse(`2026-12-${day}T${hhmm}:00Z`);
  it.each<[string, number, number, string, string]>([
    // 15 minutes just after the hour: the hour before too (the current one holds 5 min).
    ['15 min just after the hour', clock('10:05'), 15, '09:00', '11:00'],
    ['15 min at the hour', clock('10:00'), 15, '09:00', '11:00'],
    ['15 min a quarter past', clock('10:15'), 15, '10:00', '11:00'],
    ['15 min late in the hour', clock('10:50'), 15, '10:00', '11:00'],
    ['an hour at 10:20', NOW, 60, '09:00', '11:00'],
    ['an hour on the hour', clock('10:00'), 60, '09:00', '11:00'],
    ['61 min', NOW, 61, '09:00', '11:00'],
    ['2 h at 10:30', clock('10:30'), 120, '08:00', '11:00'],
    ['90 min at 10:05', clock('10:05'), 90, '08:00', '11:00'],
  ])('%s reads [%s, %s)', (_l, now, minutes, from, to) => {
    const w = ruleWindowHours(now, minutes);
    expect([iso(w.from), iso(w.to)]).toEqual([
      iso(clock(from)),
      iso(clock(to)),
    ]);
  });

  it('a day at 10:20 reads from 10:00 the day before', () => {
    const w = ruleWindowHours(NOW, 24 * 60);
    expect([iso(w.from), iso(w.to)]).toEqual([
      '2026-12-09T10:00:00.000Z',
      '2026-12-10T11:00:00.000Z',
    ]);
  });

  it.each([1, 14, 15, 59, 60, 61, 360, 24 * 60])(
    'a %s-minute window always covers the whole window, and at most an hour more',
    minutes => {
      for (let m = 0; m < 120; m += 1) {
        const now = clock('10:00') + m * 60_000;
        const w = ruleWindowHours(now, minutes);
        expect(w.from).toBeLessThanOrEqual(now - minutes * 60_000);
        expect(now - minutes * 60_000 - w.from).toBeLessThan(HOUR);
        expect(w.to).toBeGreaterThan(now);
        expect(w.from % HOUR).toBe(0);
      }
    },
  );

  it('judges a spike on the last complete hour against the same hour of 7 days', () => {
    const { hour, previous } = spikeHours(NOW);
    expect(iso(hour)).toBe('2026-12-10T09:00:00.000Z');
    expect(previous.map(iso)).toEqual([
      '2026-12-09T09:00:00.000Z',
      '2026-12-08T09:00:00.000Z',
      '2026-12-07T09:00:00.000Z',
      '2026-12-06T09:00:00.000Z',
      '2026-12-05T09:00:00.000Z',
      '2026-12-04T09:00:00.000Z',
      '2026-12-03T09:00:00.000Z',
    ]);
  });

  it.each([
    // Deployed at 08:40 with a day each side, judged at 10:20: after is 09:00–11:00 so far.
    [
      '2026-12-10T08:40:00Z',
      24 * HOUR,
      ['2026-12-09T08:00:00.000Z', '2026-12-10T08:00:00.000Z'],
      ['2026-12-10T09:00:00.000Z', '2026-12-10T11:00:00.000Z'],
    ],
    // Deployed two days ago: both sides whole.
    [
      '2026-12-08T03:00:00Z',
      6 * HOUR,
      ['2026-12-07T21:00:00.000Z', '2026-12-08T03:00:00.000Z'],
      ['2026-12-08T04:00:00.000Z', '2026-12-08T10:00:00.000Z'],
    ],
    // Deployed in the current hour: nothing after yet (an empty range).
    [
      '2026-12-10T10:05:00Z',
      HOUR,
      ['2026-12-10T09:00:00.000Z', '2026-12-10T10:00:00.000Z'],
      ['2026-12-10T11:00:00.000Z', '2026-12-10T11:00:00.000Z'],
    ],
  ])(
    'a deploy at %s with %s ms each side: before %j, after %j',
    (at, windowMs, before, after) => {
      const w = deployWindows(Date.parse(at), windowMs, NOW);
      expect([iso(w.before.from), iso(w.before.to)]).toEqual(before);
      expect([iso(w.after.from), iso(w.after.to)]).toEqual(after);
    },
  );
});

describe('alert values for people', () => {
  it.each([
    ['ms', 12_345, '12.3 s'],
    ['ms', 640.4, '640 ms'],
    ['ratio', 0.0812, '8.1 %'],
    ['usd', 1250.5, '$1,250.50'],
    ['usd', 0.06, '$0.06'],
  ] as const)('%s %s reads %s', (unit, value, text) => {
    expect(formatAlertValue(unit, value)).toBe(text);
  });
});
