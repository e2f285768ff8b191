import { InputError } from '@backstage/errors';
import {
  createRequestValidation,
  type RequestValidation,
} from '@internal/ibias-backend-openapi';
import type { components } from '@internal/plugin-ibias-deployments-common';
import { spec } from './openapi.generated';

type Schemas = components['schemas'];
type SchemaName = keyof Schemas & keyof typeof spec.components.schemas;

/**
 * Where a value sits in an HTTP request, as the router's validator
 * (express-openapi-validator, through @backstage/backend-openapi-utils) names it, so a
 * caller that is not HTTP gets the same message an HTTP request would.
 */
export type InputLocation = 'request/body' | 'request/params/id';

const validation: RequestValidation<Schemas> =
  createRequestValidation<Schemas>(spec);

/** The one wording of a validation failure (see @internal/ibias-backend-openapi). */
export const describeErrors = validation.describeErrors;

/** Rewords the 400 of the router's validator in the words of {@link describeErrors}. */
export const explainRequestError = validation.explainRequestError;

/**
 * Throws InputError unless `value` matches the document's component schema `name`; the
 * message names the field like the HTTP API's 400 does.
 */
export function assertValidInput<N extends SchemaName>(
  name: N,
  value: unknown,
  at: InputLocation,
): asserts value is Schemas[N] {
  validation.assertValid(name, value, at);
}

/**
 * The bounds of a string the document marks `x-ibias-trimmed`: JSON Schema cannot trim,
 * so the HTTP validator checks the raw length and the service the trimmed one.
 */
export const BREAK_GLASS_REASON = {
  min: spec.components.schemas.BreakGlass.properties.reason.minLength,
  max: spec.components.schemas.BreakGlass.properties.reason.maxLength,
} as const;

/** Throws InputError unless the trimmed break-glass reason is within its bounds. */
export function assertTrimmedReason(reason: string) {
  const length = reason.trim().length;
  if (length < BREAK_GLASS_REASON.min || length > BREAK_GLASS_REASON.max) {
    throw new InputError(
      `request/body/breakGlass/reason must say why in ${BREAK_GLASS_REASON.min} to ${BREAK_GLASS_REASON.max} characters, leading and trailing white space not counted`,
    );
  }
}
