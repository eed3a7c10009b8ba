import { sql, type Kysely } from 'kysely';
import { crmSystem } from '../../../subgraphs/crm/server';
import { inTransaction, invalid, success } from '../../../subgraphs/kit/outcome';
import { createTestDatabase, type TestDatabase } from '../../support/databases';

describe('kit outcome: inTransaction', () => {
  let test: TestDatabase<any>;
  let db: Kysely<any>;
  const nameOf = async () => (await sql<{ name: string }>`select name from customers where id = 'C00001'`.execute(db)).rows[0]!.name;
  const rename = (trx: Kysely<any>, name: string) => sql`update customers set name = ${name} where id = 'C00001'`.execute(trx);

  beforeAll(async () => {
    test = await createTestDatabase(crmSystem);
    db = test.database.db;
    await sql`insert into customers (id, name, segment, country_code, account_manager)
      values ('C00001', 'Before', 'KEY', 'DE', 'ana.ruiz')`.execute(db);
  });
  afterAll(() => test.drop());

  it('rolls back what was written before a failure, and returns the failure', async () => {
    const outcome = await inTransaction(db, async (trx) => {
      await rename(trx, 'Half-written');
      return invalid('name', 'refused after the write');
    });
    expect(outcome).toMatchObject({ ok: false, code: 'BAD_USER_INPUT', field: 'name' });
    expect(await nameOf()).toBe('Before');
  });

  it('commits a success', async () => {
    const outcome = await inTransaction(db, async (trx) => {
      await rename(trx, 'After');
      return success('renamed');
    });
    expect(outcome).toEqual({ ok: true, value: 'renamed' });
    expect(await nameOf()).toBe('After');
  });

  it('rolls back and rethrows an error that is not an outcome', async () => {
    await expect(
      inTransaction(db, async (trx) => {
        await rename(trx, 'Thrown');
        throw new Error('bug');
      }),
    ).rejects.toThrow('bug');
    expect(await nameOf()).toBe('After');
  });
});
