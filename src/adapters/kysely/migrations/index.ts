import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './0001-initial.js';
import { securitySignals } from './0002-security-signals.js';
import { mfa } from './0003-mfa.js';

/** Versioned migrations, applied in name order; never edit one that has shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-security-signals': securitySignals,
  '0003-mfa': mfa,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
