import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { aiCostsReadPermission } from '@internal/plugin-ibias-ai-costs-common';
import { teamsAllowedBy } from '@internal/plugin-ibias-ai-costs-node';
import type { UsageStore } from '../database/UsageStore';
import type {
  RollupLineCursor,
  UsageLedgerStore,
} from '../database/UsageLedgerStore';
import { csvLine, microsToDollars } from '../export/csv';
import { FOCUS_COLUMNS, focusRow } from '../export/focus';
import type { CostRequest, CostService } from './CostService';

const DAY = 86_400_000;
/** The longest FOCUS export: a year and a day. */
export const MAX_FOCUS_DAYS = 366;
/** Rollup lines read at a time while a FOCUS export streams. */
const FOCUS_PAGE = 2_000;

/** A CSV document: its file name, the teams left out, and its text in pieces. */
export interface CsvExport {
  filename: string;
  /** Teams with spend in the range the caller may not read. */
  hidden: number;
  chunks: AsyncIterable<string>;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Spend as CSV for people (what GET /costs shows) and for finance tools (FinOps FOCUS),
 * with the same permission filtering as the dashboards: only the teams
 * ibias.aiCosts.read lets the caller read.
 */
export class ExportService {
  constructor(
    private readonly options: {
      costs: CostService;
      store: UsageStore;
      ledger: UsageLedgerStore;
      permissions: PermissionsService;
    },
  ) {}

  /** The rows GET /costs answers for the same request, one line each. */
  async costsCsv(
    request: CostRequest,
    credentials: BackstageCredentials,
  ): Promise<CsvExport> {
    const report = await this.options.costs.costs(request, credentials);
    const header = csvLine([
      'start',
      report.groupBy,
      'label',
      'cost_usd',
      'calls',
      'errors',
      'unpriced_calls',
      'input_tokens',
      'output_tokens',
      'seconds',
    ]);
    async function* chunks() {
      yield header;
      for (const r of report.rows) {
        yield csvLine([
          r.at,
          r.key,
          r.label,
          microsToDollars(r.costMicros),
          r.calls,
          r.errors,
          r.unpricedCalls,
          r.inputTokens,
          r.outputTokens,
          r.seconds,
        ]);
      }
    }
    return {
      filename: `ai-costs-${report.groupBy}-${day(
        Date.parse(report.from),
      )}-${day(Date.parse(report.to))}.csv`,
      hidden: report.hidden,
      chunks: chunks(),
    };
  }

  /**
   * The daily rollup lines of [from, to) as a FOCUS dataset, read a page at a time as
   * the answer is written. The range and the permission are checked before anything is.
   */
  async focusCsv(
    range: { from: Date; to: Date },
    credentials: BackstageCredentials,
  ): Promise<CsvExport> {
    const to = range.to.getTime();
    if (!(range.from.getTime() < to)) {
      throw new InputError('from must be before to');
    }
    // Whole days: the one holding `from` counts from its start.
    const from = Math.floor(range.from.getTime() / DAY) * DAY;
    if (to - from > MAX_FOCUS_DAYS * DAY) {
      throw new InputError(
        `A FOCUS export covers at most ${MAX_FOCUS_DAYS} days`,
      );
    }
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission: aiCostsReadPermission }],
      { credentials },
    );
    const allowed = teamsAllowedBy(decision);
    const inRange = await this.options.store.teams(from, to);
    const teams =
      decision.result === AuthorizeResult.ALLOW
        ? undefined
        : inRange.filter(allowed);
    const ledger = this.options.ledger;
    async function* chunks() {
      yield csvLine(FOCUS_COLUMNS);
      let cursor: RollupLineCursor | undefined;
      for (;;) {
        const lines = await ledger.dailyLines(
          { from, to, teams },
          cursor,
          FOCUS_PAGE,
        );
        if (lines.length === 0) return;
        let text = '';
        for (const line of lines) {
          const row = focusRow(line);
          text += csvLine(FOCUS_COLUMNS.map(c => row[c]));
        }
        yield text;
        if (lines.length < FOCUS_PAGE) return;
        cursor = lines[lines.length - 1];
      }
    }
    return {
      filename: `ai-costs-focus-${day(from)}-${day(to - 1)}.csv`,
      hidden: inRange.filter(t => !allowed(t)).length,
      chunks: chunks(),
    };
  }
}
