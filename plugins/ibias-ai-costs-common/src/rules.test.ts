import {
  deployCostChange,
  judgeAiRule,
  judgeSpike,
  SEED_AI_RULES,
} from './rules';

const rule = (id: string) => SEED_AI_RULES.find(r => r.id === id)!;
const stats = (
  o: Partial<{
    calls: number;
    errors: number;
    p95LatencyMs: number | null;
    costMicros: number;
  }>,
) => ({
  calls: 100,
  errors: 0,
  p95LatencyMs: 1000,
  costMicros: 0,
  ...o,
});

describe("the seed's AI rules", () => {
  it('are the seed: 10 s → scale, 5 % → fall back, $1,000 → notify', () => {
    expect(SEED_AI_RULES.map(r => [r.id, r.threshold, r.action])).toEqual([
      ['ai_high_latency', 10_000, 'scale'],
      ['ai_high_error_rate', 0.05, 'fallback'],
      ['ai_high_cost', 1000, 'notify'],
    ]);
  });

  it.each([
    ['ai_high_latency', stats({ p95LatencyMs: 10_001 }), true, 10_001],
    ['ai_high_latency', stats({ p95LatencyMs: 10_000 }), false, 10_000],
    ['ai_high_error_rate', stats({ errors: 6 }), true, 0.06],
    ['ai_high_error_rate', stats({ errors: 5 }), false, 0.05],
    ['ai_high_cost', stats({ costMicros: 1000_000_001 }), true, 1000.000001],
    [
      'ai_high_cost',
      stats({ costMicros: 1000_000_000, calls: 0 }),
      false,
      1000,
    ],
  ])('%s on %j: breached %s at %s', (id, s, breached, value) => {
    expect(judgeAiRule(rule(id), s)).toEqual({ breached, value });
  });

  it.each([['ai_high_latency'], ['ai_high_error_rate']])(
    '%s says nothing on fewer than 20 calls',
    id => {
      expect(
        judgeAiRule(
          rule(id),
          stats({ calls: 19, errors: 19, p95LatencyMs: 60_000 }),
        ),
      ).toEqual({
        breached: false,
        value: null,
        reason: '19 calls, fewer than the 20 the rule needs',
      });
    },
  );
});

describe('judgeSpike', () => {
  const $ = (d: number) => d * 1_000_000;
  it.each([
    ['3.5× the usual $10', $(35), [10, 10, 10, 10, 10, 10, 10].map($), true],
    ['2.9× the usual', $(29), [10, 10, 10, 10, 10, 10, 10].map($), false],
    [
      'many times a few cents',
      $(4),
      [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1].map($),
      false,
    ],
    [
      'against days without this hour',
      $(50),
      [null, null, null, null, $(10), $(10), $(10)],
      true,
    ],
    [
      'the first spend in an hour that cost nothing',
      $(20),
      [0, 0, 0, 0, 0, 0, 0],
      true,
    ],
  ])('%s', (_c, hour, previous, spike) => {
    expect(judgeSpike(hour, previous)).toMatchObject({ spike });
  });
  it('needs 3 days of the hour', () => {
    expect(judgeSpike(100, [null, null, null, null, null, 1, 1])).toEqual({
      spike: false,
      reason: '2 of the last 7 days have this hour: 3 are needed',
    });
  });
});

describe('deployCostChange', () => {
  it.each([
    // $1 per 1,000 before, $2 after: raised (2 > 1.5)
    [
      { requests: 1000, costMicros: 1_000_000 },
      { requests: 500, costMicros: 1_000_000 },
      expect.closeTo(2, 9),
      true,
    ],
    [
      { requests: 1000, costMicros: 1_000_000 },
      { requests: 1000, costMicros: 1_400_000 },
      expect.closeTo(1.4, 9),
      false,
    ],
    [
      { requests: 1000, costMicros: 0 },
      { requests: 1000, costMicros: 5 },
      null,
      true,
    ],
  ])('%j → %j: ratio %s', (before, after, ratio, raised) => {
    expect(deployCostChange(before, after)).toMatchObject({
      raised,
      ratio,
    });
  });
  it('says nothing on fewer than 100 requests', () => {
    expect(
      deployCostChange(
        { requests: 99, costMicros: 1 },
        { requests: 1000, costMicros: 1e9 },
      ),
    ).toEqual({
      raised: false,
      reason: 'fewer than 100 requests before or after the deploy',
    });
  });
});
