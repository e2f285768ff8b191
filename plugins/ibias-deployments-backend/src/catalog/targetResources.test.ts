import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  deploymentTargetRules,
  type DeploymentTarget,
} from '@internal/plugin-ibias-deployments-node';
import { ServiceCatalogLookup } from './ServiceCatalogLookup';
import { deploymentTargetResources } from './targetResources';

const SERVICE = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'ibias-api', namespace: 'default' },
  spec: { owner: 'web-team' },
};
const ref = 'component:default/ibias-api#staging';
// What the IBIAS policy answers a deploy: conditional on owning the service.
const ownerOnly: PolicyDecision = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'ibias-deployments',
  resourceType: 'ibias-deployment-target',
  conditions: {
    rule: 'IS_OWNER',
    resourceType: 'ibias-deployment-target',
    params: { claims: ['user:default/wendy', 'group:default/web-team'] },
  },
};
const authorize = createConditionAuthorizer<DeploymentTarget, unknown>(
  Object.values(deploymentTargetRules) as never,
);

describe('deploymentTargetResources', () => {
  it('reads the owner from the catalog, and the owner is allowed', async () => {
    const lookup = new ServiceCatalogLookup({
      catalog: catalogServiceMock({ entities: [SERVICE] }),
      auth: mockServices.auth(),
    });
    const [target] = await deploymentTargetResources(lookup)([ref]);
    expect(target).toEqual({
      entityRef: 'component:default/ibias-api',
      environment: 'staging',
      owner: 'group:default/web-team',
    });
    expect(authorize(ownerOnly, target)).toBe(true);
  });

  it('the catalog unreachable: no resource, so the owner is refused, not allowed (issue 11)', async () => {
    const catalog = catalogServiceMock.mock({
      getEntityByRef: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:7007');
      },
    });
    const lookup = new ServiceCatalogLookup({
      catalog,
      auth: mockServices.auth(),
    });
    const [target] = await deploymentTargetResources(lookup)([ref]);
    expect(target).toBeUndefined();
    expect(authorize(ownerOnly, target)).toBe(false);
  });

  it('a ref that is not a deployment target has no resource', async () => {
    const lookup = { ownership: jest.fn() };
    expect(await deploymentTargetResources(lookup)(['nonsense'])).toEqual([
      undefined,
    ]);
    expect(lookup.ownership).not.toHaveBeenCalled();
  });
});
