import type { Entity } from '@backstage/catalog-model';
import { entityLocations, normalizeEntityRef, notDeployable } from './entities';

const component = (
  annotations: Record<string, string> = {},
  kind = 'Component',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'IBIAS-API', namespace: 'Default', annotations },
});

describe('normalizeEntityRef', () => {
  it.each([
    ['component:default/ibias-api', 'component:default/ibias-api'],
    ['Component:Default/IBIAS-API', 'component:default/ibias-api'],
  ])('%s → %s', (ref, expected) => {
    expect(normalizeEntityRef(ref)).toBe(expected);
  });

  it('refuses what is not a ref, quoting at most 100 characters of it', () => {
    expect(() => normalizeEntityRef('x'.repeat(300))).toThrow(
      `"${'x'.repeat(
        100,
      )}" is not an entity ref like component:default/ibias-api`,
    );
  });
});

describe('notDeployable', () => {
  it.each([
    [component({ 'ibias.io/environments': './environments.yaml' }), undefined],
    [
      component({}),
      'component:default/ibias-api has no ibias.io/environments annotation; only Components with ibias.io/environments are deployable',
    ],
    [
      component({ 'ibias.io/environments': './environments.yaml' }, 'Resource'),
      'resource:default/ibias-api is a Resource; only Components with ibias.io/environments are deployable',
    ],
  ])('%#', (entity, why) => {
    expect(notDeployable(entity)).toBe(why);
  });
});

describe('entityLocations', () => {
  it('reads the managed-by and source locations, either possibly missing', () => {
    expect(
      entityLocations(
        component({
          'backstage.io/managed-by-location': 'file:/srv/catalog.yaml',
          'backstage.io/source-location': 'url:https://git.example/svc/',
        }),
      ),
    ).toEqual({
      managedBy: 'file:/srv/catalog.yaml',
      source: 'url:https://git.example/svc/',
    });
    expect(entityLocations(component())).toEqual({
      managedBy: undefined,
      source: undefined,
    });
  });
});
