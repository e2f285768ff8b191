/**
 * What counts as a release of a service: a git tag named like a semantic version
 * (`1.2.0`, `2.0.0-rc.1`), nothing else. The pattern is also what keeps a version from
 * the wire safe to hand to git as an argument: it cannot start with `-` (an option) nor
 * hold a space, a slash, `^`, `~`, `:` or `@` (revision syntax).
 */
export const RELEASE_TAG_PATTERN = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** Longest release name accepted (git allows far longer; nobody needs it). */
const MAX_RELEASE_LENGTH = 100;

/** Whether `tag` names a release (see RELEASE_TAG_PATTERN). */
export function isReleaseTag(tag: string): boolean {
  return tag.length <= MAX_RELEASE_LENGTH && RELEASE_TAG_PATTERN.test(tag);
}

function compareIdentifiers(a: string, b: string): number {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);
  // Numeric identifiers compare as numbers and sort before alphanumeric ones.
  if (numericA && numericB) return compareNumbers(a, b);
  if (numericA) return -1;
  if (numericB) return 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Compares decimal strings of any length as numbers (no float rounding). */
function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

/**
 * Semantic version precedence of two release tags: negative when `a` is older, positive
 * when newer, 0 when equal. A pre-release is older than its release (`1.0.0-rc.1` <
 * `1.0.0`); pre-release identifiers compare one by one, numbers as numbers.
 */
export function compareReleases(a: string, b: string): number {
  const [coreA, ...preA] = a.split('-');
  const [coreB, ...preB] = b.split('-');
  const partsA = coreA.split('.');
  const partsB = coreB.split('.');
  for (let i = 0; i < 3; i++) {
    const c = compareNumbers(partsA[i] ?? '0', partsB[i] ?? '0');
    if (c !== 0) return c;
  }
  const pre = (p: string[]) => (p.length ? p.join('-').split('.') : []);
  const idsA = pre(preA);
  const idsB = pre(preB);
  if (!idsA.length || !idsB.length) return idsB.length - idsA.length;
  for (let i = 0; i < Math.min(idsA.length, idsB.length); i++) {
    const c = compareIdentifiers(idsA[i], idsB[i]);
    if (c !== 0) return c;
  }
  return idsA.length - idsB.length;
}

/** The release tags among `tags`, newest first, each once. */
export function releasesNewestFirst(tags: Iterable<string>): string[] {
  return [...new Set(tags)]
    .filter(isReleaseTag)
    .sort((a, b) => compareReleases(b, a) || (a < b ? -1 : 1));
}
