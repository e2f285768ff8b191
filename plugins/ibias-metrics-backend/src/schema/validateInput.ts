import {
  createRequestValidation,
  type RequestValidation,
} from '@internal/ibias-backend-openapi';
import type { components } from '@internal/plugin-ibias-metrics-common';
import { spec } from './openapi.generated';

const validation: RequestValidation<components['schemas']> =
  createRequestValidation<components['schemas']>(spec);

/** Rewords the router validator's 400s: a pattern says what it means, a field is named. */
export const explainRequestError = validation.explainRequestError;
