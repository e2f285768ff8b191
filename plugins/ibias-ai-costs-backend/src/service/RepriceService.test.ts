import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DEFAULT_PRICE_BOOK } from '@internal/plugin-ibias-ai-costs-common';
import type { UsageLedgerStore } from '../database/UsageLedgerStore';
import { MAX_REPRICE_EVENTS, RepriceService } from './RepriceService';

const NOW = new Date('2026-12-07T12:00:00Z');

function service(events: number) {
  const reprice = jest.fn();
  const ledger = {
    countEvents: async () => events,
    reprice,
  } as unknown as UsageLedgerStore;
  const permissions = mockServices.permissions.mock({
    authorize: async requests =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  });
  return {
    reprice,
    service: new RepriceService({
      ledger,
      prices: () => DEFAULT_PRICE_BOOK,
      permissions,
      auditor: mockServices.auditor.mock(),
      retentionDays: 90,
      now: () => NOW,
    }),
  };
}

describe('RepriceService limits', () => {
  it.each([
    [
      'a leap second, which the date-time format lets through',
      { from: new Date('invalid'), to: NOW },
      /request\/body\/from is not an instant/,
    ],
    [
      'a range holding more events than one transaction should',
      { from: new Date('2026-12-06T00:00:00Z'), to: NOW },
      new RegExp(
        `holds ${
          MAX_REPRICE_EVENTS + 1
        } events; re-price at most ${MAX_REPRICE_EVENTS}`,
      ),
    ],
  ])('refuses %s before re-pricing anything', async (_what, input, message) => {
    const { service: s, reprice } = service(MAX_REPRICE_EVENTS + 1);
    await expect(
      s.reprice(input, mockCredentials.user('user:default/nora')),
    ).rejects.toThrow(message);
    expect(reprice).not.toHaveBeenCalled();
  });
});
