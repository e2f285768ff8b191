import { InputError } from '@backstage/errors';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { ENVIRONMENTS_ANNOTATION } from '@internal/plugin-ibias-deployments-common';

// What the plugin knows about catalog entities: how a ref is keyed, which entities are
// deployable, and where an entity was read from.

/**
 * An entity ref as the catalog keys it (catalog-backend lowercases refs): kind, namespace
 * and name, all lowercase. Throws InputError for what is not an entity ref.
 */
export function normalizeEntityRef(ref: string): string {
  let parsed;
  try {
    parsed = parseEntityRef(ref);
  } catch {
    throw new InputError(
      `${JSON.stringify(
        ref.slice(0, 100),
      )} is not an entity ref like component:default/ibias-api`,
    );
  }
  return stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
}

/** Where the catalog read an entity from and where its source lives (TargetRef.locations). */
export function entityLocations(entity: Entity) {
  const annotations = entity.metadata.annotations ?? {};
  return {
    managedBy: annotations[ANNOTATION_LOCATION],
    source: annotations[ANNOTATION_SOURCE_LOCATION],
  };
}

/** Why an entity cannot be deployed, or undefined when it can. */
export function notDeployable(entity: Entity): string | undefined {
  const ref = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  const why = `only Components with ${ENVIRONMENTS_ANNOTATION} are deployable`;
  if (entity.kind.toLocaleLowerCase('en-US') !== 'component') {
    return `${ref} is a ${entity.kind}; ${why}`;
  }
  if (!entity.metadata.annotations?.[ENVIRONMENTS_ANNOTATION]) {
    return `${ref} has no ${ENVIRONMENTS_ANNOTATION} annotation; ${why}`;
  }
  return undefined;
}
