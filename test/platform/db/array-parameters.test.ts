import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { sql } from 'kysely';
import { arrayLiteral, withArrayLiterals } from '../../../platform/db/array-parameters';
import { createDatabase, dropDatabases, ensureDatabases, withDatabase, type Database } from '../../../platform/db/database';
import { testServerUrl } from '../../support/databases';

// pg's own conversion of a parameter (untyped), which the literals must equal.
const { prepareValue } = createRequire(__filename)('pg/lib/utils') as { prepareValue: (value: unknown) => unknown };

const keys = Array.from({ length: 1_000 }, (_, i) => `AU${String(i * 37).padStart(7, '0')}`);

describe('text arrays written as literals', () => {
  it.each([
    ['keys', keys],
    ['no element', []],
    ['an empty text', ['']],
    ['commas, braces, spaces and NULL', ['a,b', '{c}', ' d ', 'NULL', 'null', "o'brien", 'ünïcode ✓']],
  ])('writes what pg writes: %s', (_name, values) => {
    expect(arrayLiteral(values)).toBe(prepareValue(values));
  });

  it.each([
    ['a quote', ['a"b']],
    ['a backslash', ['a\\b']],
    ['a null', ['a', null]],
    ['numbers', [1, 2]],
    ['a nested array', [['a']]],
    ['a date', [new Date(0)]],
  ])('leaves to pg an array with %s', (_name, values) => {
    expect(arrayLiteral(values)).toBeUndefined();
  });

  it('replaces only the text arrays among the parameters, and keeps the parameters when there is none', () => {
    const date = new Date(0);
    const parameters = [['a', 'b'], 'x', 3, [1, 2], null, date];
    expect(withArrayLiterals(parameters)).toEqual(['{"a","b"}', 'x', 3, [1, 2], null, date]);
    expect(parameters[0]).toEqual(['a', 'b']);
    const none = ['x', 3];
    expect(withArrayLiterals(none)).toBe(none);
  });

  describe('through PostgreSQL', () => {
    const name = `t_${randomBytes(4).toString('hex')}_arrays`;
    let database: Database<Record<string, never>>;
    beforeAll(async () => {
      await ensureDatabases(testServerUrl(), [name]);
      database = createDatabase('arrays', withDatabase(testServerUrl(), name), { maxConnections: 1 });
    });
    afterAll(async () => {
      await database.close();
      await dropDatabases(testServerUrl(), [name]);
    });

    it('reads every element back as it was sent, in order, escaped or not', async () => {
      const sent = [keys, ['a,b', '{c}', ' d ', 'NULL', ''], ['a"b', 'c\\d', null], []];
      for (const values of sent) {
        const { rows } = await sql<{ values: (string | null)[] }>`select ${values}::text[] as values`.execute(database.db);
        expect(rows[0]!.values).toEqual(values);
      }
    });
  });
});
