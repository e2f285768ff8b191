import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { readLocalRepos } from './localRepos';
import { createRegisterLocalAction } from './registerLocal';

function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-register-'));
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
  // A catalog that behaves like the real one: a location is added once, and the entity
  // appears after a processing delay.
  const locations = new Map<string, { id: string }>();
  let entityVisibleAt = Infinity;
  const catalog = {
    getLocationByRef: jest.fn(async (ref: string) => locations.get(ref)),
    addLocation: jest.fn(
      async ({ type, target }: { type: string; target: string }) => {
        const ref = `${type}:${target}`;
        if (locations.has(ref)) throw new Error('Conflict');
        locations.set(ref, { id: String(locations.size + 1) });
        entityVisibleAt = Date.now() + 300;
        return { location: { id: '1', type, target }, entities: [] };
      },
    ),
    getEntityByRef: jest.fn(async () =>
      Date.now() >= entityVisibleAt ? { kind: 'Component' } : undefined,
    ),
  } as unknown as CatalogService;
  return {
    root,
    catalog,
    action: createRegisterLocalAction({ repos, catalog, waitMs: 3000 }),
  };
}

describe('ibias:catalog:register-local', () => {
  it('adds a file location and waits for the component', async () => {
    const { root, catalog, action } = setup();
    const ctx = createMockActionContext({
      input: { name: 'demo-svc', catalogInfoPath: 'catalog-info.yaml' },
    });
    await action.handler(ctx);
    expect(catalog.addLocation).toHaveBeenCalledWith(
      {
        type: 'file',
        target: path.join(root, 'demo-svc', 'catalog-info.yaml'),
      },
      expect.anything(),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/demo-svc',
    );
  });

  it('does not add a second location on retry', async () => {
    const { catalog, action } = setup();
    const input = { name: 'demo-svc', catalogInfoPath: 'catalog-info.yaml' };
    await action.handler(createMockActionContext({ input }));
    await action.handler(createMockActionContext({ input }));
    expect(catalog.addLocation).toHaveBeenCalledTimes(1);
  });

  it('fails with a clear message when the repository has no catalog-info.yaml', async () => {
    const { catalog, action } = setup();
    await expect(
      action.handler(
        createMockActionContext({
          input: { name: 'missing-svc', catalogInfoPath: 'catalog-info.yaml' },
        }),
      ),
    ).rejects.toThrow(
      /No catalog-info.yaml in .*missing-svc: publish the repository first/,
    );
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('refuses a catalog-info path outside the repository', async () => {
    const { catalog, action } = setup();
    await expect(
      action.handler(
        createMockActionContext({
          input: { name: 'demo-svc', catalogInfoPath: '../../etc/passwd' },
        }),
      ),
    ).rejects.toThrow(/outside the workspace/);
    expect(catalog.addLocation).not.toHaveBeenCalled();
  });

  it('fails when the catalog never lists the entity', async () => {
    const { catalog, action } = setup();
    (catalog.getEntityByRef as jest.Mock).mockResolvedValue(undefined);
    await expect(
      action.handler(
        createMockActionContext({
          input: { name: 'demo-svc', catalogInfoPath: 'catalog-info.yaml' },
        }),
      ),
    ).rejects.toThrow(/did not list component:default\/demo-svc/);
  });
});
