import { csvField, toCsv, type CsvColumn } from './toCsv';

describe('csvField', () => {
  it.each<[string | number | boolean | null | undefined, string]>([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rlf', '"cr\rlf"'],
    [' padded ', '" padded "'],
    // formula injection: text a spreadsheet would evaluate is kept as text
    ['=1+2', "'=1+2"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', '"\'\rcmd"'],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['=a,b', '"\'=a,b"'],
    ['a=b', 'a=b'],
    // numbers stay numbers, negative ones too
    [-12.5, '-12.5'],
    [0, '0'],
    [1_234_000_000, '1234000000'],
    [Number.NaN, ''],
    [true, 'true'],
    // a gap is an empty field, never 0
    [null, ''],
    [undefined, ''],
  ])('%p → %p', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});

describe('toCsv', () => {
  interface Kpi {
    name: string;
    value: number | null;
    note?: string;
  }
  const columns: CsvColumn<Kpi>[] = [
    { header: 'KPI', value: r => r.name },
    { header: 'Value', value: r => r.value },
    { header: 'Note, if any', value: r => r.note },
  ];

  it('writes a header and the rows, CRLF-terminated, in order', () => {
    expect(
      toCsv(columns, [
        { name: 'MRR', value: 1_200_000 },
        { name: 'Churn', value: null, note: 'no customers at the start' },
        { name: '=cmd|"/c calc"!A1', value: -3, note: 'line\nbreak' },
      ]),
    ).toBe(
      [
        'KPI,Value,"Note, if any"',
        'MRR,1200000,',
        'Churn,,no customers at the start',
        '"\'=cmd|""/c calc""!A1",-3,"line\nbreak"',
        '',
      ].join('\r\n'),
    );
  });

  it('writes only the columns given', () => {
    expect(
      toCsv([columns[0]], [{ name: 'MRR', value: 1, note: 'hidden' }]),
    ).toBe('KPI\r\nMRR\r\n');
  });

  it('writes the header alone when there are no rows', () => {
    expect(toCsv(columns, [])).toBe('KPI,Value,"Note, if any"\r\n');
  });
});
