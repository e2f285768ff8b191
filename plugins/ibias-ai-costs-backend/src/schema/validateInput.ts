import {
  createRequestValidation,
  type RequestValidation,
} from '@internal/ibias-backend-openapi';
import {
  CONTENT_FIELDS,
  type components,
} from '@internal/plugin-ibias-ai-costs-common';
import { isError } from '@backstage/errors';
import { spec } from './openapi.generated';

export const validation: RequestValidation<components['schemas']> =
  createRequestValidation<components['schemas']>(spec);

const CONTENT = new RegExp(
  `/(${CONTENT_FIELDS.join('|')}) is not a field this request accepts`,
);

/**
 * Rewords the router validator's 400s: a pattern says what it means, a field is named,
 * and a field that would carry a prompt or a completion says that such text is refused.
 */
export function explainRequestError(
  error: unknown,
  request: { method: string; body?: unknown; openapi?: unknown },
): unknown {
  const explained = validation.explainRequestError(error, request);
  if (isError(explained) && CONTENT.test(explained.message)) {
    explained.message = `${explained.message} (prompt and completion text are not accepted: usage only)`;
  }
  return explained;
}
