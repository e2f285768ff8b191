/** A column of a CSV export: its header and how a row's cell is read. */
export interface CsvColumn<Row> {
  header: string;
  value(row: Row): string | number | boolean | null | undefined;
}

/**
 * Characters that make a spreadsheet read a text cell as a formula (OWASP "CSV
 * injection"): = + - @, tab and carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Characters that need the field quoted (RFC 4180 §2.6), plus a leading or trailing space. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * One CSV field. Text that a spreadsheet would run as a formula gets a leading single
 * quote, so an exported "=HYPERLINK(…)" stays text; numbers are written as numbers (a
 * negative number is not a formula) and a missing value as an empty field, not 0.
 */
export function csvField(
  value: string | number | boolean | null | undefined,
): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number')
    return Number.isFinite(value) ? `${value}` : '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Rows as CSV text (RFC 4180): a header line, then one line per row, in the order given,
 * lines ended by CRLF. Only the columns given are written, so an export is what is shown.
 */
export function toCsv<Row>(
  columns: ReadonlyArray<CsvColumn<Row>>,
  rows: ReadonlyArray<Row>,
): string {
  const lines = [
    columns.map(c => csvField(c.header)).join(','),
    ...rows.map(row => columns.map(c => csvField(c.value(row))).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
