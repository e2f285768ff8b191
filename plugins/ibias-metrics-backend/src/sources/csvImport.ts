import { InputError } from '@backstage/errors';
import { createRequestValidation } from '@internal/ibias-backend-openapi';
import type { components } from '@internal/plugin-ibias-metrics-common';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { spec } from '../schema/openapi.generated';

type ImportBatch = components['schemas']['ImportBatch'];

/** The record kinds a CSV file may hold, one kind per file. */
export const CSV_IMPORT_KINDS = [
  'billing',
  'spend',
  'surveys',
  'probes',
] as const;
export type CsvImportKind = (typeof CSV_IMPORT_KINDS)[number];

/** At most this many problems are listed; the rest are counted. */
const MAX_LISTED_PROBLEMS = 20;

/** One CSV record and the line it starts on (1 is the header). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A CSV file that does not follow RFC 4180: where, never what the cell held. */
export class CsvSyntaxError extends Error {
  constructor(readonly line: number, readonly field: number, what: string) {
    super(`line ${line}, field ${field}: ${what}`);
  }
}

/**
 * The records of an RFC 4180 CSV text, strictly: fields separated by commas, records by
 * CRLF or LF, a field with a comma, quote or line break in double quotes, a quote in it
 * doubled. A quote inside an unquoted field, text after a closing quote, a quoted field
 * never closed and a lone CR are errors. A final line break ends the last record; a
 * leading byte order mark (spreadsheets write one) is dropped.
 */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let recordLine = 1;
  let fields: string[] = [];
  let i = 0;
  const endRecord = () => {
    records.push({ line: recordLine, fields });
    fields = [];
  };
  if (input.length === 0) return records;
  for (;;) {
    let field = '';
    const fieldNumber = fields.length + 1;
    if (input[i] === '"') {
      const openedOn = line;
      i++;
      for (;;) {
        if (i >= input.length) {
          throw new CsvSyntaxError(
            openedOn,
            fieldNumber,
            'a quoted field is never closed',
          );
        }
        const c = input[i];
        if (c === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      const after = input[i];
      if (
        after !== undefined &&
        after !== ',' &&
        after !== '\n' &&
        !(after === '\r' && input[i + 1] === '\n')
      ) {
        throw new CsvSyntaxError(
          line,
          fieldNumber,
          'text after the closing quote of a quoted field',
        );
      }
    } else {
      while (i < input.length) {
        const c = input[i];
        if (c === ',' || c === '\n') break;
        if (c === '\r') {
          if (input[i + 1] === '\n') break;
          throw new CsvSyntaxError(
            line,
            fieldNumber,
            'a carriage return without a line feed',
          );
        }
        if (c === '"') {
          throw new CsvSyntaxError(
            line,
            fieldNumber,
            'a quote inside an unquoted field (quote the whole field and double the quote)',
          );
        }
        field += c;
        i++;
      }
    }
    fields.push(field);
    if (i >= input.length) {
      endRecord();
      return records;
    }
    if (input[i] === ',') {
      i++;
      continue;
    }
    // A line break: CRLF or LF.
    i += input[i] === '\r' ? 2 : 1;
    line++;
    endRecord();
    recordLine = line;
    if (i >= input.length) return records;
  }
}

/** The shape of one kind's item schema in the OpenAPI document that this reads. */
interface ItemSchema {
  required: readonly string[];
  properties: Record<string, { type?: string } | { $ref: string }>;
}

const itemSchemas: Record<
  CsvImportKind,
  { items: ItemSchema; maxItems: number }
> = spec.components.schemas.ImportBatch.properties;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'openapi');
const wording = createRequestValidation(spec);

function validatorOf(kind: CsvImportKind) {
  const validate = ajv.getSchema(
    `openapi#/components/schemas/ImportBatch/properties/${kind}/items`,
  );
  if (!validate) throw new Error(`The API document has no ${kind} items`);
  return validate;
}
const validateBatch = ajv.getSchema<ImportBatch>(
  'openapi#/components/schemas/ImportBatch',
);

/** Whether a column holds an integer (every number in the records is one). */
function isIntegerColumn(schema: ItemSchema, column: string): boolean {
  const property = schema.properties[column];
  return 'type' in property && property.type === 'integer';
}

/**
 * The records of one kind from a CSV file, as POST /imports takes them: a header row of
 * the kind's field names (any order), then a row per record. An empty cell leaves an
 * optional field out. Throws an InputError naming the line and column of every problem
 * (up to 20), never a cell's content; a file with any problem yields nothing.
 */
export function parseCsvImport(kind: CsvImportKind, text: string): ImportBatch {
  const { items: schema, maxItems } = itemSchemas[kind];
  const known = Object.keys(schema.properties);
  let records: CsvRecord[];
  try {
    records = parseCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      throw new InputError(`The CSV is not valid: ${error.message}`);
    }
    throw error;
  }
  const [header, ...rows] = records;
  if (!header) {
    throw new InputError(
      `The CSV is empty: its first line must name the columns, such as ${known.join(
        ',',
      )}`,
    );
  }

  const headerProblems: string[] = [];
  header.fields.forEach((name, index) => {
    if (!known.includes(name)) {
      headerProblems.push(
        `column ${index + 1} is not a ${kind} field (${
          name.length > 40 ? `${name.slice(0, 40)}…` : name
        })`,
      );
    } else if (header.fields.indexOf(name) !== index) {
      headerProblems.push(`column ${name} appears twice`);
    }
  });
  const missing = schema.required.filter(r => !header.fields.includes(r));
  if (missing.length > 0) {
    headerProblems.push(`required columns are missing: ${missing.join(', ')}`);
  }
  if (headerProblems.length > 0) {
    throw new InputError(
      `The CSV's header (line 1) is not valid: ${headerProblems.join(
        '; ',
      )}. The ${kind} columns are ${known.join(', ')}; ${schema.required.join(
        ', ',
      )} are required`,
    );
  }
  if (rows.length > maxItems) {
    throw new InputError(
      `The CSV has ${rows.length} rows; an import takes at most ${maxItems}`,
    );
  }

  const validateItem = validatorOf(kind);
  const problems: string[] = [];
  const items: Array<Record<string, string | number>> = [];
  for (const row of rows) {
    if (row.fields.length === 1 && row.fields[0] === '') {
      problems.push(`line ${row.line} is empty`);
      continue;
    }
    if (row.fields.length !== header.fields.length) {
      problems.push(
        `line ${row.line} has ${row.fields.length} fields where the header has ${header.fields.length}`,
      );
      continue;
    }
    const item: Record<string, string | number> = {};
    const rowProblems: string[] = [];
    header.fields.forEach((column, index) => {
      const cell = row.fields[index];
      if (cell === '') {
        if (schema.required.includes(column)) {
          rowProblems.push(`line ${row.line}, column ${column}: is empty`);
        }
        return;
      }
      if (isIntegerColumn(schema, column)) {
        if (!/^-?\d+$/.test(cell)) {
          rowProblems.push(
            `line ${row.line}, column ${column}: must be an integer`,
          );
          return;
        }
        item[column] = Number(cell);
        return;
      }
      item[column] = cell;
    });
    if (rowProblems.length === 0 && !validateItem(item)) {
      for (const e of validateItem.errors ?? []) {
        rowProblems.push(describeCellError(row.line, e));
      }
    }
    problems.push(...rowProblems);
    items.push(item);
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
    const more = problems.length - MAX_LISTED_PROBLEMS;
    throw new InputError(
      `The CSV has ${problems.length} problem${
        problems.length === 1 ? '' : 's'
      }, so nothing was imported: ${listed}${
        more > 0 ? `; and ${more} more` : ''
      }`,
    );
  }
  const batch = { [kind]: items };
  if (!validateBatch?.(batch)) {
    // Every item passed its own schema: only a change of the document gets here.
    throw new InputError(
      `The CSV's records are not a valid import: ${wording.describeErrors(
        validateBatch?.errors ?? [],
        kind,
      )}`,
    );
  }
  return batch;
}

/** An item schema error as `line N, column C: <what>`, in the API's own wording. */
function describeCellError(line: number, error: ErrorObject): string {
  const column = error.instancePath.split('/')[1];
  return column
    ? wording.describeErrors(
        [{ ...error, instancePath: '' }],
        `line ${line}, column ${column}:`,
      )
    : wording.describeErrors([error], `line ${line}:`);
}
