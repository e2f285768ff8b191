import { formatKpiValue, type KpiUnit } from './formatKpiValue';

const dollars = (d: number) => Math.round(d * 1_000_000);

describe('formatKpiValue', () => {
  describe.each<[KpiUnit, number | null | undefined, string]>([
    // currency: integer micro-dollars
    ['currency', dollars(1_234_567), '$1.2M'],
    ['currency', dollars(12_345), '$12.3k'],
    ['currency', dollars(12_000), '$12k'],
    ['currency', dollars(1_000), '$1k'],
    ['currency', dollars(999.6), '$1k'],
    ['currency', dollars(999_960), '$1M'],
    ['currency', dollars(950), '$950'],
    ['currency', dollars(100), '$100'],
    ['currency', dollars(49.99), '$49.99'],
    ['currency', dollars(0.42), '$0.42'],
    ['currency', 4_200, '$0.0042'],
    ['currency', 1, '$0.000001'],
    ['currency', 0, '$0'],
    ['currency', dollars(-12_345), '-$12.3k'],
    ['currency', dollars(-950), '-$950'],
    ['currency', dollars(3_400_000_000), '$3.4B'],
    // percent: a fraction
    ['percent', 0.042, '4.2 %'],
    ['percent', 0, '0.0 %'],
    ['percent', 1, '100.0 %'],
    ['percent', 0.9995, '99.95 %'],
    ['percent', 0.99999, '99.999 %'],
    ['percent', -0.013, '-1.3 %'],
    ['percent', -0.00001, '0.0 %'],
    // count
    ['count', 0, '0'],
    ['count', 42, '42'],
    ['count', 12_345, '12,345'],
    ['count', 12.34, '12.3'],
    ['count', 1_234_567, '1.2M'],
    ['count', -3, '-3'],
    // score (NPS): one decimal, may be negative
    ['score', 42, '42.0'],
    ['score', -12.46, '-12.5'],
    ['score', -0.04, '0.0'],
    // months
    ['months', 7.5, '7.5 mo'],
    ['months', 18, '18.0 mo'],
    // ratio
    ['ratio', 3.14, '3.1×'],
    ['ratio', 0.8, '0.8×'],
    // a gap is never 0
    ['currency', null, 'n/a'],
    ['percent', undefined, 'n/a'],
    ['count', Number.NaN, 'n/a'],
    ['ratio', Number.POSITIVE_INFINITY, 'n/a'],
  ])('%s %p', (unit, value, expected) => {
    it(`reads ${expected}`, () => {
      expect(formatKpiValue(value, unit)).toBe(expected);
    });
  });

  it('refuses a unit it does not know', () => {
    // A unit from a newer metrics-common must fail loudly, not print a bare number.
    const unknown = JSON.parse('"lightyears"');
    expect(() => formatKpiValue(1, unknown)).toThrow(
      'Unknown KPI unit lightyears',
    );
  });
});
