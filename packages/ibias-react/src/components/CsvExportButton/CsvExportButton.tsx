import { Button } from '@backstage/ui';
import { RiDownloadLine } from '@remixicon/react';
import { toCsv, type CsvColumn } from '../../csv/toCsv';

export interface CsvExportButtonProps<Row> {
  /** The columns shown, in the order shown. */
  columns: ReadonlyArray<CsvColumn<Row>>;
  /** The rows shown (after filtering and sorting), in the order shown. */
  rows: ReadonlyArray<Row>;
  /** The file's name; ".csv" is added when missing. */
  filename: string;
  /** The button's text; "Download CSV" unless given. */
  label?: string;
  size?: 'small' | 'medium';
  isDisabled?: boolean;
}

/**
 * Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark; without one
 * "€" and names with accents come out garbled.
 */
const UTF8_BOM = '\uFEFF';

/** Hands `text` to the browser as a file download. */
export function downloadTextFile(
  filename: string,
  text: string,
  type: string,
): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Revoked on the next task: some browsers read the URL after click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

/** Downloads exactly the given rows and columns (what the view shows) as a CSV file. */
export function CsvExportButton<Row>(props: CsvExportButtonProps<Row>) {
  const filename = /\.csv$/i.test(props.filename)
    ? props.filename
    : `${props.filename}.csv`;
  return (
    <Button
      variant="secondary"
      size={props.size ?? 'small'}
      iconStart={<RiDownloadLine aria-hidden />}
      isDisabled={props.isDisabled}
      onPress={() =>
        downloadTextFile(
          filename,
          UTF8_BOM + toCsv(props.columns, props.rows),
          'text/csv;charset=utf-8',
        )
      }
    >
      {props.label ?? 'Download CSV'}
    </Button>
  );
}
