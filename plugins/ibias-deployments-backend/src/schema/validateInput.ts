import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { InputError, isError } from '@backstage/errors';
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

/**
 * What a 400 says for a value that does not match a `pattern`: the schema's
 * `x-ibias-pattern-message` (e.g. "must be a semantic version such as 1.2.0"), not the
 * regular expression.
 */
const PATTERN_MESSAGES: ReadonlyMap<string, string> = (() => {
  const found = new Map<string, string>();
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (
      typeof o.pattern === 'string' &&
      typeof o['x-ibias-pattern-message'] === 'string'
    ) {
      found.set(o.pattern, o['x-ibias-pattern-message']);
    }
    Object.values(o).forEach(walk);
  };
  walk(spec);
  return found;
})();

/**
 * The one wording of a validation failure, for the service's own check and for the
 * router's: `<where> <what is wrong>`, several joined by ", ". Unlike ajv's plain text
 * it names an unknown field, lists an enum's values and says what a pattern means.
 */
export function describeErrors(errors: ErrorObject[], at: string): string {
  return errors
    .map(e => {
      let where = `${at}${e.instancePath}`;
      let what = e.message ?? 'is not valid';
      if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
        what = `${what}: ${e.params.allowedValues.join(', ')}`;
      } else if (e.keyword === 'additionalProperties') {
        where = `${where}/${e.params.additionalProperty}`;
        what = 'is not a field this request accepts';
      } else if (e.keyword === 'pattern') {
        what = PATTERN_MESSAGES.get(e.params.pattern) ?? what;
      }
      return `${where} ${what}`;
    })
    .join(', ');
}

/** Validates `value` against a component schema; undefined when it is valid. */
function problemsWith(name: string, value: unknown, at: string) {
  const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
  if (!validate) throw new Error(`The API document has no schema ${name}`);
  return validate(value)
    ? undefined
    : describeErrors(validate.errors ?? [], at);
}

/**
 * Rewords the 400 of the router's validator (express-openapi-validator, which words it
 * with ajv's plain text and passes on only that text) in the words of
 * {@link describeErrors}: a pattern says what it means, and an unknown body field is
 * named, by checking the body again against the operation's own schema.
 */
export function explainRequestError(
  error: unknown,
  request: { method: string; body?: unknown; openapi?: unknown },
): unknown {
  if (!isError(error) || error.name !== 'InputError') return error;
  let message = error.message;
  if (/^request\/body\S* must NOT have additional properties/.test(message)) {
    const name = bodySchemaName(request);
    const named = name && problemsWith(name, request.body, 'request/body');
    if (named) message = named;
  }
  for (const [pattern, phrase] of PATTERN_MESSAGES) {
    message = message.split(`must match pattern "${pattern}"`).join(phrase);
  }
  return message === error.message ? error : new InputError(message);
}

/** The component schema of the matched operation's JSON body, if it names one. */
function bodySchemaName(request: { method: string; openapi?: unknown }) {
  const route = (request.openapi as { openApiRoute?: string } | undefined)
    ?.openApiRoute;
  const paths = spec.paths as Record<string, Record<string, unknown>>;
  const operation = route
    ? (paths[route]?.[request.method.toLowerCase()] as
        | {
            requestBody?: {
              content?: { 'application/json'?: { schema?: { $ref?: string } } };
            };
          }
        | undefined)
    : undefined;
  const ref =
    operation?.requestBody?.content?.['application/json']?.schema?.$ref;
  const match = ref?.match(/^#\/components\/schemas\/([^/]+)$/);
  return match?.[1];
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
  const problems = problemsWith(name, value, at);
  if (problems) throw new InputError(problems);
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
