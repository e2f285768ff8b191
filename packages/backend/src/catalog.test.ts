import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigSources } from '@backstage/config-loader';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { AlphaEntity as Entity } from '@backstage/catalog-model/alpha';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import request from 'supertest';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  ibiasTestDatabaseIds,
  postgresRequired,
} from '@internal/ibias-test-utils';

jest.setTimeout(120_000);

const repoRoot = path.resolve(__dirname, '../../..');
const databases = TestDatabases.create({
  ids: ibiasTestDatabaseIds(),
  disableDocker: true,
});

type ConfigLocation = {
  type: string;
  target: string;
  rules?: Array<{ allow: string[] }>;
};

/**
 * The catalog section of app-config.yaml as the backend sees it (file targets resolved
 * from packages/backend, where the backend runs), so the rules under test are the ones
 * the portal runs with.
 */
async function appCatalogConfig() {
  const config = await ConfigSources.toConfig(
    ConfigSources.defaultForTargets({
      rootDir: repoRoot,
      targets: [
        { type: 'path', target: path.join(repoRoot, 'app-config.yaml') },
      ],
      substitutionFunc: async () => undefined,
    }),
  );
  const catalog = config.get<{
    rules: Array<{ allow: string[] }>;
    locations: ConfigLocation[];
  }>('catalog');
  return {
    rules: catalog.rules,
    locations: catalog.locations.map(l => ({
      ...l,
      target: path.resolve(repoRoot, 'packages/backend', l.target),
    })),
  };
}

/**
 * What a team's repository could hold if it tried to take over the organisation: a
 * service (allowed), and a User in release-managers, a Group, a Location reading a host
 * file and a Template (each refused: they only come from the organisation's locations).
 */
const TEAM_REPO = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: team-service
  annotations: { backstage.io/kubernetes-id: team-service }
spec: { type: service, lifecycle: experimental, owner: group:default/web-team, system: ibias }
`;
const FORGED = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: forged-service }
spec: { type: service, lifecycle: experimental, owner: group:default/web-team, system: ibias }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: mallory }
spec: { memberOf: [release-managers, platform-team] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: shadow-admins }
spec: { type: team, children: [], members: [nora.nobody] }
---
apiVersion: backstage.io/v1alpha1
kind: Location
metadata: { name: host-files }
spec: { type: file, targets: [/etc/passwd, ../../.git/config] }
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: { name: forged-template }
spec: { type: service, owner: group:default/web-team, steps: [] }
`;

async function loadCatalog(
  knex: Awaited<ReturnType<TestDatabases['init']>>,
  extraLocations: ConfigLocation[] = [],
) {
  const { rules, locations } = await appCatalogConfig();
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            processingInterval: { seconds: 1 },
            rules,
            locations: [...locations, ...extraLocations],
          },
        },
      }),
    ],
  });

  const fetchEntities = async (): Promise<Entity[]> => {
    const res = await request(backend.server)
      .get('/api/catalog/entities')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body;
  };

  // Processing is asynchronous: wait until the entity count stops changing and every
  // entity but the locations has been stitched with its relations.
  const deadline = Date.now() + 90_000;
  let entities: Entity[] = [];
  let previousCount = -1;
  for (;;) {
    entities = await fetchEntities();
    const stitched = entities
      .filter(e => e.kind !== 'Location')
      .every(e => (e.relations ?? []).length > 0);
    const settled =
      stitched && entities.length >= 30 && entities.length === previousCount;
    if (settled || Date.now() > deadline) break;
    previousCount = entities.length;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  return { backend, entities };
}

describe('the IBIAS catalog', () => {
  it('runs on PostgreSQL as well as SQLite when CI asks for it', () => {
    const ids = databases.eachSupportedId().map(([id]) => id);
    expect(ids).toContain('SQLITE_3');
    const hasPostgres = ids.some(id => id.startsWith('POSTGRES'));
    expect({ hasPostgres, required: postgresRequired() }).not.toEqual({
      hasPostgres: false,
      required: true,
    });
  });

  it.each(databases.eachSupportedId())(
    'loads without processing errors or dangling relations on %s',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'forged-repo-'));
      const forgedFile = path.join(repo, 'forged.yaml');
      const teamFile = path.join(repo, 'catalog-info.yaml');
      fs.writeFileSync(forgedFile, FORGED);
      fs.writeFileSync(teamFile, TEAM_REPO);
      const { backend, entities } = await loadCatalog(knex, [
        { type: 'file', target: forgedFile },
        { type: 'file', target: teamFile },
      ]);
      try {
        const refs = new Set(entities.map(e => stringifyEntityRef(e)));
        const byKind = (kind: string) =>
          entities
            .filter(e => e.kind === kind)
            .map(e => e.metadata.name)
            .sort();

        expect(byKind('Domain')).toEqual(['ibias']);
        expect(byKind('System')).toEqual(['ibias', 'ibias-portal']);
        expect(byKind('Component')).toEqual([
          'ai-recommendations',
          'data-sync',
          'ibias-api',
          'ibias-portal',
          'ibias-web',
          'report-generation',
          'team-service',
        ]);
        // Users, Groups, Locations and Templates only from the organisation's locations.
        expect(byKind('User')).not.toContain('mallory');
        expect(byKind('Group')).not.toContain('shadow-admins');
        expect(byKind('Template')).not.toContain('forged-template');
        const locationTargets = entities
          .filter(e => e.kind === 'Location')
          .flatMap(e => [
            e.spec?.target,
            ...((e.spec?.targets as string[] | undefined) ?? []),
          ]);
        expect(locationTargets).not.toContain('/etc/passwd');
        expect(
          entities
            .filter(
              e =>
                e.kind === 'User' &&
                (e.spec?.memberOf as string[]).some(g =>
                  g.includes('release-managers'),
                ),
            )
            .map(e => e.metadata.name),
        ).toEqual(['rita.release']);
        // A file that defines any refused kind is refused whole (its Component too), and
        // the refusal names the entity and the file, never their content.
        const refusal = await knex('refresh_state')
          .where('location_key', `file:${forgedFile}`)
          .select('errors');
        const forgedErrors = JSON.stringify(refusal);
        expect(forgedErrors).toContain('NotAllowedError');
        expect(forgedErrors).not.toMatch(
          /root:x:0:0|\[core\]|release-managers/,
        );
        for (const entity of entities) {
          const name = stringifyEntityRef(entity);
          // No processing errors recorded on any entity.
          const errors = (entity.status?.items ?? []).filter(
            item => item.level === 'error',
          );
          expect({ name, errors }).toEqual({ name, errors: [] });
          // Not an orphan: every entity is still claimed by a location.
          expect(
            entity.metadata.annotations?.['backstage.io/orphan'],
          ).toBeUndefined();
          // Every relation points at an entity that exists.
          for (const relation of entity.relations ?? []) {
            const target = stringifyEntityRef(
              parseEntityRef(relation.targetRef),
            );
            expect({
              name,
              type: relation.type,
              target,
              exists: refs.has(target),
            }).toEqual({ name, type: relation.type, target, exists: true });
          }
        }

        // Every workload can be found by the Kubernetes plugin, and has an owner and system.
        for (const component of entities.filter(e => e.kind === 'Component')) {
          expect(
            component.metadata.annotations?.['backstage.io/kubernetes-id'],
          ).toBe(component.metadata.name);
          expect(component.spec?.owner).toBeTruthy();
          expect(component.spec?.system).toBeTruthy();
        }

        // The guest identity of the embedded default belongs to teams that own services.
        const guest = entities.find(
          e => e.kind === 'User' && e.metadata.name === 'guest',
        );
        expect(guest?.relations?.map(r => r.targetRef)).toEqual(
          expect.arrayContaining(['group:default/web-team']),
        );
      } finally {
        await backend.stop();
        fs.rmSync(repo, { recursive: true, force: true });
      }
    },
  );

  it('refuses file locations through the API, for any path, without reading it', async () => {
    const knex = await databases.init('SQLITE_3');
    const { backend } = await loadCatalog(knex);
    try {
      const register = (target: string) =>
        request(backend.server)
          .post('/api/catalog/locations')
          .set('Authorization', mockCredentials.user.header())
          .send({ type: 'file', target });
      const existing = await register('/etc/passwd');
      const missing = await register('/etc/no-such-file-here');
      const gitConfig = await register(path.join(repoRoot, '.git/config'));
      for (const res of [existing, missing, gitConfig]) {
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body)).not.toMatch(/root:x:0:0|\[core\]/);
      }
      // No existence oracle: an existing and a missing file get the same answer.
      expect(existing.body.error.message).toBe(missing.body.error.message);
    } finally {
      await backend.stop();
    }
  });
});
