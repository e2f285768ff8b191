import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { InputError, isError } from '@backstage/errors';

/** The parts of an OpenAPI document the validation reads. */
export interface OpenApiDocument {
  paths: object;
  components: { schemas: object };
}

/**
 * One wording of a request that does not match an OpenAPI document, for the router's
 * validator (express-openapi-validator through @backstage/backend-openapi-utils, which
 * words it with ajv's plain text) and the service's own checks alike:
 * `<where> <what is wrong>`. Unlike ajv's text it names an unknown field, lists an enum's
 * values and says what a pattern means (the schema's `x-ibias-pattern-message`).
 */
export interface RequestValidation<Schemas> {
  describeErrors(errors: ErrorObject[], at: string): string;
  /** Rewords the router validator's InputError; other errors pass unchanged. */
  explainRequestError(
    error: unknown,
    request: { method: string; body?: unknown; openapi?: unknown },
  ): unknown;
  /** Problems of `value` against component schema `name`, or undefined when valid. */
  problemsWith(name: string, value: unknown, at: string): string | undefined;
  /** Throws InputError unless `value` matches component schema `name`. */
  assertValid<N extends keyof Schemas & string>(
    name: N,
    value: unknown,
    at: string,
  ): asserts value is Schemas[N];
}

export function createRequestValidation<Schemas>(
  spec: OpenApiDocument,
): RequestValidation<Schemas> {
  // `strict: false` because the document carries OpenAPI keywords (and x-ibias-*) that
  // JSON Schema does not know.
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  ajv.addSchema(spec, 'openapi');

  const patternMessages = new Map<string, string>();
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (
      typeof o.pattern === 'string' &&
      typeof o['x-ibias-pattern-message'] === 'string'
    ) {
      patternMessages.set(o.pattern, o['x-ibias-pattern-message']);
    }
    Object.values(o).forEach(walk);
  };
  walk(spec);

  const describeErrors = (errors: ErrorObject[], at: string) =>
    errors
      .map(e => {
        let where = `${at}${e.instancePath}`;
        let what = e.message ?? 'is not valid';
        if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
          what = `${what}: ${e.params.allowedValues.join(', ')}`;
        } else if (e.keyword === 'additionalProperties') {
          // The caller's own field name, cut short: a 1 MB name is not echoed back.
          const field = String(e.params.additionalProperty);
          where = `${where}/${
            field.length > 64 ? `${field.slice(0, 64)}…` : field
          }`;
          what = 'is not a field this request accepts';
        } else if (e.keyword === 'pattern') {
          what = patternMessages.get(e.params.pattern) ?? what;
        }
        return `${where} ${what}`;
      })
      .join(', ');

  const problemsWith = (name: string, value: unknown, at: string) => {
    const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
    if (!validate) throw new Error(`The API document has no schema ${name}`);
    return validate(value)
      ? undefined
      : describeErrors(validate.errors ?? [], at);
  };

  /** The component schema of the matched operation's JSON body, if it names one. */
  const bodySchemaName = (request: { method: string; openapi?: unknown }) => {
    const route = (request.openapi as { openApiRoute?: string } | undefined)
      ?.openApiRoute;
    const paths = spec.paths as Record<string, Record<string, unknown>>;
    const operation = route
      ? (paths[route]?.[request.method.toLowerCase()] as
          | {
              requestBody?: {
                content?: {
                  'application/json'?: { schema?: { $ref?: string } };
                };
              };
            }
          | undefined)
      : undefined;
    const ref =
      operation?.requestBody?.content?.['application/json']?.schema?.$ref;
    return ref?.match(/^#\/components\/schemas\/([^/]+)$/)?.[1];
  };

  const explainRequestError: RequestValidation<Schemas>['explainRequestError'] =
    (error, request) => {
      if (!isError(error) || error.name !== 'InputError') return error;
      let message = error.message;
      if (
        /^request\/body\S* must NOT have additional properties/.test(message)
      ) {
        const name = bodySchemaName(request);
        const named = name && problemsWith(name, request.body, 'request/body');
        if (named) message = named;
      }
      for (const [pattern, phrase] of patternMessages) {
        message = message.split(`must match pattern "${pattern}"`).join(phrase);
      }
      return message === error.message ? error : new InputError(message);
    };

  function assertValid<N extends keyof Schemas & string>(
    name: N,
    value: unknown,
    at: string,
  ): asserts value is Schemas[N] {
    const problems = problemsWith(name, value, at);
    if (problems) throw new InputError(problems);
  }

  return { describeErrors, explainRequestError, problemsWith, assertValid };
}
