import type {
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { KnexDeploymentStore } from '../database/KnexDeploymentStore';

/** A migrated store on a fresh test database (SQLite unless told otherwise). */
export async function testStore(
  databases: TestDatabases,
  id: TestDatabaseId = 'SQLITE_3',
) {
  const knex = await databases.init(id);
  return KnexDeploymentStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
}
