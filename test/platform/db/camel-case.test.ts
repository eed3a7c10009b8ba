import { randomBytes } from 'node:crypto';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import { createDatabase, dropDatabases, ensureDatabases, withDatabase, type Database } from '../../../platform/db/database';
import { testServerUrl } from '../../support/databases';

interface TestDb {
  workItems: { id: string; materialId: string; plannedQuantity: number; createdAt: Date; payload: unknown };
}

/**
 * The rows pg builds under camelCase names are the rows Kysely's CamelCasePlugin made by copying
 * each one: same names, same order, same values, nested JSON keys camel-cased the same way.
 */
describe('camelCase rows built by pg', () => {
  const name = `t_${randomBytes(4).toString('hex')}_camel`;
  let database: Database<TestDb>;
  let reference: Kysely<TestDb>;

  beforeAll(async () => {
    await ensureDatabases(testServerUrl(), [name]);
    database = createDatabase<TestDb>('camel', withDatabase(testServerUrl(), name), { maxConnections: 2 });
    // The stock plugin on the same pool, as the databases were read before.
    reference = new Kysely<TestDb>({ dialect: new PostgresDialect({ pool: database.pool }), plugins: [new CamelCasePlugin()] });
    await sql`create table work_items (id text primary key, material_id text not null, planned_quantity numeric not null,
      created_at timestamptz not null default now(), payload jsonb)`.execute(database.db);
  });
  afterAll(async () => {
    await database.close();
    await dropDatabases(testServerUrl(), [name]);
  });

  const payloads = [
    {
      material_id: 'M1',
      nested_list: [{ line_number: 1, __typename: 'Line' }, 2, [{ deep_key: 3 }]],
      plain: { some_key: { inner_key: true } },
    },
    [{ a_b: 1 }, 'text', null, [{ c_d: 2 }]],
    'just_text',
    42,
    null,
  ];

  it('reads the same rows as the stock plugin, from the query builder and from raw SQL', async () => {
    await database.db
      .insertInto('workItems')
      .values(
        payloads.map((payload, i) => ({
          id: `W${i}`,
          materialId: `M${i}`,
          plannedQuantity: i + 0.5,
          createdAt: new Date(Date.UTC(2026, 2, 1, 8, i, 0, 123)),
          payload: payload === null ? null : JSON.stringify(payload),
        })),
      )
      .execute();
    const built = (db: Kysely<TestDb>) => db.selectFrom('workItems').selectAll().orderBy('id').execute();
    const raw = (db: Kysely<TestDb>) =>
      sql`select id as work_item_id, payload as payload_json, payload::json as payload_text_json, array[material_id] as material_ids,
        json_build_array(json_build_object('line_no', 1)) as lines_json, created_at from work_items order by id`.execute(db);
    const ours = await built(database.db);
    const theirs = await built(reference);
    expect(ours).toEqual(theirs);
    expect(ours.map((row) => Object.keys(row))).toEqual(theirs.map((row) => Object.keys(row)));
    expect(Object.keys(ours[0]!)).toEqual(['id', 'materialId', 'plannedQuantity', 'createdAt', 'payload']);
    expect(ours[0]!.createdAt).toEqual(new Date(Date.UTC(2026, 2, 1, 8, 0, 0, 123)));
    expect(ours[0]!.payload).toEqual({
      materialId: 'M1',
      nestedList: [{ lineNumber: 1, _Typename: 'Line' }, 2, [{ deep_key: 3 }]],
      plain: { someKey: { innerKey: true } },
    });
    const oursRaw = (await raw(database.db)).rows;
    const theirsRaw = (await raw(reference)).rows;
    expect(oursRaw).toEqual(theirsRaw);
    expect(oursRaw.map((row) => Object.keys(row as object))).toEqual(theirsRaw.map((row) => Object.keys(row as object)));
    expect(Object.keys(oursRaw[0] as object)).toEqual([
      'workItemId',
      'payloadJson',
      'payloadTextJson',
      'materialIds',
      'linesJson',
      'createdAt',
    ]);
  });

  it('returns what writes return, and the same counts', async () => {
    const updated = await database.db
      .updateTable('workItems')
      .set({ plannedQuantity: 7 })
      .where('id', '=', 'W1')
      .returning(['id', 'materialId', 'plannedQuantity'])
      .execute();
    expect(updated).toEqual([{ id: 'W1', materialId: 'M1', plannedQuantity: 7 }]);
    const deleted = await database.db.deleteFrom('workItems').where('id', '=', 'W4').executeTakeFirst();
    expect(deleted.numDeletedRows).toBe(1n);
  });

  it("fails a bad statement with PostgreSQL's error, and keeps the connection usable, in and out of transactions", async () => {
    await expect(sql`select * from no_such_table`.execute(database.db)).rejects.toMatchObject({ code: '42P01' });
    await expect(
      database.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('workItems')
          .values({ id: 'W9', materialId: 'M9', plannedQuantity: 1, createdAt: new Date(), payload: null })
          .execute();
        await sql`select 1 / 0`.execute(trx);
      }),
    ).rejects.toMatchObject({ code: '22012' });
    expect(await database.db.selectFrom('workItems').select('id').where('id', '=', 'W9').execute()).toEqual([]);
    const inTransaction = await database.db
      .transaction()
      .execute((trx) => trx.selectFrom('workItems').select(['id', 'materialId']).where('id', '=', 'W0').execute());
    expect(inTransaction).toEqual([{ id: 'W0', materialId: 'M0' }]);
  });
});
