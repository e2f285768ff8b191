/**
 * CSV as RFC 4180 has it, safe to open in a spreadsheet. The same rules as
 * @internal/ibias-react's toCsv (a web library, which a backend cannot import).
 */

export type CsvValue = string | number | null | undefined;

/**
 * Characters that make a spreadsheet read a text cell as a formula (OWASP "CSV
 * injection"): = + - @, tab and carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Characters that need the field quoted (RFC 4180 §2.6), plus a leading or trailing space. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * One field. Text a spreadsheet would run as a formula gets a leading single quote, so
 * an exported "=HYPERLINK(…)" stays text; a number is written as a number (a negative
 * number is no formula) and a missing value as an empty field, never 0.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number')
    return Number.isFinite(value) ? `${value}` : '';
  let text = value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line, ended by CRLF. */
export function csvLine(values: ReadonlyArray<CsvValue>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * Integer micro-dollars as dollars with six decimals, exactly ("0.000210"): a sum of the
 * column is the sum of the micro-dollars, with no binary rounding on the way.
 */
export function microsToDollars(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(micros));
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(
    abs % 1_000_000,
  ).padStart(6, '0')}`;
}
