/** The IncidentStore contract on every engine, through the production adapters and migrations. */
import { connect, migrateToLatest } from '../../src/adapters/kysely/connect.js';
import { kyselyIncidentStore } from '../../src/adapters/kysely/kysely-incident-store.js';
import { kyselyMfaStore } from '../../src/adapters/kysely/kysely-mfa-store.js';
import { kyselyStore } from '../../src/adapters/kysely/kysely-store.js';
import { kyselyWorkspaceStore } from '../../src/adapters/kysely/kysely-workspace-store.js';
import { runIncidentStoreContract } from '../../src/core/testing/incident-store.contract.js';
import { ENGINES, freshDatabase } from '../support/databases.js';

for (const engine of ENGINES) {
  runIncidentStoreContract(engine, async () => {
    const database = await freshDatabase(engine);
    const { db } = connect(database.url);
    await migrateToLatest(db);
    const store = kyselyStore(db);
    return {
      incidents: kyselyIncidentStore(db),
      workspaces: kyselyWorkspaceStore(db),
      store,
      mfa: kyselyMfaStore(db),
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
}
