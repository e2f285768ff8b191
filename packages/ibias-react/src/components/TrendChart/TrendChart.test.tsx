import { render, screen, waitFor, within } from '@testing-library/react';
import type { TrendPoint } from '../../charts/chartTypes';
import { TrendChart } from './TrendChart';
import { flatDomain, writtenMarkerLabels } from './TrendChartImpl';

/**
 * The first chart of a test file loads recharts cold (a few hundred modules); on a busy
 * machine that takes longer than waitFor's default second, sometimes longer than a test's default 5 s.
 */
const LAZY_LOAD_TIMEOUT_MS = 15_000;
jest.setTimeout(LAZY_LOAD_TIMEOUT_MS + 5_000);

const dollars = (d: number) => d * 1_000_000;
const months: TrendPoint[] = [
  {
    x: '2026-01-01T00:00:00Z',
    values: { mrr: dollars(100_000), plan: dollars(100_000) },
  },
  {
    x: '2026-02-01T00:00:00Z',
    values: { mrr: dollars(110_000), plan: dollars(105_000) },
  },
  { x: '2026-03-01T00:00:00Z', values: { mrr: null, plan: dollars(110_000) } },
  {
    x: '2026-04-01T00:00:00Z',
    values: { mrr: dollars(125_000), plan: dollars(115_000) },
  },
  {
    x: '2026-05-01T00:00:00Z',
    values: { mrr: dollars(131_000), plan: dollars(120_000) },
  },
];

/** The drawn line of a series (recharts marks it with the series' name). */
async function linePath(name: string) {
  const figure = screen.getByRole('figure');
  const path = await waitFor(
    () => {
      const match = [
        ...figure.querySelectorAll<SVGPathElement>('path.recharts-line-curve'),
      ].find(p => p.getAttribute('name') === name);
      if (!match) throw new Error(`no line named ${name} yet`);
      return match;
    },
    { timeout: LAZY_LOAD_TIMEOUT_MS },
  );
  return path.getAttribute('d') ?? '';
}

describe('TrendChart', () => {
  it('paints a skeleton of its height first, then the lazily loaded chart', async () => {
    render(
      <TrendChart
        title="MRR by month"
        data={months}
        series={[{ key: 'mrr', label: 'MRR' }]}
        unit="currency"
        granularity="month"
        height={300}
      />,
    );
    const skeleton = screen.getByTestId('chart-loading');
    expect(skeleton).toHaveStyle({ height: '300px' });
    const figure = screen.getByRole('figure', { name: 'MRR by month' });
    await within(figure).findByText('Jan 2026', undefined, {
      timeout: LAZY_LOAD_TIMEOUT_MS,
    });
    expect(screen.queryByTestId('chart-loading')).toBeNull();
    const svg = figure.querySelector('svg.recharts-surface');
    expect(svg).not.toBeNull();
    expect(svg).toHaveAttribute('height', '300');
    // The y axis reads in the KPI's unit.
    expect(
      within(figure).getAllByText(/^\$\d+(\.\d)?k$/).length,
    ).toBeGreaterThan(0);
  });

  it('breaks the line at a gap instead of joining it (connectNulls off)', async () => {
    render(
      <TrendChart
        title="MRR by month"
        data={months}
        series={[
          { key: 'mrr', label: 'MRR' },
          { key: 'plan', label: 'Plan', dashed: true },
        ]}
        unit="currency"
        granularity="month"
      />,
    );
    const mrr = await linePath('MRR');
    const plan = await linePath('Plan');
    // Two runs for MRR (Jan–Feb, Apr–May), one for the plan, which has no gap.
    expect(mrr.match(/M/g)).toHaveLength(2);
    expect(plan.match(/M/g)).toHaveLength(1);
    // A legend names the series when there is more than one.
    expect(screen.getByText('Plan')).toBeInTheDocument();
  });

  it('draws a value alone between gaps as a dot, when dots are otherwise hidden', async () => {
    // Days 0–19 have values, day 30 alone has one, the rest have none.
    const nps = (day: number) => {
      if (day < 20) return 10 + day;
      return day === 30 ? 42 : null;
    };
    const days: TrendPoint[] = Array.from({ length: 60 }, (_, i) => ({
      x: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      values: { nps: nps(i) },
    }));
    render(
      <TrendChart
        title="MRR by month"
        data={days}
        series={[{ key: 'nps', label: 'NPS' }]}
        unit="score"
        granularity="day"
      />,
    );
    await linePath('NPS');
    expect(screen.getAllByTestId('trend-dot-nps')).toHaveLength(1);
  });

  it('draws markers (a link when given) and thresholds', async () => {
    render(
      <TrendChart
        title="MRR by month"
        data={months}
        series={[{ key: 'mrr', label: 'MRR' }]}
        unit="currency"
        granularity="month"
        markers={[
          {
            at: '2026-03-14T10:00:00Z',
            label: 'Deploy 1.4.0',
            href: '/deployments/d1',
          },
          { at: '2026-04-20T10:00:00Z', label: 'Price change' },
        ]}
        thresholds={[
          { value: dollars(150_000), label: 'Target', tone: 'success' },
        ]}
      />,
    );
    await linePath('MRR');
    const link = screen.getByTestId('trend-marker-link');
    expect(link).toHaveAttribute('href', '/deployments/d1');
    expect(link).toHaveTextContent('Deploy 1.4.0');
    expect(screen.getByText('Price change')).toBeInTheDocument();
    // The threshold extends the axis so it is seen even above every value.
    expect(screen.getByText('Target $150k')).toBeInTheDocument();
  });

  it('writes out the label of a marker close to another as a dot with a tooltip', async () => {
    render(
      <TrendChart
        title="MRR by month"
        data={months}
        series={[{ key: 'mrr', label: 'MRR' }]}
        unit="currency"
        granularity="month"
        markers={[
          { at: '2026-03-14T10:00:00Z', label: '1.1.0 (succeeded)' },
          { at: '2026-03-15T10:00:00Z', label: '1.2.0 (rolled back)' },
        ]}
      />,
    );
    await linePath('MRR');
    expect(screen.getByText('1.1.0 (succeeded)')).toBeInTheDocument();
    const dot = screen.getByTestId('trend-marker-dot');
    expect(dot).toHaveTextContent(/^1\.2\.0 \(rolled back\), /);
  });

  it('tells screen readers what the chart shows, gaps included', () => {
    render(
      <TrendChart
        title="MRR by month"
        description="Monthly recurring revenue at each month's end."
        data={months}
        series={[{ key: 'mrr', label: 'MRR' }]}
        unit="currency"
        granularity="month"
      />,
    );
    expect(
      screen.getByRole('figure', { name: 'MRR by month' }),
    ).toHaveTextContent(
      "Monthly recurring revenue at each month's end. MRR: $100k in Jan 2026 to $131k in May 2026 (1 without data).",
    );
  });

  it('shows an empty state, not a flat line at 0, when there are no values', () => {
    render(
      <TrendChart
        title="MRR by month"
        data={[
          { x: '2026-01-01T00:00:00Z', values: { mrr: null } },
          { x: '2026-02-01T00:00:00Z', values: {} },
        ]}
        series={[{ key: 'mrr', label: 'MRR' }]}
        unit="currency"
        emptyMessage="No billing records in this range"
        height={200}
      />,
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'No billing records in this range',
    );
    expect(screen.getByRole('status')).toHaveStyle({ minHeight: '200px' });
    expect(screen.queryByRole('figure')).toBeNull();
    expect(screen.queryByTestId('chart-loading')).toBeNull();
  });
});

describe('flatDomain', () => {
  it.each([
    [[0, 0, null], 'percent', [0, 0.01]],
    [[0, null], 'count', [0, 1]],
    [[], 'currency', [0, 1]],
    [[0, 0.02], 'percent', undefined],
    [[-1, 0], 'count', undefined],
  ] as const)('%j as %s → %j', (values, unit, expected) => {
    expect(flatDomain(values, unit)).toEqual(expected);
  });
});

describe('writtenMarkerLabels', () => {
  const m = (at: string) => ({ at, label: at });
  const range = {
    from: Date.parse('2026-01-01T00:00:00Z'),
    to: Date.parse('2026-01-09T00:00:00Z'),
  };
  it.each([
    // An eighth of eight days is one day.
    [
      ['2026-01-02T00:00:00Z', '2026-01-02T12:00:00Z'],
      ['2026-01-02T00:00:00Z'],
    ],
    [
      ['2026-01-05T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'],
      ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-05T00:00:00Z'],
    ],
    [
      ['2026-01-02T00:00:00Z', '2026-01-02T18:00:00Z', '2026-01-03T06:00:00Z'],
      ['2026-01-02T00:00:00Z', '2026-01-03T06:00:00Z'],
    ],
  ])('%j → %j', (ats, expected) => {
    const written = writtenMarkerLabels(ats.map(m), range);
    expect([...written].map(w => w.at)).toEqual(expected);
  });
});
