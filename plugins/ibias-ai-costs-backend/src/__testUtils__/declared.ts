import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { spec } from '../schema/openapi.generated';

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
ajv.addSchema(spec, 'openapi');

/**
 * Whether a response body is what src/schema/openapi.yaml declares for its route, method
 * and status: undefined when it is, else what differs (for tests of the router).
 */
export function declared(
  route: string,
  method: string,
  status: number,
  body: unknown,
): string | undefined {
  const op = (spec.paths as any)[route][method];
  let response = op.responses[String(status)];
  if (!response) return `no ${status} declared for ${method} ${route}`;
  if (response.$ref) {
    response = (spec.components.responses as any)[
      response.$ref.split('/').pop()
    ];
  }
  const ref = response.content['application/json'].schema.$ref as string;
  const validate = ajv.getSchema(`openapi${ref}`)!;
  return validate(body) ? undefined : JSON.stringify(validate.errors);
}
