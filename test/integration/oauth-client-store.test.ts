/** The OAuthClientStore contract on every engine, through the production adapter and migrations. */
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyOAuthClientStore } from '../../src/adapters/kysely/kysely-oauth-client-store.js';
import { runOAuthClientStoreContract } from '../../src/core/testing/oauth-client-store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runOAuthClientStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    return {
      clients: kyselyOAuthClientStore(db),
      async dispose() {
        await db.destroy();
        await database.drop();
      },
    };
  });
}
