import path from 'node:path';
import { InputError } from '@backstage/errors';

/** A service name: a valid entity name and a safe folder name at once. */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Throws InputError unless `name` is a valid IBIAS service name. */
export function assertServiceName(name: string): string {
  if (name.length < 3 || name.length > 40 || !SERVICE_NAME_PATTERN.test(name)) {
    throw new InputError(
      `Invalid service name '${name}': use 3 to 40 lower case letters, digits and single hyphens, starting with a letter`,
    );
  }
  return name;
}

/**
 * A release version, as the deployments plugin lists a repository's tags (its
 * RELEASE_TAG_PATTERN): `1.0.0`, `2.0.0-rc.1`. Never an option or a revision expression.
 */
export const RELEASE_VERSION_PATTERN = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** Throws InputError unless `version` is a release version. */
export function assertReleaseVersion(version: string): string {
  if (version.length > 100 || !RELEASE_VERSION_PATTERN.test(version)) {
    throw new InputError(
      `Invalid version '${version.slice(
        0,
        100,
      )}': use a release version like 1.0.0`,
    );
  }
  return version;
}

/**
 * Resolves `relative` inside `root`, refusing absolute paths and anything that escapes
 * the root (`../`), before a single file is touched.
 */
export function resolveInside(root: string, relative: string): string {
  if (path.isAbsolute(relative) || /^[a-zA-Z]:[\\/]/.test(relative)) {
    throw new InputError(`Absolute paths are not allowed: '${relative}'`);
  }
  const resolved = path.resolve(root, relative);
  const rel = path.relative(root, resolved);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new InputError(`Path '${relative}' points outside the workspace`);
  }
  return resolved;
}
