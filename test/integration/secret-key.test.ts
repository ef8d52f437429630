/**
 * PostgreSQL or MySQL without `--secret-key-file`: the first node to start generates the secret key and
 * keeps it in the database (`secret_keys`), every node reads it. Two nodes starting together on a
 * fresh schema agree on one key: a TOTP secret sealed through one opens through the other. Each
 * start warns that the key lives with the data it protects.
 */
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapters/kysely/connect.js';
import { loadConfig } from '../../src/config.js';
import type { Actor } from '../../src/core/security-events.js';
import { createRegistry, type Registry } from '../../src/registry.js';
import { freshDatabase, SHARED_ENGINES, type TestDatabase } from '../support/databases.js';

const ACTOR: Actor = { kind: 'system' };

describe.each(SHARED_ENGINES)('%s without --secret-key-file', (engine) => {
  let database: TestDatabase;
  let nodes: Registry[];
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });

  beforeAll(async () => {
    database = await freshDatabase(engine);
    // No SESSIOND_SECRET_KEY_FILE from the environment: the configuration comes from here only.
    const config = loadConfig({ databaseUrl: database.url }, {});
    expect(config.secretKeyFile).toBeNull();
    const argon2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
    // Both start at once on an empty schema: they race to migrate and to insert the key.
    nodes = await Promise.all([0, 1].map(() => createRegistry(config, { argon2, bus: 'none', logStream })));
  });
  afterAll(async () => {
    for (const n of nodes ?? []) await n.close();
    await database?.drop();
  });

  it('both nodes start and share one key: a TOTP secret enrolled through one verifies through the other', async () => {
    const [a, b] = nodes as [Registry, Registry];
    const user = await a.accounts.signUp({ email: 'ada@example.com', password: 'correct horse battery staple', name: null });
    const { secret } = await a.mfa.startTotpEnrolment(user);
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() });
    const recoveryCodes = await b.mfa.confirmTotpEnrolment(user.id, code, ACTOR);
    expect(recoveryCodes.length).toBeGreaterThan(0);
    expect(await a.mfa.isEnabled(user.id)).toBe(true);

    const { db } = connect(database.url);
    try {
      const rows = await db.selectFrom('secret_keys').selectAll().execute();
      expect(rows).toHaveLength(1);
      // Sealed, not in clear.
      const stored = await sql<{ secret: string }>`select secret from mfa_totp`.execute(db);
      expect(stored.rows[0]?.secret).toMatch(/^v1\./);
    } finally {
      await db.destroy();
    }
  });

  it('warns on every start that a database dump exposes the TOTP secrets, and names the key file option', () => {
    const warnings = logs.filter((line) => line.includes('secret_keys'));
    expect(warnings).toHaveLength(2);
    expect(warnings.filter((w) => w.includes('generated the secret key'))).toHaveLength(1);
    for (const w of warnings) expect(w).toMatch(/dump.*--secret-key-file/);
  });
});
