import { planSteps, rollbackTargets, validateCanaryWeights } from './plan';

describe('planSteps', () => {
  it.each([
    [
      'blue-green',
      undefined,
      ['deploy', 'health', 'smoke', 'switch', 'monitor', 'cleanup'],
    ],
    [
      'canary',
      undefined,
      [
        'deploy',
        'health',
        'smoke',
        'traffic-10',
        'analysis-10',
        'traffic-50',
        'analysis-50',
        'traffic-100',
        'monitor',
        'cleanup',
      ],
    ],
    [
      'canary',
      [25, 100],
      [
        'deploy',
        'health',
        'smoke',
        'traffic-25',
        'analysis-25',
        'traffic-100',
        'monitor',
        'cleanup',
      ],
    ],
    [
      'rolling',
      undefined,
      [
        'deploy',
        'health',
        'smoke',
        'rolling-25',
        'rolling-50',
        'rolling-75',
        'rolling-100',
        'monitor',
        'cleanup',
      ],
    ],
  ] as const)('%s %j', (strategy, weights, ids) => {
    const steps = planSteps(strategy, weights ? [...weights] : undefined);
    expect(steps.map(s => s.id)).toEqual(ids);
    expect(steps.every(s => s.status === 'pending')).toBe(true);
    // Traffic ends fully on the new version before monitoring.
    const weighted = steps.filter(s => s.weight !== undefined);
    expect(weighted[weighted.length - 1].weight).toBe(100);
  });
});

describe('validateCanaryWeights', () => {
  it.each([
    [[10, 50, 100], undefined],
    [[100], undefined],
    [[], 'at least one weight is needed'],
    [[10, 50], 'the last weight must be 100'],
    [[50, 10, 100], 'weights must rise strictly'],
    [[10, 10, 100], 'weights must rise strictly'],
    [[0, 100], 'weight 0 is not an integer between 1 and 100'],
    [[12.5, 100], 'weight 12.5 is not an integer between 1 and 100'],
  ])('%j → %s', (weights, message) => {
    expect(validateCanaryWeights(weights)).toBe(message);
  });
});

describe('rollbackTargets', () => {
  it.each([
    ['nothing ran before', [], '1.1.0', []],
    ['only the current version ran', ['1.1.0'], '1.1.0', []],
    [
      'newest first, without the current version or repeats',
      ['1.1.0', '1.0.0', '0.9.0', '1.0.0'],
      '1.1.0',
      ['1.0.0', '0.9.0'],
    ],
    ['nothing runs now', ['1.0.0'], undefined, ['1.0.0']],
    [
      'a version that ran, was replaced and came back counts once',
      ['1.0.0', '1.1.0', '1.0.0', '0.9.0'],
      '1.0.0',
      ['1.1.0', '0.9.0'],
    ],
  ] as const)('%s', (_, history, current, expected) => {
    const succeeded = history.map((version, i) => ({ version, id: `d${i}` }));
    expect(rollbackTargets(succeeded, current).map(d => d.version)).toEqual(
      expected,
    );
  });
});
