import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createRegisterGithubAction,
  githubCatalogInfoUrl,
} from './registerGithub';

const config = new ConfigReader({
  integrations: { github: [{ host: 'github.com', token: 't' }] },
  ibias: { scaffolder: { githubOwner: 'ibias' } },
});
const loopback = new ConfigReader({
  integrations: {
    github: [
      {
        host: '127.0.0.1:7190',
        apiBaseUrl: 'http://127.0.0.1:7190/api/v3',
        token: 't',
      },
    ],
  },
  ibias: {
    scaffolder: { githubOwner: 'ibias-e2e', githubHost: '127.0.0.1:7190' },
  },
});

const component = (name: string, location: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/managed-by-origin-location': location },
  },
  spec: { type: 'service', owner: 'group:default/web-team' },
});

describe('githubCatalogInfoUrl', () => {
  it.each([
    [
      config,
      'https://github.com/ibias/demo-svc/blob/main',
      'https://github.com/ibias/demo-svc/blob/main/catalog-info.yaml',
    ],
    [
      config,
      'https://github.com/ibias/demo-svc/tree/release',
      'https://github.com/ibias/demo-svc/tree/release/catalog-info.yaml',
    ],
    [
      loopback,
      'http://127.0.0.1:7190/ibias-e2e/demo-svc/blob/main',
      'http://127.0.0.1:7190/ibias-e2e/demo-svc/blob/main/catalog-info.yaml',
    ],
  ])('accepts the published repository (%#)', (c, url, expected) => {
    expect(githubCatalogInfoUrl(c, 'demo-svc', url)).toBe(expected);
  });

  it.each([
    ['another host', 'https://evil.example/ibias/demo-svc/blob/main'],
    ['another organisation', 'https://github.com/evil/demo-svc/blob/main'],
    ['another repository', 'https://github.com/ibias/ibias-api/blob/main'],
    ['plain http', 'http://github.com/ibias/demo-svc/blob/main'],
    ['a deeper file', 'https://github.com/ibias/demo-svc/blob/main/org.yaml'],
    ['a query', 'https://github.com/ibias/demo-svc/blob/main?x=../../users'],
    ['not a URL', 'file:/etc/passwd'],
    ['not a URL at all', '/etc/passwd'],
  ])('refuses %s', (_label, url) => {
    expect(() => githubCatalogInfoUrl(config, 'demo-svc', url)).toThrow(
      /Only the catalog-info.yaml of github.com\/ibias\/demo-svc|is not a URL/,
    );
  });
});

describe('ibias:catalog:register-github', () => {
  const target =
    'https://github.com/ibias/demo-svc/blob/main/catalog-info.yaml';

  function setup(existing?: Entity) {
    const catalog = catalogServiceMock.mock();
    let entity = existing;
    catalog.getLocationByRef.mockResolvedValue(undefined);
    catalog.addLocation.mockImplementation(async () => {
      entity ??= component('demo-svc', `url:${target}`);
      return {
        location: {
          id: 'l1',
          entityRef: 'location:default/l1',
          type: 'url',
          target,
        },
        entities: [],
      };
    });
    catalog.getEntityByRef.mockImplementation(async () => entity);
    const auth = mockServices.auth();
    const action = createRegisterGithubAction({
      config,
      catalog,
      auth,
      waitMs: 1000,
      pollMs: 10,
    });
    return { catalog, action };
  }

  it('registers the new repository with the scaffolder’s own credentials, not the user’s', async () => {
    const { catalog, action } = setup();
    const ctx = createMockActionContext({
      input: {
        name: 'demo-svc',
        repoContentsUrl: 'https://github.com/ibias/demo-svc/blob/main',
      },
    });
    await action.handler(ctx);
    expect(catalog.addLocation).toHaveBeenCalledWith(
      { type: 'url', target },
      {
        credentials: expect.objectContaining({
          principal: expect.objectContaining({ type: 'service' }),
        }),
      },
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/demo-svc',
    );
  });

  it('fails when the component of that name comes from somewhere else', async () => {
    const { action } = setup(
      component(
        'demo-svc',
        'url:https://github.com/other/demo-svc/blob/main/catalog-info.yaml',
      ),
    );
    await expect(
      action.handler(
        createMockActionContext({
          input: {
            name: 'demo-svc',
            repoContentsUrl: 'https://github.com/ibias/demo-svc/blob/main',
          },
        }),
      ),
    ).rejects.toThrow(/already exists in the catalog and was not defined by/);
  });

  it('registers nothing for a URL that is not the published repository', async () => {
    const { catalog, action } = setup();
    await expect(
      action.handler(
        createMockActionContext({
          input: {
            name: 'demo-svc',
            repoContentsUrl: 'https://github.com/evil/org/blob/main',
          },
        }),
      ),
    ).rejects.toThrow(/Only the catalog-info.yaml/);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });
});
