import path from 'node:path';
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

async function loadCatalog(knex: Awaited<ReturnType<TestDatabases['init']>>) {
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            processingInterval: { seconds: 1 },
            rules: [
              {
                allow: [
                  'Component',
                  'System',
                  'API',
                  'Resource',
                  'Location',
                  'Domain',
                  'Group',
                  'User',
                ],
              },
            ],
            locations: [
              { type: 'file', target: path.join(repoRoot, 'catalog/all.yaml') },
              {
                type: 'file',
                target: path.join(repoRoot, 'catalog-info.yaml'),
              },
            ],
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
      const { backend, entities } = await loadCatalog(knex);
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
        ]);
        expect(byKind('Resource')).toEqual(
          expect.arrayContaining([
            'ibias-postgres',
            'ibias-storage-avatars',
            'ibias-storage-documents',
            'ibias-storage-exports',
            'openai-api',
            'replicate-api',
          ]),
        );
        expect(byKind('Group')).toEqual(
          expect.arrayContaining([
            'ai-team',
            'executives',
            'platform-team',
            'release-managers',
            'web-team',
          ]),
        );
        expect(byKind('API')).toEqual(['ai-recommendations-api', 'ibias-api']);

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
      }
    },
  );
});
