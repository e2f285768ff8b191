import {
  arpa,
  cacPaybackMonths,
  customerAcquisitionCost,
  customerChurn,
  FormulaResult,
  grossMrrChurn,
  lifetimeValue,
  monthlyRate,
  netMrrChurn,
  netNewMrr,
  netPromoterScore,
  npsBucket,
  ratio,
  relativeChange,
  SurveyCounts,
  uptime,
} from './formulas';
import { EMPTY_MRR_SUMMARY, MrrSummary } from './mrr';

/** Whole dollars as micro-dollars. */
const usd = (dollars: number) => dollars * 1_000_000;
const summary = (fields: Partial<MrrSummary>): MrrSummary => ({
  ...EMPTY_MRR_SUMMARY,
  ...fields,
});
const value = (v: number): FormulaResult => ({ value: v });
const gap = (reason: string): FormulaResult => ({ value: null, reason });
/** A value equal to `v` to 12 decimal places, for results that pass through floating point. */
const about = (v: number): FormulaResult => ({ value: expect.closeTo(v, 12) });

/** The three months of the business in mrr.test.ts, as summarizeMrr sums them. */
const JANUARY = summary({
  startMrrMicros: usd(350),
  endMrrMicros: usd(680),
  newMicros: usd(330),
  customersAtStart: 2,
  customersAtEnd: 4,
  newCustomers: 2,
});
const FEBRUARY = summary({
  startMrrMicros: usd(680),
  endMrrMicros: usd(800),
  expansionMicros: usd(200),
  churnMicros: usd(80),
  customersAtStart: 4,
  customersAtEnd: 3,
  churnedCustomers: 1,
});
const MARCH = summary({
  startMrrMicros: usd(800),
  endMrrMicros: usd(840),
  contractionMicros: usd(50),
  reactivationMicros: usd(90),
  customersAtStart: 3,
  customersAtEnd: 4,
  reactivatedCustomers: 1,
});
const NOBODY = EMPTY_MRR_SUMMARY;

describe('the business’s months', () => {
  it.each<
    [
      string,
      MrrSummary,
      {
        netNew: number;
        arpa: FormulaResult;
        customerChurn: FormulaResult;
        gross: number;
        net: number;
      },
    ]
  >([
    [
      'January',
      JANUARY,
      {
        netNew: usd(330), // 330 new
        arpa: value(usd(170)), // 680 ÷ 4
        customerChurn: value(0), // 0 ÷ 2: nobody churned is 0, not a gap
        gross: 0, // (0 + 0) ÷ 350
        net: 0, // (0 + 0 − 0) ÷ 350
      },
    ],
    [
      'February',
      FEBRUARY,
      {
        netNew: usd(120), // 200 expansion − 80 churn
        arpa: value(266_666_667), // 800 ÷ 3 = 266.6666667 → rounded to the micro
        customerChurn: value(0.25), // 1 ÷ 4
        gross: 80 / 680, // (80 + 0) ÷ 680 = 0.1176
        net: -120 / 680, // (80 + 0 − 200) ÷ 680 = −0.1765: expansion beats churn
      },
    ],
    [
      'March',
      MARCH,
      {
        netNew: usd(40), // 90 reactivation − 50 contraction
        arpa: value(usd(210)), // 840 ÷ 4
        customerChurn: value(0), // 0 ÷ 3
        gross: 0.0625, // (0 + 50) ÷ 800
        net: 0.0625, // (0 + 50 − 0) ÷ 800
      },
    ],
  ])('%s', (_name, s, expected) => {
    expect(netNewMrr(s)).toBe(expected.netNew);
    expect(s.startMrrMicros + netNewMrr(s)).toBe(s.endMrrMicros);
    expect(arpa(s)).toEqual(expected.arpa);
    expect(customerChurn(s)).toEqual(expected.customerChurn);
    expect(grossMrrChurn(s).value).toBeCloseTo(expected.gross, 12);
    expect(netMrrChurn(s).value).toBeCloseTo(expected.net, 12);
  });
});

describe('arpa', () => {
  it.each<[string, MrrSummary, FormulaResult]>([
    ['$680 over 4 customers', JANUARY, value(usd(170))],
    [
      '$1 over 3 customers rounds to the micro-dollar',
      summary({ endMrrMicros: usd(1), customersAtEnd: 3 }),
      value(333_333), // 1 000 000 ÷ 3 = 333 333.33
    ],
    // no customers is a gap with a reason, never 0
    ['no paying customers', NOBODY, gap('no paying customers')],
  ])('%s', (_name, s, expected) => {
    expect(arpa(s)).toEqual(expected);
  });
});

describe('customerChurn', () => {
  it.each<[string, MrrSummary, FormulaResult]>([
    [
      '1 of 4',
      summary({ customersAtStart: 4, churnedCustomers: 1 }),
      value(0.25),
    ],
    [
      '3 of 50',
      summary({ customersAtStart: 50, churnedCustomers: 3 }),
      value(0.06),
    ],
    ['none of 3', summary({ customersAtStart: 3 }), value(0)],
    [
      'no customers at the start is a gap',
      summary({ customersAtEnd: 2, newCustomers: 2 }),
      gap('no customers at the start'),
    ],
  ])('%s', (_name, s, expected) => {
    expect(customerChurn(s)).toEqual(expected);
  });
});

describe('grossMrrChurn and netMrrChurn', () => {
  it.each<[string, MrrSummary, FormulaResult, FormulaResult]>([
    [
      'churn and contraction, no expansion',
      summary({
        startMrrMicros: usd(1000),
        churnMicros: usd(30),
        contractionMicros: usd(20),
      }),
      about(0.05), // (30 + 20) ÷ 1000
      about(0.05), // (30 + 20 − 0) ÷ 1000
    ],
    [
      'expansion smaller than the losses',
      summary({
        startMrrMicros: usd(1000),
        churnMicros: usd(30),
        contractionMicros: usd(20),
        expansionMicros: usd(10),
      }),
      about(0.05), // (30 + 20) ÷ 1000: expansion does not offset gross churn
      about(0.04), // (30 + 20 − 10) ÷ 1000
    ],
    [
      'expansion larger than the losses: net churn is negative',
      summary({
        startMrrMicros: usd(1000),
        churnMicros: usd(30),
        contractionMicros: usd(20),
        expansionMicros: usd(80),
      }),
      about(0.05), // (30 + 20) ÷ 1000
      about(-0.03), // (30 + 20 − 80) ÷ 1000
    ],
    [
      'new and reactivated MRR count in neither',
      summary({
        startMrrMicros: usd(500),
        churnMicros: usd(50),
        newMicros: usd(400),
        reactivationMicros: usd(100),
      }),
      about(0.1), // 50 ÷ 500
      about(0.1), // 50 ÷ 500
    ],
    [
      'no MRR at the start is a gap',
      summary({ endMrrMicros: usd(100), newMicros: usd(100) }),
      gap('no MRR at the start'),
      gap('no MRR at the start'),
    ],
  ])('%s', (_name, s, gross, net) => {
    expect(grossMrrChurn(s)).toEqual(gross);
    expect(netMrrChurn(s)).toEqual(net);
  });
});

describe('monthlyRate', () => {
  it.each([
    [0.05, 1, 0.05], // a month's rate is itself
    // 1 − (1 − 0.09)^(1/3) = 1 − 0.969052 = 0.030948: a quarter's 9 % is 3.1 % a month
    [0.09, 3, 0.030948],
    // 1 − 0.75^(1/12) = 1 − 0.976312 = 0.023688
    [0.25, 12, 0.023688],
    [0, 3, 0],
  ])('%d over %d months → %d a month', (rate, months, expected) => {
    const monthly = monthlyRate(rate, months);
    expect(monthly).toBeCloseTo(expected, 5);
    // compounding the monthly rate back gives the period's rate
    expect(1 - Math.pow(1 - monthly, months)).toBeCloseTo(rate, 12);
  });

  it('is not the naive average (9 % ÷ 3 = 3 %)', () => {
    expect(monthlyRate(0.09, 3)).toBeGreaterThan(0.03);
  });
});

describe('lifetimeValue', () => {
  it.each<[string, FormulaResult, number, FormulaResult, FormulaResult]>([
    [
      'ARPA $100, 80 % margin, 2 % churn',
      value(usd(100)),
      0.8,
      value(0.02),
      value(usd(4000)), // 100 × 0.8 ÷ 0.02 = 4000
    ],
    [
      'ARPA $170, 75 % margin, 25 % churn',
      value(usd(170)),
      0.75,
      value(0.25),
      value(usd(510)), // 170 × 0.75 ÷ 0.25 = 510
    ],
    [
      'ARPA $266.666667, 80 % margin, 25 % churn (the business in February)',
      value(266_666_667),
      0.8,
      value(0.25),
      value(853_333_334), // 266 666 667 × 0.8 ÷ 0.25 = 853 333 334.4 → 853 333 334
    ],
    [
      'zero churn is n/a, not infinity and not 0',
      value(usd(100)),
      0.8,
      value(0),
      gap('n/a: no customer churned, so the lifetime is unbounded'),
    ],
    [
      'an ARPA gap carries its reason',
      gap('no paying customers'),
      0.8,
      value(0.02),
      gap('no paying customers'),
    ],
    [
      'a churn gap carries its reason',
      value(usd(100)),
      0.8,
      gap('no customers at the start'),
      gap('no customers at the start'),
    ],
  ])('%s', (_name, arpaMicros, margin, churn, expected) => {
    expect(lifetimeValue(arpaMicros, margin, churn)).toEqual(expected);
  });
});

describe('customerAcquisitionCost', () => {
  it.each<[string, number | undefined, number, FormulaResult]>([
    ['$10 000 for 4 new customers', usd(10_000), 4, value(usd(2500))], // 10 000 ÷ 4
    [
      '$1 000 for 3 new customers',
      usd(1000),
      3,
      value(333_333_333), // 1000 ÷ 3 = 333.333333 → rounded to the micro
    ],
    // spend recorded as 0 is a real 0, unlike spend not recorded at all
    ['$0 recorded for 2 new customers', 0, 2, value(0)],
    ['no spend recorded is a gap', undefined, 4, gap('no spend recorded')],
    ['no new customers is a gap', usd(5000), 0, gap('no new customers')],
  ])('%s', (_name, spend, newCustomers, expected) => {
    expect(customerAcquisitionCost(spend, newCustomers)).toEqual(expected);
  });
});

describe('cacPaybackMonths', () => {
  it.each<[string, FormulaResult, MrrSummary, number, FormulaResult]>([
    [
      'CAC $2 500, 4 new customers bringing $500, 80 % margin',
      value(usd(2500)),
      summary({ newCustomers: 4, newMicros: usd(500) }),
      0.8,
      about(25), // new ARPA 500 ÷ 4 = 125; 2500 ÷ (125 × 0.8 = 100) = 25
    ],
    [
      'CAC $1 200, 2 new customers bringing $200, 80 % margin',
      value(usd(1200)),
      summary({ newCustomers: 2, newMicros: usd(200) }),
      0.8,
      about(15), // new ARPA 100; 1200 ÷ (100 × 0.8 = 80) = 15
    ],
    [
      'a CAC gap carries its reason',
      gap('no spend recorded'),
      summary({ newCustomers: 2, newMicros: usd(200) }),
      0.8,
      gap('no spend recorded'),
    ],
    [
      'no new customers is a gap',
      value(usd(1200)),
      summary({}),
      0.8,
      gap('no new MRR'),
    ],
    [
      'new customers on free plans bring no new MRR: a gap, not a division by 0',
      value(usd(1200)),
      summary({ newCustomers: 2 }),
      0.8,
      gap('no new MRR'),
    ],
  ])('%s', (_name, cac, s, margin, expected) => {
    expect(cacPaybackMonths(cac, s, margin)).toEqual(expected);
  });
});

describe('npsBucket', () => {
  it.each<[number, keyof SurveyCounts]>([
    [0, 'detractors'],
    [6, 'detractors'],
    [7, 'passives'],
    [8, 'passives'],
    [9, 'promoters'],
    [10, 'promoters'],
  ])('%d is one of the %s', (score, bucket) => {
    expect(npsBucket(score)).toBe(bucket);
  });

  it.each([[-1], [11], [7.5], [NaN], [Infinity]])(
    '%d is not a score',
    score => {
      expect(() => npsBucket(score)).toThrow(RangeError);
    },
  );
});

describe('netPromoterScore', () => {
  it.each<[SurveyCounts, FormulaResult]>([
    // (3 promoters − 1 detractor) ÷ 5 × 100 = 40
    [{ promoters: 3, passives: 1, detractors: 1 }, about(40)],
    // (6 − 2) ÷ 10 × 100 = 40
    [{ promoters: 6, passives: 2, detractors: 2 }, about(40)],
    // (4 − 0) ÷ 4 × 100 = 100
    [{ promoters: 4, passives: 0, detractors: 0 }, about(100)],
    // (0 − 2) ÷ 2 × 100 = −100
    [{ promoters: 0, passives: 0, detractors: 2 }, about(-100)],
    // (1 − 1) ÷ 4 × 100 = 0: a real 0
    [{ promoters: 1, passives: 2, detractors: 1 }, about(0)],
    // (1 − 3) ÷ 8 × 100 = −25
    [{ promoters: 1, passives: 4, detractors: 3 }, about(-25)],
    // only passives: (0 − 0) ÷ 3 × 100 = 0
    [{ promoters: 0, passives: 3, detractors: 0 }, about(0)],
    [{ promoters: 0, passives: 0, detractors: 0 }, gap('no survey responses')],
  ])('%j → %j', (counts, expected) => {
    expect(netPromoterScore(counts)).toEqual(expected);
  });
});

describe('uptime', () => {
  it.each<[number, number, FormulaResult]>([
    [999, 1000, value(0.999)], // 999 ÷ 1000
    [1000, 1000, value(1)],
    [0, 10, value(0)], // all probes failed is 0, a real value
    [0, 0, gap('no probes')], // no probes is a gap, never 0
  ])('%d good of %d → %j', (good, total, expected) => {
    expect(uptime(good, total)).toEqual(expected);
  });

  it('throws when more probes are good than there are', () => {
    expect(() => uptime(11, 10)).toThrow(RangeError);
  });
});

describe('ratio', () => {
  it.each<[string, FormulaResult, FormulaResult, FormulaResult]>([
    ['LTV $4 000 : CAC $1 000', value(usd(4000)), value(usd(1000)), value(4)],
    ['0 : 5', value(0), value(5), value(0)],
    [
      'a gap on the left carries its reason',
      gap('n/a: no customer churned, so the lifetime is unbounded'),
      value(usd(1000)),
      gap('n/a: no customer churned, so the lifetime is unbounded'),
    ],
    [
      'a gap on the right carries its reason',
      value(usd(4000)),
      gap('no spend recorded'),
      gap('no spend recorded'),
    ],
    ['a 0 divisor is a gap', value(usd(4000)), value(0), gap('divisor is 0')],
  ])('%s', (_name, a, b, expected) => {
    expect(ratio(a, b)).toEqual(expected);
  });
});

describe('relativeChange', () => {
  it.each<[number | null | undefined, number | null | undefined, unknown]>([
    [110, 100, expect.closeTo(0.1, 12)], // (110 − 100) ÷ 100
    [90, 100, expect.closeTo(-0.1, 12)], // (90 − 100) ÷ 100
    [0, 100, expect.closeTo(-1, 12)], // (0 − 100) ÷ 100
    [-50, -100, expect.closeTo(0.5, 12)], // (−50 − −100) ÷ |−100|: less negative is up
    [-150, -100, expect.closeTo(-0.5, 12)], // (−150 − −100) ÷ |−100|
    [5, 0, undefined], // from 0 there is no relative change
    [null, 100, undefined],
    [100, null, undefined],
    [undefined, 100, undefined],
    [100, undefined, undefined],
  ])('%p from %p', (current, previous, expected) => {
    expect(relativeChange(current, previous)).toEqual(expected);
  });
});
