import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readLocalRepos } from './localRepos';
import { createPreflightAction, parseRefOfKind } from './preflight';
import { TASK_MARKER } from './publishLocal';

const entity = (
  kind: string,
  name: string,
  annotations: Record<string, string> = {},
  memberOf: string[] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name, namespace: 'default', annotations },
  spec: {},
  relations: memberOf.map(targetRef => ({ type: 'memberOf', targetRef })),
});

function setup(
  options: {
    github?: boolean;
    /** More catalog entities, given the real repositories folder. */
    extra?: (realRoot: string) => Entity[];
  } = {},
) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ibias-preflight-'));
  const config = new ConfigReader({
    ibias: {
      scaffolder: {
        localPublishing: true,
        localReposDir: root,
        ...(options.github ? { githubOwner: 'ibias' } : {}),
      },
    },
    integrations: options.github
      ? { github: [{ host: 'github.com', token: 't' }] }
      : {},
  });
  const catalog = catalogServiceMock({
    entities: [
      entity('Group', 'web-team'),
      entity('Group', 'platform-team'),
      entity('User', 'nora', {}, ['group:default/executives']),
      entity('User', 'wes', {}, ['group:default/web-team']),
      entity('User', 'ana', {}, ['group:default/platform-team']),
      entity('System', 'ibias'),
      entity('Component', 'taken-svc'),
      entity('Resource', 'ibias-db'),
      ...(options.extra?.(fs.realpathSync(root)) ?? []),
    ],
  });
  const repos = readLocalRepos(config);
  const action = createPreflightAction({
    catalog,
    auth: mockServices.auth(),
    config,
    repos,
  });
  // createMockActionContext takes only some fields; the rest (isDryRun, output) go on top.
  const run = (
    input: Record<string, string>,
    extra: {
      task?: { id: string };
      isDryRun?: boolean;
      output?: jest.Mock;
      /** Who started the task (none: a service). */
      user?: string;
    } = {},
  ) => {
    const { task = { id: 'task-1' }, user, ...rest } = extra;
    return action.handler({
      ...createMockActionContext({
        input: {
          name: 'new-svc',
          owner: 'group:default/web-team',
          system: 'system:default/ibias',
          ...input,
        },
        task,
        ...(user ? { user: { ref: user } } : {}),
      }),
      ...rest,
    });
  };
  return { root, run };
}

describe('parseRefOfKind', () => {
  it.each([
    ['group:default/web-team', ['group', 'user']],
    ['group:web-team', ['group', 'user']],
    ['Group:default/web-team', ['group', 'user']],
    ['user:nora', ['group', 'user']],
    ['system:other-ns/ibias', ['system']],
  ])('accepts %s', (ref, kinds) => {
    expect(() => parseRefOfKind('owner', ref, kinds)).not.toThrow();
  });

  it.each([
    ['a bare name', 'web-team'],
    ['another kind', 'component:default/web-team'],
    ['a newline and a document', 'group:default/web-team\n---\nkind: User'],
    ['quotes', 'group:default/"web-team"'],
    ['a comment', 'group:default/web-team #x'],
    ['a template expression', 'group:default/{{ x }}'],
    ['a colon and space', 'group:default/a: b'],
    ['an empty name', 'group:default/'],
    ['an upper-case namespace', 'group:Default/web-team'],
    ['a name too long', `group:default/${'a'.repeat(64)}`],
  ])('refuses %s', (_, ref) => {
    expect(() => parseRefOfKind('owner', ref, ['group', 'user'])).toThrow(
      /owner must be a group: or user: entity ref/,
    );
  });
});

describe('ibias:service:preflight', () => {
  it('refuses an owner that does not exist', async () => {
    const { run } = setup();
    await expect(run({ owner: 'group:default/ghost-team' })).rejects.toThrow(
      'The owner group:default/ghost-team is not a Group or User in the catalog',
    );
  });

  it('refuses an owner ref of another kind, even of an existing entity', async () => {
    const { run } = setup();
    await expect(run({ owner: 'system:default/ibias' })).rejects.toThrow(
      /owner must be a group: or user: entity ref/,
    );
    await expect(run({ owner: 'resource:default/ibias-db' })).rejects.toThrow(
      /owner must be a group: or user:/,
    );
  });

  it('refuses a system that does not exist or is of another kind', async () => {
    const { run } = setup();
    await expect(run({ system: 'system:default/nowhere' })).rejects.toThrow(
      'The system system:default/nowhere is not a System in the catalog',
    );
    await expect(run({ system: 'group:default/web-team' })).rejects.toThrow(
      /system must be a system: entity ref/,
    );
  });

  it('refuses hostile values before asking the catalog', async () => {
    const { run } = setup();
    await expect(
      run({ owner: 'group:default/web-team\n---\nkind: User' }),
    ).rejects.toThrow(/owner must be/);
    await expect(
      run({ system: 'system:default/ibias\n---\nkind: Location' }),
    ).rejects.toThrow(/system must be/);
  });

  it('refuses a name that is not a service name', async () => {
    const { run } = setup();
    await expect(run({ name: '../etc' })).rejects.toThrow(
      /Invalid service name/,
    );
  });

  it('refuses a name whose component already exists', async () => {
    const { run } = setup();
    await expect(run({ name: 'taken-svc' })).rejects.toThrow(
      'component:default/taken-svc already exists in the catalog; choose another name',
    );
  });

  it('refuses a name whose local repository already exists', async () => {
    const { root, run } = setup();
    fs.mkdirSync(path.join(root, 'new-svc'));
    await expect(run({})).rejects.toThrow(
      "A local repository named 'new-svc' already exists; choose another name",
    );
  });

  it('does not look at local folders when publishing to GitHub', async () => {
    const { root, run } = setup({ github: true });
    fs.mkdirSync(path.join(root, 'new-svc'));
    await expect(run({})).resolves.toBeUndefined();
  });

  it('lets a retry of the same task find its own repository and component', async () => {
    const { root, run } = setup({
      extra: realRoot => [
        entity('Component', 'mine-svc', {
          'backstage.io/managed-by-location': `file:${path.join(
            realRoot,
            'mine-svc',
            'catalog-info.yaml',
          )}`,
        }),
      ],
    });
    fs.mkdirSync(path.join(root, 'mine-svc', '.git'), { recursive: true });
    fs.writeFileSync(path.join(root, 'mine-svc', TASK_MARKER), 'task-1');
    await expect(run({ name: 'mine-svc' })).resolves.toBeUndefined();
    // Another task asking for the same name is refused.
    await expect(
      run({ name: 'mine-svc' }, { task: { id: 'task-2' } }),
    ).rejects.toThrow(/already exists/);
  });

  it("refuses a component of that name defined elsewhere, even with this task's repository", async () => {
    const { root, run } = setup({
      extra: () => [
        entity('Component', 'mine-svc', {
          'backstage.io/managed-by-location': 'url:https://example.com/x.yaml',
        }),
      ],
    });
    fs.mkdirSync(path.join(root, 'mine-svc', '.git'), { recursive: true });
    fs.writeFileSync(path.join(root, 'mine-svc', TASK_MARKER), 'task-1');
    await expect(run({ name: 'mine-svc' })).rejects.toThrow(
      'component:default/mine-svc already exists in the catalog',
    );
  });

  it('passes existing owners (Group or User) and systems, and outputs full refs', async () => {
    const { run } = setup();
    const output = jest.fn();
    await run({ owner: 'group:web-team', system: 'system:ibias' }, { output });
    expect(output).toHaveBeenCalledWith('owner', 'group:default/web-team');
    expect(output).toHaveBeenCalledWith('system', 'system:default/ibias');
    await expect(run({ owner: 'user:default/nora' })).resolves.toBeUndefined();
  });

  it('checks nothing in a dry run', async () => {
    const { run } = setup();
    await expect(
      run({ owner: 'group:default/ghost-team' }, { isDryRun: true }),
    ).resolves.toBeUndefined();
  });

  it.each([
    [
      'a member of the owning group',
      'user:default/wes',
      'group:default/web-team',
    ],
    ['the owner themselves', 'user:default/nora', 'user:default/nora'],
    [
      'a catalog admin, for any owner',
      'user:default/ana',
      'group:default/web-team',
    ],
  ])('lets %s create the service', async (_label, user, owner) => {
    const { run } = setup();
    await expect(run({ owner }, { user })).resolves.toBeUndefined();
  });

  it.each([
    ['a group she is not in', 'group:default/web-team'],
    ['another user', 'user:default/wes'],
    ['the admins’ group', 'group:default/platform-team'],
  ])('refuses a user who gives the service to %s', async (_label, owner) => {
    const { root, run } = setup();
    await expect(run({ owner }, { user: 'user:default/nora' })).rejects.toThrow(
      `user:default/nora may only create services owned by themselves or by a group they are a member of; ${owner} is neither`,
    );
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
