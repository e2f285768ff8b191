import { render, screen } from '@testing-library/react';
import { formatKpiValue } from '../../format/formatKpiValue';
import { Sparkline, describeSparkline, sparklineSegments } from './Sparkline';

describe('sparklineSegments', () => {
  it.each<[Array<number | null | undefined>, Array<Array<[number, number]>>]>([
    [[], []],
    [[null, null], []],
    [
      [1, 2, 3],
      [
        [
          [0, 1],
          [1, 2],
          [2, 3],
        ],
      ],
    ],
    [
      [1, null, 3, 4],
      [
        [[0, 1]],
        [
          [2, 3],
          [3, 4],
        ],
      ],
    ],
    [
      [null, 0, undefined, Number.NaN, 5],
      [[[1, 0]], [[4, 5]]],
    ],
  ])('%p', (points, expected) => {
    expect(sparklineSegments(points)).toEqual(expected);
  });
});

describe('describeSparkline', () => {
  const money = (v: number) => formatKpiValue(v, 'currency');
  it.each<[Array<number | null>, string]>([
    [
      [1_000_000_000_000, 1_100_000_000_000, 1_200_000_000_000],
      'MRR: from $1M to $1.2M',
    ],
    [
      [null, 1_000_000_000_000, null, 1_200_000_000_000],
      'MRR: from $1M to $1.2M, with gaps',
    ],
    [[null, 950_000_000], 'MRR: $950, with gaps'],
    [[null, null], 'MRR: no data'],
    [[], 'MRR: no data'],
    [[0, 0], 'MRR: from $0 to $0'],
  ])('%p', (points, expected) => {
    expect(describeSparkline('MRR', points, money)).toBe(expected);
  });
});

describe('Sparkline', () => {
  const path = () => document.querySelector('path')?.getAttribute('d') ?? '';

  it('is an image labelled with its first and last values', () => {
    render(
      <Sparkline
        label="Churn, last 6 months"
        points={[0.02, 0.025, 0.031]}
        format={v => formatKpiValue(v, 'percent')}
      />,
    );
    expect(
      screen.getByRole('img', {
        name: 'Churn, last 6 months: from 2.0 % to 3.1 %',
      }),
    ).toBeInTheDocument();
  });

  it('draws one unbroken line without gaps', () => {
    render(<Sparkline label="x" points={[1, 3, 2]} height={20} />);
    // x spans the padded view box; the highest value is at the top, the lowest at the bottom.
    expect(path()).toBe('M2.00 18.00 L50.00 2.00 L98.00 10.00');
  });

  it('breaks the line at a gap instead of drawing it down to 0', () => {
    render(<Sparkline label="x" points={[1, null, 3, 2]} height={20} />);
    const d = path();
    expect(d.match(/M/g)).toHaveLength(2);
    // The lone first value is a dot (a zero-length line), not joined to the next one.
    expect(d).toBe('M2.00 18.00 l0 0 M66.00 2.00 L98.00 10.00');
  });

  it('draws a flat series in the middle', () => {
    render(<Sparkline label="x" points={[5, 5]} height={20} />);
    expect(path()).toBe('M2.00 10.00 L98.00 10.00');
  });

  it('draws nothing, and says "no data", when every value is missing', () => {
    render(<Sparkline label="NPS" points={[null, null]} />);
    expect(
      screen.getByRole('img', { name: 'NPS: no data' }),
    ).toBeEmptyDOMElement();
  });
});
