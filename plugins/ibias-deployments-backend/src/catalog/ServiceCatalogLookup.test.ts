import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ServiceCatalogLookup } from './ServiceCatalogLookup';

const component = (
  name: string,
  namespace: string,
  owner?: unknown,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace,
    annotations: {
      'backstage.io/managed-by-location': `file:/repos/${name}/catalog-info.yaml`,
      'backstage.io/source-location': `url:https://github.com/ibias/${name}`,
    },
  },
  spec: owner === undefined ? {} : { owner },
});

describe('ServiceCatalogLookup', () => {
  const lookup = new ServiceCatalogLookup({
    auth: mockServices.auth(),
    catalog: catalogServiceMock({
      entities: [
        component('api', 'default', 'web-team'),
        component('shop', 'retail', 'Web-Team'),
        component('edge', 'default', 'user:default/Alice'),
        component('orphan', 'default'),
        component('odd', 'default', 42),
      ],
    }),
  });

  it.each([
    ['component:default/api', { owner: 'group:default/web-team' }],
    ['component:retail/shop', { owner: 'group:retail/web-team' }],
    ['component:default/edge', { owner: 'user:default/alice' }],
    ['component:default/orphan', { owner: undefined }],
    ['component:default/odd', { owner: undefined }],
    ['component:default/missing', undefined],
  ])('the ownership of %s', async (entityRef, expected) => {
    expect(await lookup.ownership(entityRef)).toEqual(expected);
    expect(await lookup.ownerOf(entityRef)).toBe(expected?.owner);
  });

  it('reads where an entity came from, undefined when it is gone', async () => {
    expect(await lookup.locationsOf('component:default/api')).toEqual({
      managedBy: 'file:/repos/api/catalog-info.yaml',
      source: 'url:https://github.com/ibias/api',
    });
    expect(await lookup.locationsOf('component:default/missing')).toBe(
      undefined,
    );
  });

  it('answers undefined when the catalog fails', async () => {
    const failing = new ServiceCatalogLookup({
      auth: mockServices.auth(),
      catalog: {
        ...catalogServiceMock(),
        getEntityByRef: async () => {
          throw new Error('catalog down');
        },
      },
    });
    expect(await failing.ownership('component:default/api')).toBeUndefined();
    expect(await failing.locationsOf('component:default/api')).toBeUndefined();
  });
});
