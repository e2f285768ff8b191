import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';

/** The group that approves production changes when `ibias.deployments.releaseManagers` is unset. */
export const DEFAULT_RELEASE_MANAGERS = 'group:default/release-managers';

/**
 * `ibias.deployments.releaseManagers`, read one way by everything that needs it (the
 * permission policy that lets them approve, the backend that notifies them of a
 * break-glass rollback): a group ref, kind and namespace defaulted, in the catalog's
 * lowercase form so it compares equal to a user's ownership refs.
 */
export function readReleaseManagers(config: Config): string {
  const key = 'ibias.deployments.releaseManagers';
  const raw = config.getOptionalString(key) ?? DEFAULT_RELEASE_MANAGERS;
  let ref;
  try {
    ref = parseEntityRef(raw.trim(), {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
  } catch {
    throw new Error(
      `${key}: not an entity ref (e.g. ${DEFAULT_RELEASE_MANAGERS})`,
    );
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new Error(`${key}: must name a group, got kind ${ref.kind}`);
  }
  return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
}
