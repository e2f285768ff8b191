import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { InputError } from '@backstage/errors';
import type { components } from '@internal/plugin-ibias-deployments-common';
import { spec } from './openapi.generated';

type Schemas = components['schemas'];
type SchemaName = keyof Schemas & keyof typeof spec.components.schemas;

// The OpenAPI document's component schemas, compiled once. `strict: false` because the
// document carries OpenAPI keywords (and x-ibias-*) JSON Schema does not know.
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
ajv.addSchema(spec, 'openapi');

/**
 * Where a value sits in an HTTP request, as the router's validator
 * (express-openapi-validator, through @backstage/backend-openapi-utils) names it, so a
 * caller that is not HTTP gets the same message an HTTP request would.
 */
export type InputLocation = 'request/body' | 'request/params/id';

function messageOf(errors: ErrorObject[], at: InputLocation) {
  return ajv.errorsText(
    errors.map(e =>
      // Like the router's validator, say which values an enum allows.
      e.keyword === 'enum' && Array.isArray(e.params.allowedValues)
        ? {
            ...e,
            message: `${e.message}: ${e.params.allowedValues.join(', ')}`,
          }
        : e,
    ),
    { dataVar: at },
  );
}

/**
 * Throws InputError unless `value` matches the document's component schema `name`; the
 * message names the field like the HTTP API's 400 does.
 */
export function assertValidInput<N extends SchemaName>(
  name: N,
  value: unknown,
  at: InputLocation,
): asserts value is Schemas[N] {
  const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
  if (!validate) throw new Error(`The API document has no schema ${name}`);
  if (!validate(value)) {
    throw new InputError(messageOf(validate.errors ?? [], at));
  }
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
