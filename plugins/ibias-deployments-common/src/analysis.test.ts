import {
  AnalysisPolicy,
  decideAnalysis,
  DEFAULT_ANALYSIS_POLICY,
  IntervalMetrics,
  judgeInterval,
  percentile,
  trailingBreaches,
} from './analysis';

const policy: AnalysisPolicy = {
  ...DEFAULT_ANALYSIS_POLICY,
  intervals: 3,
  consecutiveBreaches: 2,
  minSamples: 20,
};
const ok: IntervalMetrics = { requests: 100, errors: 1, p95Ms: 120 };
const errors: IntervalMetrics = { requests: 100, errors: 20, p95Ms: 120 };
const slow: IntervalMetrics = { requests: 100, errors: 0, p95Ms: 2500 };
const thin: IntervalMetrics = { requests: 5, errors: 5, p95Ms: 9000 };
const none: IntervalMetrics = { requests: 0, errors: 0, p95Ms: null };

describe('judgeInterval', () => {
  it.each([
    ['healthy', ok, 'pass', 'pass', false, true],
    ['20 % errors', errors, 'fail', 'pass', true, true],
    [
      'exactly 5 % errors is not above the threshold',
      { requests: 100, errors: 5, p95Ms: 10 },
      'pass',
      'pass',
      false,
      true,
    ],
    ['p95 over 2000 ms', slow, 'pass', 'fail', true, true],
    [
      'p95 exactly 2000 ms',
      { requests: 100, errors: 0, p95Ms: 2000 },
      'pass',
      'pass',
      false,
      true,
    ],
    [
      'too few samples, however bad',
      thin,
      'inconclusive',
      'inconclusive',
      false,
      false,
    ],
    ['no traffic at all', none, 'inconclusive', 'inconclusive', false, false],
  ] as const)(
    '%s',
    (_label, m, errorVerdict, latencyVerdict, breach, conclusive) => {
      const j = judgeInterval(m, policy);
      expect(j.checks.map(c => c.verdict)).toEqual([
        errorVerdict,
        latencyVerdict,
      ]);
      expect(j.breach).toBe(breach);
      expect(j.conclusive).toBe(conclusive);
      expect(j.checks[0].samples).toBe(m.requests);
    },
  );

  it('reports the error rate as a ratio and the thresholds it used', () => {
    const [rate, p95] = judgeInterval(errors, policy).checks;
    expect(rate).toMatchObject({
      check: 'error-rate',
      value: 0.2,
      threshold: 0.05,
    });
    expect(p95).toMatchObject({
      check: 'p95-latency',
      value: 120,
      threshold: 2000,
    });
  });
});

describe('decideAnalysis', () => {
  const j = (...ms: IntervalMetrics[]) => ms.map(m => judgeInterval(m, policy));
  it.each([
    ['nothing measured yet', j(), 'continue'],
    ['one healthy interval', j(ok), 'continue'],
    ['one breach is not yet a trigger', j(errors), 'continue'],
    [
      'two consecutive breaches trigger a rollback',
      j(errors, errors),
      'roll_back',
    ],
    [
      'latency and errors breaches count together',
      j(slow, errors),
      'roll_back',
    ],
    [
      'a breach, a recovery, a breach: window ends on a breach',
      j(errors, ok, errors),
      'roll_back',
    ],
    ['three healthy intervals promote', j(ok, ok, ok), 'promote'],
    ['a recovered breach then healthy promotes', j(errors, ok, ok), 'promote'],
    ['no data never promotes', j(none, none, none), 'inconclusive'],
    ['thin data at the end never promotes', j(ok, ok, thin), 'inconclusive'],
    ['thin data after a breach rolls back', j(errors, ok, thin), 'roll_back'],
    [
      'one good interval after two without data (metrics down) never promotes',
      j(none, none, ok),
      'inconclusive',
    ],
    [
      'one interval without data in three still promotes',
      j(none, ok, ok),
      'promote',
    ],
    [
      'inconclusive intervals do not count as breaches',
      j(thin, thin),
      'continue',
    ],
  ] as const)('%s → %s', (_label, judgements, decision) => {
    expect(decideAnalysis([...judgements], policy)).toBe(decision);
  });

  it('counts trailing breaches only', () => {
    expect(trailingBreaches(j(errors, ok, errors, slow))).toBe(2);
    expect(trailingBreaches(j(errors, errors, ok))).toBe(0);
  });

  it('a policy needing 3 consecutive breaches waits for the third', () => {
    const strict = { ...policy, consecutiveBreaches: 3, intervals: 5 };
    const js = [errors, errors].map(m => judgeInterval(m, strict));
    expect(decideAnalysis(js, strict)).toBe('continue');
    js.push(judgeInterval(errors, strict));
    expect(decideAnalysis(js, strict)).toBe('roll_back');
  });
});

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 0.95, null],
    [[7], 0.95, 7],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
    [Array.from({ length: 100 }, (_, i) => 100 - i), 0.95, 95],
    [[5, 1, 4, 2, 3], 0.95, 5],
  ])('%j p%d → %s', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});
