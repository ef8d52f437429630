import type { Kysely, Migration } from 'kysely';

/** TODO(helper): filled in by its owner. */
export const personalTokens: Migration = {
  async up(_db: Kysely<unknown>) {},
  async down(_db: Kysely<unknown>) {},
};
