import { InputError } from '@backstage/errors';
import { parseCsvImport, parseCsvRecords } from './csvImport';

describe('parseCsvRecords', () => {
  it.each([
    ['one record', 'a,b,c', [[1, ['a', 'b', 'c']]]],
    [
      'a final LF',
      'a,b\n1,2\n',
      [
        [1, ['a', 'b']],
        [2, ['1', '2']],
      ],
    ],
    [
      'CRLF',
      'a,b\r\n1,2\r\n',
      [
        [1, ['a', 'b']],
        [2, ['1', '2']],
      ],
    ],
    ['empty fields', ',,\n', [[1, ['', '', '']]]],
    ['a quoted comma and quote', 'a,"b, ""c"""\n', [[1, ['a', 'b, "c"']]]],
    ['an empty quoted field', '"",x', [[1, ['', 'x']]]],
    [
      'a quoted line break, counted in the next record’s line',
      'a,"two\nlines"\r\nb,c',
      [
        [1, ['a', 'two\nlines']],
        [3, ['b', 'c']],
      ],
    ],
    ['a byte order mark', '\uFEFFid,day\n', [[1, ['id', 'day']]]],
    [
      'a blank line, as a record of one empty field',
      'a\n\nb',
      [
        [1, ['a']],
        [2, ['']],
        [3, ['b']],
      ],
    ],
    ['nothing', '', []],
  ])('reads %s', (_what, text, expected) => {
    expect(parseCsvRecords(text).map(r => [r.line, r.fields])).toEqual(
      expected,
    );
  });

  it.each([
    [
      'a quote inside an unquoted field',
      'a,b"c',
      'line 1, field 2: a quote inside an unquoted field (quote the whole field and double the quote)',
    ],
    [
      'text after a closing quote',
      'a\n"b"c,d',
      'line 2, field 1: text after the closing quote of a quoted field',
    ],
    [
      'a quoted field never closed',
      'a\nb,"c\nd,e\n',
      'line 2, field 2: a quoted field is never closed',
    ],
    [
      'a lone CR',
      'a,b\rc',
      'line 1, field 2: a carriage return without a line feed',
    ],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseCsvRecords(text)).toThrow(message);
  });
});

const BILLING_HEADER =
  'id,customerId,subscriptionId,type,occurredAt,mrrMicros,plan';

describe('parseCsvImport', () => {
  it('reads billing events as POST /imports takes them, an empty optional cell left out', () => {
    expect(
      parseCsvImport(
        'billing',
        `${BILLING_HEADER}\r\nev_1,cus_1,sub_1,subscription_started,2026-03-01T10:00:00Z,49000000,"Pro, yearly"\r\nev_2,cus_1,sub_1,subscription_cancelled,2026-03-20T10:00:00Z,0,\r\n`,
      ),
    ).toEqual({
      billing: [
        {
          id: 'ev_1',
          customerId: 'cus_1',
          subscriptionId: 'sub_1',
          type: 'subscription_started',
          occurredAt: '2026-03-01T10:00:00Z',
          mrrMicros: 49_000_000,
          plan: 'Pro, yearly',
        },
        {
          id: 'ev_2',
          customerId: 'cus_1',
          subscriptionId: 'sub_1',
          type: 'subscription_cancelled',
          occurredAt: '2026-03-20T10:00:00Z',
          mrrMicros: 0,
        },
      ],
    });
  });

  it.each([
    [
      'spend',
      'day,channel,id,amountMicros\n2026-03-01,ads,sp_1,1500000000\n',
      {
        spend: [
          {
            id: 'sp_1',
            day: '2026-03-01',
            channel: 'ads',
            amountMicros: 1_500_000_000,
          },
        ],
      },
    ],
    [
      'surveys',
      'id,respondedAt,score,customerId\nnps_1,2026-03-02T09:00:00Z,9,\nnps_2,2026-03-02T09:05:00Z,0,cus_1\n',
      {
        surveys: [
          { id: 'nps_1', respondedAt: '2026-03-02T09:00:00Z', score: 9 },
          {
            id: 'nps_2',
            respondedAt: '2026-03-02T09:05:00Z',
            score: 0,
            customerId: 'cus_1',
          },
        ],
      },
    ],
    [
      'probes',
      'day,service,good,total\n2026-03-01,ibias-api,1439,1440\n',
      {
        probes: [
          { day: '2026-03-01', service: 'ibias-api', good: 1439, total: 1440 },
        ],
      },
    ],
    ['billing', `${BILLING_HEADER}\n`, { billing: [] }],
  ] as const)('reads %s', (kind, text, batch) => {
    expect(parseCsvImport(kind, text)).toEqual(batch);
  });

  const SECRET = 'cus_SECRET_VALUE';

  it.each([
    [
      'an empty file',
      'billing',
      '',
      /^The CSV is empty: its first line must name the columns, such as id,customerId/,
    ],
    [
      'an unknown column',
      'spend',
      'id,day,channel,amountMicros,amount\n',
      "The CSV's header (line 1) is not valid: column 5 is not a spend field (amount). The spend columns are id, day, channel, amountMicros; id, day, channel, amountMicros are required",
    ],
    [
      'a missing required column and a repeated one',
      'probes',
      'day,service,good,good\n',
      /^The CSV's header \(line 1\) is not valid: column good appears twice; required columns are missing: total\./,
    ],
    [
      'a syntax error',
      'billing',
      `${BILLING_HEADER}\nev_1,"${SECRET}"x,sub_1,subscription_started,2026-03-01T10:00:00Z,1,`,
      'The CSV is not valid: line 2, field 2: text after the closing quote of a quoted field',
    ],
    [
      'a row with too few fields',
      'billing',
      `${BILLING_HEADER}\nev_1,${SECRET},sub_1\n`,
      'The CSV has 1 problem, so nothing was imported: line 2 has 3 fields where the header has 7',
    ],
    [
      'an empty line',
      'probes',
      'day,service,good,total\n\n2026-03-01,api,1,1\n',
      'The CSV has 1 problem, so nothing was imported: line 2 is empty',
    ],
    [
      'an empty required cell',
      'billing',
      `${BILLING_HEADER}\nev_1,,sub_1,subscription_started,2026-03-01T10:00:00Z,1,`,
      'The CSV has 1 problem, so nothing was imported: line 2, column customerId: is empty',
    ],
    [
      'a number that is not an integer',
      'billing',
      `${BILLING_HEADER}\nev_1,cus_1,sub_1,subscription_started,2026-03-01T10:00:00Z,49.99,`,
      'The CSV has 1 problem, so nothing was imported: line 2, column mrrMicros: must be an integer',
    ],
    [
      'several bad cells on several lines, in the API’s wording',
      'billing',
      [
        BILLING_HEADER,
        'ev_1,cus_1,sub_1,subscription_started,2026-03-01T10:00:00Z,1,',
        `ev 2,cus_1,sub_1,${SECRET},2026-03-01,1,`,
        'ev_3,cus_1,sub_1,subscription_started,2026-03-01T10:00:00Z,-5,',
      ].join('\n'),
      'The CSV has 4 problems, so nothing was imported: line 3, column id: must be an id of letters, digits and _ . : -; line 3, column type: must be equal to one of the allowed values: subscription_started, subscription_changed, subscription_cancelled; line 3, column occurredAt: must match format "date-time"; line 4, column mrrMicros: must be >= 0',
    ],
  ] as const)(
    'refuses %s, naming where and never the cell',
    (_what, kind, text, message) => {
      let caught: unknown;
      try {
        parseCsvImport(kind, text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InputError);
      const said = caught instanceof Error ? caught.message : '';
      expect(said).toMatch(message);
      expect(said).not.toContain(SECRET);
    },
  );

  it('refuses more rows than an import takes', () => {
    const rows = Array.from(
      { length: 10_001 },
      (_, i) => `2026-03-01,svc_${i},1,1`,
    );
    expect(() =>
      parseCsvImport('probes', ['day,service,good,total', ...rows].join('\n')),
    ).toThrow('The CSV has 10001 rows; an import takes at most 10000');
  });

  it('lists 20 problems and counts the rest', () => {
    const rows = Array.from({ length: 25 }, () => '2026-03-01,api,x,1');
    expect(() =>
      parseCsvImport('probes', ['day,service,good,total', ...rows].join('\n')),
    ).toThrow(
      /^The CSV has 25 problems, so nothing was imported: line 2, column good: must be an integer;.* line 21, column good: must be an integer; and 5 more$/,
    );
  });
});
