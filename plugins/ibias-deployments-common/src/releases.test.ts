import { compareReleases, isReleaseTag, releasesNewestFirst } from './releases';

describe('isReleaseTag', () => {
  it.each([
    ['', false],
    ['v1.0.0', false],
    ['1.0', false],
    ['1.0.0.0', false],
    ['-1.0.0', false],
    ['1.0.0-', false],
    ['1.0.0+build.1', false],
    ['1.0.0 ', false],
    ['1.0.0\n', false],
    ['1.0.0-rc/1', false],
    ['1.0.0-..', true],
    ['--upload-pack=x', false],
    ['main', false],
    [`1.0.0-${'a'.repeat(100)}`, false],
    ['1.0.0', true],
    ['10.20.30', true],
    ['1.2.0-rc.1', true],
    ['1.2.0-alpha-2', true],
  ])('%j → %s', (tag, expected) => {
    expect(isReleaseTag(tag)).toBe(expected);
  });
});

describe('compareReleases', () => {
  it.each([
    ['1.0.0', '1.0.0', 0],
    ['1.0.0', '1.0.1', -1],
    ['1.2.0', '1.10.0', -1],
    ['2.0.0', '1.99.99', 1],
    ['1.0.0-rc.1', '1.0.0', -1],
    ['1.0.0', '1.0.0-rc.1', 1],
    ['1.0.0-alpha', '1.0.0-alpha.1', -1],
    ['1.0.0-alpha.1', '1.0.0-alpha.beta', -1],
    ['1.0.0-alpha.beta', '1.0.0-beta', -1],
    ['1.0.0-beta.2', '1.0.0-beta.11', -1],
    ['1.0.0-beta.11', '1.0.0-rc.1', -1],
    ['1.0.0-rc-1', '1.0.0-rc-2', -1],
    ['01.0.0', '1.0.0', 0],
    ['99999999999999999999.0.0', '99999999999999999998.0.0', 1],
  ])('%s vs %s → %d', (a, b, expected) => {
    expect(Math.sign(compareReleases(a, b))).toBe(expected);
  });
});

describe('releasesNewestFirst', () => {
  it('keeps release tags only, newest first, each once', () => {
    expect(
      releasesNewestFirst([
        '1.0.0',
        'latest',
        '1.10.0',
        '1.2.0',
        'v2.0.0',
        '1.2.0-rc.1',
        '1.2.0',
        '1.9.0',
      ]),
    ).toEqual(['1.10.0', '1.9.0', '1.2.0', '1.2.0-rc.1', '1.0.0']);
  });

  it('has nothing to list for a repository without release tags', () => {
    expect(releasesNewestFirst(['main', 'v1'])).toEqual([]);
  });
});
