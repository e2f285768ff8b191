import { render, screen, waitFor, within } from '@testing-library/react';
import type { TrendPoint } from '../../charts/chartTypes';
import { StackedBarChart } from './StackedBarChart';

/**
 * The first chart of a test file loads recharts cold (a few hundred modules); on a busy
 * machine that takes longer than waitFor's default second, sometimes longer than a test's default 5 s.
 */
const LAZY_LOAD_TIMEOUT_MS = 15_000;
jest.setTimeout(LAZY_LOAD_TIMEOUT_MS + 5_000);

const dollars = (d: number) => d * 1_000_000;
const costs: TrendPoint[] = [
  {
    x: '2026-01-01T00:00:00Z',
    values: { openai: dollars(1200), anthropic: dollars(800) },
  },
  {
    x: '2026-02-01T00:00:00Z',
    values: { openai: dollars(1500), anthropic: null },
  },
  { x: '2026-03-01T00:00:00Z', values: { openai: null, anthropic: null } },
  {
    x: '2026-04-01T00:00:00Z',
    values: { openai: dollars(900), anthropic: dollars(1100) },
  },
];

describe('StackedBarChart', () => {
  it('loads lazily and stacks one segment per known value, none for a gap', async () => {
    render(
      <StackedBarChart
        title="AI cost by provider"
        data={costs}
        series={[
          { key: 'openai', label: 'OpenAI' },
          { key: 'anthropic', label: 'Anthropic' },
        ]}
        unit="currency"
        granularity="month"
        height={280}
      />,
    );
    expect(screen.getByTestId('chart-loading')).toHaveStyle({
      height: '280px',
    });
    const figure = screen.getByRole('figure', { name: 'AI cost by provider' });
    const segments = await waitFor(
      () => {
        const rects = figure.querySelectorAll('.recharts-bar-rectangle path');
        if (rects.length === 0) throw new Error('no bars yet');
        return rects;
      },
      { timeout: LAZY_LOAD_TIMEOUT_MS },
    );
    // Jan 2 + Feb 1 + Mar 0 + Apr 2.
    expect(segments).toHaveLength(5);
    expect(within(figure).getByText('Mar 2026')).toBeInTheDocument();
    expect(within(figure).getByText('Anthropic')).toBeInTheDocument();
    expect(figure).toHaveTextContent(
      'OpenAI: $1.2k in Jan 2026 to $900 in Apr 2026 (1 without data). Anthropic: $800 in Jan 2026 to $1.1k in Apr 2026 (2 without data).',
    );
  });

  it('shows an empty state when no provider has a value', () => {
    render(
      <StackedBarChart
        title="AI cost by provider"
        data={[{ x: '2026-01-01T00:00:00Z', values: { openai: null } }]}
        series={[{ key: 'openai', label: 'OpenAI' }]}
        unit="currency"
      />,
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      'No data in this range',
    );
  });
});
