// This test reads the package's source, so it needs Node's fs (it runs in Node, not a browser).
// eslint-disable-next-line no-restricted-imports
import { readdirSync, readFileSync } from 'fs';
// eslint-disable-next-line no-restricted-imports
import { join, relative } from 'path';
import { render, screen, waitFor } from '@testing-library/react';

/**
 * The first chart of a test file loads recharts cold (a few hundred modules); on a busy
 * machine that takes longer than waitFor's default second, sometimes longer than a test's default 5 s.
 */
const LAZY_LOAD_TIMEOUT_MS = 15_000;
jest.setTimeout(LAZY_LOAD_TIMEOUT_MS + 5_000);

/**
 * recharts must stay in its own lazily loaded chunk: only the *Impl.tsx files may import
 * it, and they are only reached through React.lazy. Two checks: the source, and what
 * loading the package actually pulls in.
 */

// Built from parts so that this file does not match itself.
const LIBRARY = ['re', 'charts'].join('');
const IMPORTS_LIBRARY = new RegExp(
  `(from\\s+|import\\s*\\(\\s*|require\\s*\\(\\s*|import\\s+)['"]${LIBRARY}(/[^'"]*)?['"]`,
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|jsx)$/.test(entry.name) ? [path] : [];
  });
}

describe('recharts isolation', () => {
  const files = sourceFiles(__dirname).map(path => ({
    path: relative(__dirname, path),
    imports: IMPORTS_LIBRARY.test(readFileSync(path, 'utf8')),
  }));

  it('is imported by no file other than the *Impl.tsx files', () => {
    const offenders = files
      .filter(f => f.imports && !/Impl\.tsx$/.test(f.path))
      .map(f => f.path);
    expect(offenders).toEqual([]);
  });

  it('is imported by the chart implementations (so the check above can see an import)', () => {
    expect(
      files
        .filter(f => f.imports)
        .map(f => f.path)
        .sort(),
    ).toEqual([
      join('components', 'StackedBarChart', 'StackedBarChartImpl.tsx'),
      join('components', 'TrendChart', 'TrendChartImpl.tsx'),
    ]);
  });
});

let mockRechartsLoads = 0;
jest.mock('recharts', () => {
  mockRechartsLoads++;
  return jest.requireActual('recharts');
});

describe('loading the package', () => {
  it('does not load recharts until a chart is drawn', async () => {
    const library = await import('./index');
    render(
      <library.KpiTile
        title="MRR"
        value={1_000_000}
        unit="currency"
        direction="up"
        trend={[1, 2, 3]}
      />,
    );
    expect(screen.getByTestId('kpi-value')).toHaveTextContent('$1');
    expect(mockRechartsLoads).toBe(0);

    render(
      <library.TrendChart
        title="MRR by month"
        data={[
          { x: '2026-01-01T00:00:00Z', values: { mrr: 1 } },
          { x: '2026-02-01T00:00:00Z', values: { mrr: 2 } },
        ]}
        series={[{ key: 'mrr', label: 'MRR' }]}
        unit="currency"
      />,
    );
    await waitFor(
      () =>
        expect(document.querySelector('svg.recharts-surface')).not.toBeNull(),
      { timeout: LAZY_LOAD_TIMEOUT_MS },
    );
    expect(mockRechartsLoads).toBe(1);
  });
});
