import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  RollupLine,
  UsageLedgerStore,
} from '../database/UsageLedgerStore';
import type { UsageStore } from '../database/UsageStore';
import type { CostService } from './CostService';
import { ExportService } from './ExportService';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

const line = (i: number): RollupLine => ({
  day: T0 + Math.floor(i / 100) * DAY,
  team: 'group:default/ai-team',
  entityRef: 'component:default/ai-recommendations',
  provider: 'openai',
  model: `m-${String(i % 100).padStart(3, '0')}`,
  calls: 1,
  errors: 0,
  unpricedCalls: 0,
  costMicros: i,
  inputTokens: 10,
  outputTokens: 1,
  cachedInputTokens: 0,
  seconds: 0,
});

describe('ExportService.focusCsv', () => {
  it('reads the lines a page at a time, each after the last, until a short page', async () => {
    const all = Array.from({ length: 4005 }, (_, i) => line(i));
    const dailyLines = jest.fn<
      ReturnType<UsageLedgerStore['dailyLines']>,
      Parameters<UsageLedgerStore['dailyLines']>
    >(async (_q, cursor, limit) => {
      const start = cursor ? all.indexOf(cursor as RollupLine) + 1 : 0;
      return all.slice(start, start + limit);
    });
    const service = new ExportService({
      costs: {} as CostService,
      store: {
        teams: async () => ['group:default/ai-team'],
      } as any as UsageStore,
      ledger: { dailyLines } as any as UsageLedgerStore,
      permissions: {
        authorizeConditional: async () => [{ result: AuthorizeResult.ALLOW }],
      } as any,
    });
    const csv = await service.focusCsv(
      { from: new Date(T0 + 5_000), to: new Date(T0 + 41 * DAY) },
      mockCredentials.user(),
    );
    expect(csv.filename).toBe('ai-costs-focus-2026-01-01-2026-02-10.csv');
    let text = '';
    for await (const chunk of csv.chunks) text += chunk;
    const lines = text.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(1 + 4005);
    expect(dailyLines).toHaveBeenCalledTimes(3);
    // The day holding `from` counts whole; every team (the caller reads all).
    expect(dailyLines.mock.calls[0][0]).toEqual({
      from: T0,
      to: T0 + 41 * DAY,
      teams: undefined,
    });
    expect(dailyLines.mock.calls[1][1]).toBe(all[1999]);
    expect(dailyLines.mock.calls[2][1]).toBe(all[3999]);
  });
});
