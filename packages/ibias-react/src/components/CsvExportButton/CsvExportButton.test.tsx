import { fireEvent, render, screen } from '@testing-library/react';
import type { CsvColumn } from '../../csv/toCsv';
import { CsvExportButton } from './CsvExportButton';

interface Cost {
  provider: string;
  micros: number | null;
}

const columns: CsvColumn<Cost>[] = [
  { header: 'Provider', value: r => r.provider },
  { header: 'Cost (micro-dollars)', value: r => r.micros },
];

async function firstBytes(blob: Blob, count: number): Promise<number[]> {
  return [...new Uint8Array(await blob.arrayBuffer()).slice(0, count)];
}

describe('CsvExportButton', () => {
  const created: Blob[] = [];
  let downloads: string[];
  const originalCreate = URL.createObjectURL;
  const originalRevoke = URL.revokeObjectURL;

  beforeEach(() => {
    created.length = 0;
    downloads = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      created.push(blob);
      return `blob:test/${created.length}`;
    });
    URL.revokeObjectURL = jest.fn();
    // jsdom does not navigate; record what would have been downloaded instead.
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        downloads.push(`${this.download} ${this.href}`);
      });
  });

  afterEach(() => {
    URL.createObjectURL = originalCreate;
    URL.revokeObjectURL = originalRevoke;
    jest.restoreAllMocks();
  });

  it('downloads exactly the rows and columns given, as a named .csv file', async () => {
    render(
      <CsvExportButton
        columns={columns}
        rows={[
          { provider: 'openai', micros: 1_250_000 },
          { provider: '=evil()', micros: null },
        ]}
        filename="ai-costs-2026-01"
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));

    expect(downloads).toEqual(['ai-costs-2026-01.csv blob:test/1']);
    expect(created).toHaveLength(1);
    expect(created[0].type).toBe('text/csv;charset=utf-8');
    // A UTF-8 byte-order mark first, for Excel (readAsText drops it when decoding).
    expect(await firstBytes(created[0], 3)).toEqual([0xef, 0xbb, 0xbf]);
    expect(await created[0].text()).toBe(
      "Provider,Cost (micro-dollars)\r\nopenai,1250000\r\n'=evil(),\r\n",
    );
    // The anchor is gone again.
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('keeps a filename that already ends in .csv, and takes its own label', () => {
    render(
      <CsvExportButton
        columns={columns}
        rows={[]}
        filename="kpis.CSV"
        label="Export KPIs"
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Export KPIs' }));
    expect(downloads).toEqual(['kpis.CSV blob:test/1']);
  });

  it('does nothing when disabled', () => {
    render(
      <CsvExportButton
        columns={columns}
        rows={[{ provider: 'openai', micros: 1 }]}
        filename="x"
        isDisabled
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    expect(downloads).toEqual([]);
    expect(created).toEqual([]);
  });
});
