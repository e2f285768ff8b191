import {
  DEPLOYMENT_STATUSES,
  ENVIRONMENTS,
  STRATEGIES,
} from '@internal/plugin-ibias-deployments-common';
import { spec } from './openapi.generated';

describe('the OpenAPI document', () => {
  it.each([
    ['Environment', spec.components.schemas.Environment.enum, ENVIRONMENTS],
    ['Strategy', spec.components.schemas.Strategy.enum, STRATEGIES],
    ['Status', spec.components.schemas.Status.enum, DEPLOYMENT_STATUSES],
  ])('declares %s in the order of the -common constant', (_n, enumOf, list) => {
    expect([...enumOf]).toEqual([...list]);
  });
});
