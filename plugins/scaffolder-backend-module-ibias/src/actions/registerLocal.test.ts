import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { EventsService } from '@backstage/plugin-events-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { LOCAL_REPOS_CHANGED_TOPIC } from '../catalog/localCatalogInfo';
import { readLocalRepos } from './localRepos';
import { createRegisterLocalAction } from './registerLocal';

const component = (name: string, location: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-location': location,
      'backstage.io/managed-by-origin-location': location,
    },
  },
  spec: { type: 'service', owner: 'group:default/web-team' },
});

function setup(options: { existing?: Entity[]; appears?: boolean } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-register-'));
  const realRoot = fs.realpathSync(root);
  fs.mkdirSync(path.join(root, 'demo-svc'));
  fs.writeFileSync(
    path.join(root, 'demo-svc', 'catalog-info.yaml'),
    'kind: Component\n',
  );
  const repos = readLocalRepos(
    new ConfigReader({
      ibias: { scaffolder: { localPublishing: true, localReposDir: root } },
    }),
  );
  const catalog = catalogServiceMock.mock();
  const entities = new Map<string, Entity>();
  for (const e of options.existing ?? []) {
    entities.set(`component:default/${e.metadata.name}`, e);
  }
  catalog.getEntityByRef.mockImplementation(async ref =>
    entities.get(String(ref)),
  );
  // The provider, as the catalog module installs it: asked through the event, it reads
  // the repository and the component appears a moment later.
  const events: EventsService = {
    publish: jest.fn(async ({ topic, eventPayload }) => {
      if (topic !== LOCAL_REPOS_CHANGED_TOPIC || options.appears === false) {
        return;
      }
      const { name } = eventPayload as { name: string };
      const ref = `component:default/${name}`;
      if (entities.has(ref)) return;
      setTimeout(() => {
        entities.set(
          ref,
          component(
            name,
            `file:${path.join(realRoot, name, 'catalog-info.yaml')}`,
          ),
        );
      }, 200);
    }),
    subscribe: jest.fn(),
  };
  return {
    root,
    realRoot,
    catalog,
    events,
    action: createRegisterLocalAction({
      repos,
      catalog,
      auth: mockServices.auth(),
      events,
      waitMs: 2000,
      pollMs: 50,
    }),
  };
}

const input = { name: 'demo-svc', catalogInfoPath: 'catalog-info.yaml' };

describe('ibias:catalog:register-local', () => {
  it('fails when the component exists but was defined by another location', async () => {
    const { action, events } = setup({
      existing: [component('demo-svc', 'url:https://example.com/other.yaml')],
    });
    const ctx = createMockActionContext({ input });
    await expect(action.handler(ctx)).rejects.toThrow(
      "component:default/demo-svc already exists in the catalog and was not defined by the repository 'demo-svc'; choose another name",
    );
    expect(events.publish).toHaveBeenCalledTimes(1);
    expect(ctx.output).not.toHaveBeenCalledWith('entityRef', expect.anything());
  });

  it('fails with a clear message when the repository has no catalog-info.yaml', async () => {
    const { action, events } = setup();
    await expect(
      action.handler(
        createMockActionContext({ input: { ...input, name: 'missing-svc' } }),
      ),
    ).rejects.toThrow(
      "The repository 'missing-svc' has no catalog-info.yaml the catalog may read (a regular file, no symlink): publish the repository first",
    );
    expect(events.publish).not.toHaveBeenCalled();
  });

  it('refuses a catalog-info.yaml that is a symlink, without reading it', async () => {
    const { root, action, events } = setup();
    fs.mkdirSync(path.join(root, 'link-svc'));
    fs.symlinkSync(
      '/etc/passwd',
      path.join(root, 'link-svc', 'catalog-info.yaml'),
    );
    await expect(
      action.handler(
        createMockActionContext({ input: { ...input, name: 'link-svc' } }),
      ),
    ).rejects.toThrow(/has no catalog-info.yaml the catalog may read/);
    expect(events.publish).not.toHaveBeenCalled();
  });

  it.each([
    ['outside the repository', '../../etc/passwd', /outside the workspace/],
    [
      'another file',
      'other.yaml',
      /Only catalog-info.yaml at the repository root/,
    ],
    ['an absolute path', '/etc/passwd', /Absolute paths are not allowed/],
  ])('refuses a catalog-info path %s', async (_, catalogInfoPath, message) => {
    const { action, events } = setup();
    await expect(
      action.handler(
        createMockActionContext({ input: { ...input, catalogInfoPath } }),
      ),
    ).rejects.toThrow(message);
    expect(events.publish).not.toHaveBeenCalled();
  });

  it('fails when the catalog never lists the entity', async () => {
    const { action } = setup({ appears: false });
    await expect(
      action.handler(createMockActionContext({ input })),
    ).rejects.toThrow(/did not list component:default\/demo-svc within 2 s/);
  });

  it('asks the provider and waits for the component read from this repository', async () => {
    const { action, events, realRoot, catalog } = setup();
    const ctx = createMockActionContext({ input });
    await action.handler(ctx);
    expect(events.publish).toHaveBeenCalledWith({
      topic: LOCAL_REPOS_CHANGED_TOPIC,
      eventPayload: { name: 'demo-svc' },
    });
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/demo-svc',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'catalogInfoUrl',
      `file://${path.join(realRoot, 'demo-svc', 'catalog-info.yaml')}`,
    );
    // No location is added through the locations API.
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('succeeds again on a retry, finding its own component', async () => {
    const { action } = setup();
    await action.handler(createMockActionContext({ input }));
    const ctx = createMockActionContext({ input });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/demo-svc',
    );
  });

  it('reads nothing and asks nothing in a dry run', async () => {
    const { action, events } = setup();
    await action.handler({
      ...createMockActionContext({ input: { ...input, name: 'missing-svc' } }),
      isDryRun: true,
    });
    expect(events.publish).not.toHaveBeenCalled();
  });
});
