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
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogEntityValidatePermission,
  catalogIngestionManagePermission,
  catalogLocationAnalyzePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateDryRunPermission,
  templateManagementPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  metricsBusinessReadPermission,
  metricsImportPermission,
} from '@internal/plugin-ibias-metrics-common';
import {
  aiCostsAlertUpdatePermission,
  aiCostsReadPermission,
  aiCostsRepricePermission,
} from '@internal/plugin-ibias-ai-costs-common';
import { teamsAllowedBy } from '@internal/plugin-ibias-ai-costs-node';
import { IbiasPermissionPolicy } from './policy';

const policy = new IbiasPermissionPolicy({
  releaseManagers: 'group:default/release-managers',
  catalogAdmins: ['group:default/platform-team'],
  businessReaders: ['group:default/executives', 'group:default/platform-team'],
  aiCostsReaders: ['group:default/executives'],
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
const nora = user('user:default/nora.nobody', 'group:default/executives');
const ana = user('user:default/ana.platform', 'group:default/platform-team');
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
    [
      'a release manager whose ref is in another letter case',
      user('user:default/rita.release', 'Group:default/Release-Managers'),
      AuthorizeResult.ALLOW,
    ],
    [
      'a member of a group whose name only starts the same',
      user('user:default/eve', 'group:default/release-managers-2'),
      AuthorizeResult.DENY,
    ],
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

  describe('metrics', () => {
    it.each([
      ['an executive', nora, AuthorizeResult.ALLOW],
      ['the platform team', ana, AuthorizeResult.ALLOW],
      [
        'an executive whose ref is in another letter case',
        user('user:default/nora.nobody', 'Group:default/Executives'),
        AuthorizeResult.ALLOW,
      ],
      ['a developer who owns services', guest, AuthorizeResult.DENY],
      ['a release manager', rita, AuthorizeResult.DENY],
      [
        'a member of a look-alike group',
        user('user:default/eve', 'group:default/executives-2'),
        AuthorizeResult.DENY,
      ],
      ['nobody signed in', undefined, AuthorizeResult.DENY],
    ])('financial KPIs: %s', async (_l, who, expected) => {
      const permission = metricsBusinessReadPermission;
      expect((await policy.handle({ permission }, who)).result).toBe(expected);
    });

    it('importing business records is for administrators', async () => {
      const permission = metricsImportPermission;
      expect((await policy.handle({ permission }, ana)).result).toBe(
        AuthorizeResult.ALLOW,
      );
      for (const who of [nora, guest, undefined]) {
        expect((await policy.handle({ permission }, who)).result).toBe(
          AuthorizeResult.DENY,
        );
      }
    });
  });

  describe('AI costs', () => {
    const permission = aiCostsReadPermission;
    it('executives read every team; nobody signed in reads none', async () => {
      expect((await policy.handle({ permission }, nora)).result).toBe(
        AuthorizeResult.ALLOW,
      );
      expect((await policy.handle({ permission }, undefined)).result).toBe(
        AuthorizeResult.DENY,
      );
    });

    it.each([
      ['group:default/web-team', true],
      ['Group:default/Web-Team', true],
      ['group:default/ai-team', false],
      ['unattributed', false],
    ])(
      'a web-team member reads %s: %s (the teams they belong to)',
      async (team, allowed) => {
        const decision = await policy.handle({ permission }, guest);
        expect(decision.result).toBe(AuthorizeResult.CONDITIONAL);
        expect(teamsAllowedBy(decision)(team)).toBe(allowed);
      },
    );

    it.each([
      ['read', aiCostsReadPermission],
      ['update alerts', aiCostsAlertUpdatePermission],
    ])(
      '%s: allowed to executives, conditional on membership for a member, denied to nobody signed in',
      async (_l, p) => {
        expect((await policy.handle({ permission: p }, nora)).result).toBe(
          AuthorizeResult.ALLOW,
        );
        expect(await policy.handle({ permission: p }, guest)).toEqual({
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'ibias-ai-costs',
          resourceType: 'ibias-ai-costs-team',
          conditions: {
            rule: 'IS_TEAM_MEMBER',
            resourceType: 'ibias-ai-costs-team',
            params: {
              claims: ['user:default/guest', 'group:default/web-team'],
            },
          },
        });
        expect((await policy.handle({ permission: p }, undefined)).result).toBe(
          AuthorizeResult.DENY,
        );
      },
    );

    it.each([
      ['group:default/web-team', true],
      ['group:default/ai-team', false],
    ])(
      "a web-team member updates %s's alerts: %s (as they read its spend)",
      async (team, allowed) => {
        const update = await policy.handle(
          { permission: aiCostsAlertUpdatePermission },
          guest,
        );
        expect(teamsAllowedBy(update)(team)).toBe(allowed);
        const read = await policy.handle({ permission }, guest);
        expect(teamsAllowedBy(read)(team)).toBe(allowed);
      },
    );

    it('only the readers of every team re-price recorded usage', async () => {
      const reprice = aiCostsRepricePermission;
      expect((await policy.handle({ permission: reprice }, nora)).result).toBe(
        AuthorizeResult.ALLOW,
      );
      for (const who of [guest, ana, undefined]) {
        expect((await policy.handle({ permission: reprice }, who)).result).toBe(
          AuthorizeResult.DENY,
        );
      }
    });
  });

  describe('catalog and scaffolder administration', () => {
    it.each([
      ['register a location', catalogLocationCreatePermission],
      ['delete a location', catalogLocationDeletePermission],
      ['analyse a location', catalogLocationAnalyzePermission],
      ['validate an entity (it reads URLs)', catalogEntityValidatePermission],
      ['manage ingestion', catalogIngestionManagePermission],
      ['dry-run a template', templateDryRunPermission],
      ['manage templates', templateManagementPermission],
    ])('%s: platform-team only', async (_l, permission) => {
      expect((await policy.handle({ permission }, ana)).result).toBe(
        AuthorizeResult.ALLOW,
      );
      for (const who of [guest, nora, undefined]) {
        expect((await policy.handle({ permission }, who)).result).toBe(
          AuthorizeResult.DENY,
        );
      }
    });

    it('deleting an entity: an administrator may, anyone else only what they own', async () => {
      const permission = catalogEntityDeletePermission;
      expect((await policy.handle({ permission }, ana)).result).toBe(
        AuthorizeResult.ALLOW,
      );
      expect(await policy.handle({ permission }, nora)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: {
            claims: ['user:default/nora.nobody', 'group:default/executives'],
          },
        },
      });
      expect((await policy.handle({ permission })).result).toBe(
        AuthorizeResult.DENY,
      );
    });

    it.each([
      ['cancel', taskCancelPermission],
      ['read', taskReadPermission],
    ])(
      'a task: %s by whoever started it or an administrator',
      async (_l, permission) => {
        expect((await policy.handle({ permission }, ana)).result).toBe(
          AuthorizeResult.ALLOW,
        );
        expect(await policy.handle({ permission }, nora)).toEqual({
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'scaffolder',
          resourceType: 'scaffolder-task',
          conditions: {
            rule: 'IS_TASK_OWNER',
            resourceType: 'scaffolder-task',
            params: { createdBy: ['user:default/nora.nobody'] },
          },
        });
        expect((await policy.handle({ permission })).result).toBe(
          AuthorizeResult.DENY,
        );
      },
    );

    it.each([
      ['read entities', catalogEntityReadPermission],
      ['refresh an entity', catalogEntityRefreshPermission],
      ['create a task', taskCreatePermission],
    ])('%s stays allowed to everyone', async (_l, permission) => {
      expect((await policy.handle({ permission }, nora)).result).toBe(
        AuthorizeResult.ALLOW,
      );
    });
  });
});
