/** The PersonalTokenStore contract on every engine, through the production adapter and migrations. */
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyPersonalTokenStore } from '../../src/adapters/kysely/kysely-personal-token-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { runPersonalTokenStoreContract } from '../../src/core/testing/personal-token-store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runPersonalTokenStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      tokens: kyselyPersonalTokenStore(db),
      store,
      async deleteUser(userId) {
        await db.deleteFrom('users').where('id', '=', userId).execute();
      },
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
}
