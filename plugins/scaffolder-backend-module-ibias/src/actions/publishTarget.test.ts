import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createPublishTargetAction } from './publishTarget';

describe('ibias:publish:target', () => {
  const cases: Array<{
    label: string;
    config: object;
    target: 'github' | 'local';
    host: string;
  }> = [
    {
      label: 'nothing configured',
      config: {},
      target: 'local',
      host: 'github.com',
    },
    {
      label: 'a token but no owner',
      config: {
        integrations: { github: [{ host: 'github.com', token: 't' }] },
      },
      target: 'local',
      host: 'github.com',
    },
    {
      label: 'an owner but no token',
      config: {
        integrations: { github: [{ host: 'github.com' }] },
        ibias: { scaffolder: { githubOwner: 'ibias' } },
      },
      target: 'local',
      host: 'github.com',
    },
    {
      label: 'github.com token and owner',
      config: {
        integrations: { github: [{ host: 'github.com', token: 't' }] },
        ibias: { scaffolder: { githubOwner: 'ibias' } },
      },
      target: 'github',
      host: 'github.com',
    },
    {
      label: 'a token for another host only',
      config: {
        integrations: {
          github: [
            { host: 'github.com' },
            {
              host: 'ghe.example',
              apiBaseUrl: 'https://ghe.example/api/v3',
              token: 't',
            },
          ],
        },
        ibias: { scaffolder: { githubOwner: 'ibias' } },
      },
      target: 'local',
      host: 'github.com',
    },
    {
      label: 'a GitHub Enterprise host chosen by githubHost',
      config: {
        integrations: {
          github: [
            {
              host: 'ghe.example',
              apiBaseUrl: 'https://ghe.example/api/v3',
              token: 't',
            },
          ],
        },
        ibias: {
          scaffolder: { githubOwner: 'ibias', githubHost: 'ghe.example' },
        },
      },
      target: 'github',
      host: 'ghe.example',
    },
  ];
  for (const c of cases) {
    it(`${c.label} → ${c.target} (${c.host})`, async () => {
      const action = createPublishTargetAction({
        config: new ConfigReader(c.config),
      });
      const ctx = createMockActionContext({ input: {} });
      await action.handler(ctx);
      expect(ctx.output).toHaveBeenCalledWith('target', c.target);
      expect(ctx.output).toHaveBeenCalledWith('githubHost', c.host);
    });
  }
});
