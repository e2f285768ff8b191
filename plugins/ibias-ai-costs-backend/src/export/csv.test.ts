import { csvField, csvLine, microsToDollars } from './csv';

describe('csvField', () => {
  it.each([
    ['plain', 'gpt-4o', 'gpt-4o'],
    ['a comma', 'a,b', '"a,b"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
    ['a line break', 'a\nb', '"a\nb"'],
    ['a leading space', ' x', '" x"'],
    ['a formula', '=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['a plus', '+1', "'+1"],
    ['a minus', '-1+2', "'-1+2"],
    ['an at', '@SUM(A1)', "'@SUM(A1)"],
    ['a tab', '\tx', "'\tx"],
    ['a number', 12.5, '12.5'],
    ['a negative number (no formula)', -3, '-3'],
    ['not a number', Number.NaN, ''],
    ['nothing', null, ''],
    ['undefined', undefined, ''],
  ])('%s', (_c, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('ends a line with CRLF', () => {
    expect(csvLine(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
  });
});

describe('microsToDollars', () => {
  it.each([
    [0, '0.000000'],
    [210, '0.000210'],
    [1_000_000, '1.000000'],
    [123_456_789_012, '123456.789012'],
    [-5, '-0.000005'],
  ])('%d µ$ is $%s', (micros, dollars) => {
    expect(microsToDollars(micros)).toBe(dollars);
  });
});
