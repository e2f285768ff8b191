import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import type {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { LocalReposEntityProvider } from './LocalReposEntityProvider';

function repo(root: string, name: string, content = 'kind: Component\n') {
  fs.mkdirSync(path.join(root, name), { recursive: true });
  fs.writeFileSync(path.join(root, name, 'catalog-info.yaml'), content);
}

async function setup() {
  const tmp = fs.realpathSync(
    fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-provider-')),
  );
  const root = path.join(tmp, 'repos');
  fs.mkdirSync(root);
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: jest.fn(async (m: EntityProviderMutation) => {
      mutations.push(m);
    }),
    refresh: jest.fn(),
  };
  const provider = new LocalReposEntityProvider({
    root,
    logger: mockServices.logger.mock(),
  });
  await provider.connect(connection);
  /** The targets of the Location entities of the last full mutation. */
  const emitted = () => {
    const last = mutations[mutations.length - 1];
    if (last?.type !== 'full') throw new Error('no full mutation');
    return last.entities.map(e => (e.entity.spec as { target: string }).target);
  };
  return { tmp, root, provider, mutations, emitted };
}

describe('LocalReposEntityProvider', () => {
  it('emits nothing for a symlinked catalog-info.yaml', async () => {
    const { root, provider, emitted } = await setup();
    fs.mkdirSync(path.join(root, 'link-svc'));
    fs.symlinkSync(
      '/etc/passwd',
      path.join(root, 'link-svc', 'catalog-info.yaml'),
    );
    await provider.refresh();
    expect(emitted()).toEqual([]);
  });

  it('emits nothing for a catalog-info.yaml that links to another repository', async () => {
    const { root, provider, emitted } = await setup();
    repo(root, 'real-svc');
    fs.mkdirSync(path.join(root, 'copy-svc'));
    fs.symlinkSync(
      path.join(root, 'real-svc', 'catalog-info.yaml'),
      path.join(root, 'copy-svc', 'catalog-info.yaml'),
    );
    await provider.refresh();
    expect(emitted()).toEqual([
      path.join(root, 'real-svc', 'catalog-info.yaml'),
    ]);
  });

  it('emits nothing for a symlinked repository folder', async () => {
    const { tmp, root, provider, emitted } = await setup();
    repo(tmp, 'outside');
    fs.symlinkSync(path.join(tmp, 'outside'), path.join(root, 'evil-svc'));
    await provider.refresh();
    expect(emitted()).toEqual([]);
  });

  it.each([['Bad_Name'], ['.git'], ['ab'], ['x-'], ['demo-svc.tmp-1']])(
    'emits nothing for a folder named %s',
    async name => {
      const { root, provider, emitted } = await setup();
      repo(root, name);
      await provider.refresh();
      expect(emitted()).toEqual([]);
    },
  );

  it('emits nothing for a catalog-info.yaml that is a folder, or missing', async () => {
    const { root, provider, emitted } = await setup();
    fs.mkdirSync(path.join(root, 'dir-svc', 'catalog-info.yaml'), {
      recursive: true,
    });
    fs.mkdirSync(path.join(root, 'empty-svc'));
    await provider.refresh();
    expect(emitted()).toEqual([]);
  });

  it('emits nothing when the repositories folder does not exist yet', async () => {
    const { root, provider, emitted } = await setup();
    fs.rmSync(root, { recursive: true });
    await expect(provider.refresh()).resolves.toBe(0);
    expect(emitted()).toEqual([]);
  });

  it('emits a file Location for each valid repository, as a full mutation', async () => {
    const { root, provider, mutations } = await setup();
    repo(root, 'orders-api');
    repo(root, 'web-app');
    await expect(provider.refresh()).resolves.toBe(2);
    const last = mutations[mutations.length - 1];
    if (last.type !== 'full') throw new Error('expected a full mutation');
    const target = path.join(root, 'orders-api', 'catalog-info.yaml');
    const entity = last.entities.find(
      e => (e.entity.spec as { target: string }).target === target,
    );
    expect(entity).toMatchObject({
      locationKey: `file:${target}`,
      entity: {
        kind: 'Location',
        spec: { type: 'file', target },
        metadata: {
          annotations: {
            'backstage.io/managed-by-location': `file:${target}`,
            'backstage.io/managed-by-origin-location': `file:${target}`,
          },
        },
      },
    });
  });

  it('drops a repository that is gone at the next refresh', async () => {
    const { root, provider, emitted } = await setup();
    repo(root, 'orders-api');
    await provider.refresh();
    expect(emitted()).toHaveLength(1);
    fs.rmSync(path.join(root, 'orders-api'), { recursive: true });
    await provider.refresh();
    expect(emitted()).toEqual([]);
  });

  it('reads the real repositories folder when the configured one is a symlink', async () => {
    const { tmp, root } = await setup();
    repo(root, 'orders-api');
    const link = path.join(tmp, 'repos-link');
    fs.symlinkSync(root, link);
    const linked = new LocalReposEntityProvider({
      root: link,
      logger: mockServices.logger.mock(),
    });
    const mutations: EntityProviderMutation[] = [];
    await linked.connect({
      applyMutation: async m => {
        mutations.push(m);
      },
      refresh: jest.fn(),
    });
    await linked.refresh();
    expect(
      mutations[0].type === 'full' &&
        mutations[0].entities.map(e => (e.entity.spec as any).target),
    ).toEqual([path.join(root, 'orders-api', 'catalog-info.yaml')]);
  });

  it('does nothing before the catalog connects it', async () => {
    const provider = new LocalReposEntityProvider({
      root: os.tmpdir(),
      logger: mockServices.logger.mock(),
    });
    await expect(provider.refresh()).resolves.toBe(0);
  });
});
