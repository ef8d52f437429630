/**
 * SQLite statements are prepared once per query text and reused (connect.ts reusingStatements):
 * the answers stay those of a fresh statement, one-off texts are not kept, and the number kept
 * is bounded. A real better-sqlite3 database, its prepare() counted.
 */
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reusingStatements } from '../../src/adapters/kysely/connect.js';

describe('reused SQLite statements', () => {
  let database: SqliteDatabase.Database;
  let prepared: string[];
  beforeEach(() => {
    database = new SqliteDatabase(':memory:');
    database.exec('create table t (id integer primary key, name text)');
    database.exec("insert into t values (1, 'one'), (2, 'two'), (3, 'three')");
    prepared = [];
    const prepare = database.prepare.bind(database);
    database.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof database.prepare;
  });
  afterEach(() => database.close());

  it('prepares a text once and answers each call with its own parameters', () => {
    const db = reusingStatements(database);
    const select = 'select name from t where id = ?';
    expect(db.prepare(select).all([1])).toEqual([{ name: 'one' }]);
    expect(db.prepare(select).all([2])).toEqual([{ name: 'two' }]);
    expect(db.prepare('update t set name = ? where id = ?').run(['deux', 2]).changes).toBe(1);
    expect(db.prepare(select).all([2])).toEqual([{ name: 'deux' }]);
    expect(prepared.filter((sql) => sql === select)).toHaveLength(1);
  });

  it('runs a text again while a stream of it is still open', () => {
    const db = reusingStatements(database);
    const all = 'select id from t order by id';
    const stream = db.prepare(all).iterate([]);
    expect(stream.next().value).toEqual({ id: 1 });
    expect(db.prepare(all).all([])).toHaveLength(3);
    expect([...stream]).toEqual([{ id: 2 }, { id: 3 }]);
  });

  it('keeps no one-off text with values written into it, and a bounded number of the rest', () => {
    const db = reusingStatements(database);
    const long = `select id from t where id in (${Array.from({ length: 2000 }, (_, i) => i).join(', ')})`;
    db.prepare(long).all([]);
    db.prepare(long).all([]);
    expect(prepared.filter((sql) => sql === long)).toHaveLength(2);
    for (let i = 0; i < 600; i++) db.prepare(`select ${i} as n`).all([]);
    db.prepare('select 0 as n').all([]);
    // The first of 600 texts was the least recently used of more than the 500 kept: prepared again.
    expect(prepared.filter((sql) => sql === 'select 0 as n')).toHaveLength(2);
    db.prepare('select 599 as n').all([]);
    expect(prepared.filter((sql) => sql === 'select 599 as n')).toHaveLength(1);
  });
});
