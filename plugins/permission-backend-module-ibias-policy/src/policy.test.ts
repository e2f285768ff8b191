import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  approvePermission,
  deployPermission,
  rollbackPermission,
} from '@internal/plugin-ibias-deployments-common';
import { IbiasPermissionPolicy } from './policy';

const policy = new IbiasPermissionPolicy({
  releaseManagers: 'group:default/release-managers',
});

function user(...ownership: string[]): PolicyQueryUser {
  return {
    identity: {
      type: 'user',
      userEntityRef: ownership[0],
      ownershipEntityRefs: ownership,
    },
    info: { userEntityRef: ownership[0], ownershipEntityRefs: ownership },
    token: 'token',
    credentials: {} as PolicyQueryUser['credentials'],
  } as PolicyQueryUser;
}

const guest = user('user:default/guest', 'group:default/web-team');
const rita = user(
  'user:default/rita.release',
  'group:default/release-managers',
);

describe('IbiasPermissionPolicy', () => {
  it.each([
    ['deploy', deployPermission],
    ['rollback', rollbackPermission],
  ])('%s is conditional on owning the service', async (_l, permission) => {
    expect(await policy.handle({ permission }, guest)).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'ibias-deployments',
      resourceType: 'ibias-deployment-target',
      conditions: {
        rule: 'IS_OWNER',
        resourceType: 'ibias-deployment-target',
        params: { claims: ['user:default/guest', 'group:default/web-team'] },
      },
    });
  });

  it.each([
    ['a release manager', rita, AuthorizeResult.ALLOW],
    ['an owner who is not a release manager', guest, AuthorizeResult.DENY],
    ['nobody signed in', undefined, AuthorizeResult.DENY],
  ])('approve: %s → %s', async (_l, who, result) => {
    expect(
      (await policy.handle({ permission: approvePermission }, who)).result,
    ).toBe(result);
  });

  it('deploy without a user is denied', async () => {
    expect((await policy.handle({ permission: deployPermission })).result).toBe(
      AuthorizeResult.DENY,
    );
  });

  it('leaves every other permission allowed', async () => {
    const other = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
    });
    expect((await policy.handle({ permission: other }, guest)).result).toBe(
      AuthorizeResult.ALLOW,
    );
  });
});
