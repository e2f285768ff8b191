import { describeChange, type KpiChange } from './describeChange';
import type { KpiUnit } from './formatKpiValue';

describe('describeChange', () => {
  it.each<
    [
      string,
      number | null,
      number | null,
      KpiUnit,
      'up' | 'down',
      KpiChange | undefined,
    ]
  >([
    [
      'MRR up is good',
      112_000_000,
      100_000_000,
      'currency',
      'up',
      { text: '+12.0 %', trend: 'up', good: true },
    ],
    [
      'MRR down is bad',
      90_000_000,
      100_000_000,
      'currency',
      'up',
      { text: '-10.0 %', trend: 'down', good: false },
    ],
    [
      'churn (a rate) moves in percentage points; down is good',
      0.02,
      0.03,
      'percent',
      'down',
      { text: '-1.0 pp', trend: 'down', good: true },
    ],
    [
      'churn up is bad',
      0.031,
      0.03,
      'percent',
      'down',
      { text: '+0.1 pp', trend: 'up', good: false },
    ],
    [
      'NPS moves in points',
      -5,
      -12.5,
      'score',
      'up',
      { text: '+7.5 pts', trend: 'up', good: true },
    ],
    [
      'from 0, the absolute amount (no infinite %)',
      1_500_000_000,
      0,
      'currency',
      'up',
      { text: '+$1.5k', trend: 'up', good: true },
    ],
    [
      'from a negative value, the sign follows the movement',
      -50_000_000,
      -100_000_000,
      'currency',
      'up',
      { text: '+50.0 %', trend: 'up', good: true },
    ],
    [
      'a change that rounds to nothing is flat',
      100_001,
      100_000,
      'count',
      'up',
      { text: 'no change', trend: 'flat' },
    ],
    [
      'equal is flat',
      3,
      3,
      'ratio',
      'up',
      { text: 'no change', trend: 'flat' },
    ],
    [
      'no current value: no change is made up',
      null,
      3,
      'ratio',
      'up',
      undefined,
    ],
    ['no comparison value', 3, null, 'months', 'up', undefined],
  ])('%s', (_, current, previous, unit, direction, expected) => {
    expect(describeChange(current, previous, unit, direction)).toEqual(
      expected,
    );
  });
});
