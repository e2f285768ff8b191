import type { TestDatabaseId } from '@backstage/backend-test-utils';

/**
 * The databases every database-touching backend test runs on: SQLite (the embedded default)
 * and the PostgreSQL that scripts/test-all.sh points TestDatabases at, by setting
 * IBIAS_TEST_POSTGRES_ID (e.g. POSTGRES_15) and the matching
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.
 */
export function ibiasTestDatabaseIds(): TestDatabaseId[] {
  const postgres = process.env.IBIAS_TEST_POSTGRES_ID as
    | TestDatabaseId
    | undefined;
  return postgres ? ['SQLITE_3', postgres] : ['SQLITE_3'];
}

/** True when the run must include PostgreSQL (CI and `npm test`). */
export function postgresRequired(): boolean {
  return Boolean(process.env.IBIAS_TEST_POSTGRES_ID || process.env.CI);
}
