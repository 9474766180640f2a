// Runs the Store conformance suite for the PostgreSQL driver twice: with the default schema name
// (`taskwright`) in a fresh database, dropped and recreated for every test, and with a schema of
// its own per test (`tw_pg_<random>`), which is how the suite also covers a non-default name.
// Every test gets a second store on the same data (another pool, another LISTEN connection), as
// another process would open it.
import { after, describe } from 'node:test';
import type { Store } from '../../dist/store/store.js';
import { postgresStore, type PostgresStore } from '../../dist/stores/postgres/index.js';
import { createDatabase, dropSchema, pgSkipReason, randomName } from '../support/postgres.js';
import { defineStoreConformance } from './store-suite.js';

const skip = await pgSkipReason();

if (skip !== undefined) {
  describe('Store conformance: postgres', { skip }, () => undefined);
} else {
  const defaultDb = await createDatabase('conformance');
  const customDb = await createDatabase('conformance_schema');
  after(async () => {
    await defaultDb.drop();
    await customDb.drop();
  });

  const openSecond = async (store: Store): Promise<Store> => {
    const { connectionString, schema } = (store as PostgresStore).options;
    return postgresStore({ connectionString, schema });
  };
  const dropOwnSchema = (url: string) => (store: Store) => dropSchema(url, (store as PostgresStore).options.schema);

  defineStoreConformance('postgres (schema taskwright, fresh database)', async () => postgresStore(defaultDb.url), dropOwnSchema(defaultDb.url), {
    openSecond,
  });
  defineStoreConformance(
    'postgres (schema tw_pg_* per test)',
    async () => postgresStore({ connectionString: customDb.url, schema: randomName('s') }),
    dropOwnSchema(customDb.url),
    { openSecond },
  );
}
