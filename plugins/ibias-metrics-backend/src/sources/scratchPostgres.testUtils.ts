import knexFactory from 'knex';

const HOW_TO_RUN =
  'run it with IBIAS_TEST_POSTGRES_ID=POSTGRES_15 BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING=postgresql://postgres@127.0.0.1:5432 (scripts/test-all.sh sets them)';

/**
 * The PostgreSQL the repository's database tests use: IBIAS_TEST_POSTGRES_ID (e.g.
 * POSTGRES_15) names Backstage's BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.
 */
function serverUrl(): URL {
  const id = process.env.IBIAS_TEST_POSTGRES_ID;
  const text = id
    ? process.env[
        `BACKSTAGE_TEST_DATABASE_${id.replace(/_/g, '')}_CONNECTION_STRING`
      ]
    : undefined;
  if (!id || !text) {
    // A PostgreSQL-only source: never skipped, whether or not CI asks for PostgreSQL.
    throw new Error(`This test needs PostgreSQL: ${HOW_TO_RUN}`);
  }
  return new URL(text);
}

/** A database of its own on the test PostgreSQL, created for a test file and dropped after. */
export function scratchPostgres(prefix: string) {
  const name = `${prefix}_${process.pid}_${Date.now()}`.toLowerCase();
  let created = false;
  const admin = () =>
    knexFactory({ client: 'pg', connection: serverUrl().toString() });
  return {
    /** Creates the database; its connection string. */
    async create(): Promise<string> {
      const knex = admin();
      try {
        await knex.raw(`create database ${name}`);
        created = true;
      } finally {
        await knex.destroy();
      }
      const url = serverUrl();
      url.pathname = `/${name}`;
      return url.toString();
    },
    /** Host, port and user of the server, for a connection object. */
    parts() {
      const url = serverUrl();
      return {
        host: url.hostname,
        port: Number(url.port || 5432),
        user: decodeURIComponent(url.username),
      };
    },
    async drop(): Promise<void> {
      if (!created) return;
      const knex = admin();
      try {
        await knex.raw(`drop database if exists ${name} with (force)`);
      } finally {
        await knex.destroy();
      }
    },
  };
}
