import { CamelCasePlugin, Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely';
import type { Caller } from '../../../platform/caller';
import type { CrmDatabase } from '../../../subgraphs/crm/db';
import { findCustomersByIds } from '../../../subgraphs/crm/customer/customer.repository';
import { crmSystem } from '../../../subgraphs/crm/server';
import { CHANGE_HISTORY_KEYSET, findChangesOfEntities, recordChange } from '../../../subgraphs/kit/audit-trail';
import { readPage } from '../../../subgraphs/kit/paging';
import { intArray, textArray, unnestPairs } from '../../../platform/db/key-arrays';
import { createTestDatabase, type TestDatabase } from '../../support/databases';

const caller: Caller = { subject: 'service:test', kind: 'service', roles: [], scopes: [] };

describe('kit key arrays: batched lookups bind one array per key column', () => {
  let t: TestDatabase<CrmDatabase>;
  let db: Kysely<CrmDatabase>;
  const sent: CompiledQuery[] = [];
  beforeAll(async () => {
    t = await createTestDatabase(crmSystem);
    // A second Kysely on the test database's pool, recording what it sends (never destroyed: the pool is the test database's).
    db = new Kysely({
      dialect: new PostgresDialect({ pool: t.database.pool }),
      plugins: [new CamelCasePlugin()],
      log: (event) => {
        if (event.level === 'query') sent.push(event.query);
      },
    });
  });
  afterAll(() => t.drop());

  async function sending<R>(run: () => Promise<R>): Promise<{ result: R; statements: CompiledQuery[] }> {
    const from = sent.length;
    const result = await run();
    return { result, statements: sent.slice(from) };
  }

  it('sends the same statement text for one key and for many, with one parameter per key column', async () => {
    const one = await sending(() => findCustomersByIds(db, ['C00001']));
    const many = await sending(() =>
      findCustomersByIds(
        db,
        Array.from({ length: 500 }, (_, i) => `C${String(i).padStart(5, '0')}`),
      ),
    );
    expect(one.statements).toHaveLength(1);
    expect(many.statements).toHaveLength(1);
    expect(many.statements[0]!.sql).toBe(one.statements[0]!.sql);
    expect(many.statements[0]!.parameters).toHaveLength(1);

    // A page of each of many entities: one array per key column, then the page's limit.
    const page = readPage({}, CHANGE_HISTORY_KEYSET);
    const pairs = await sending(() =>
      findChangesOfEntities(
        db,
        Array.from({ length: 300 }, (_, i) => ({ entityType: 'T', entityId: String(i) })),
        page,
      ),
    );
    const pair = await sending(() => findChangesOfEntities(db, [{ entityType: 'T', entityId: '0' }], page));
    expect(pairs.statements[0]!.sql).toBe(pair.statements[0]!.sql);
    expect(pairs.statements[0]!.parameters).toHaveLength(3);
  });

  it('answers an empty key list with no rows, not with invalid SQL', async () => {
    await expect(findCustomersByIds(db, [])).resolves.toEqual([]);
  });

  it('matches keys with quotes, backslashes, commas, braces, blanks and the text NULL exactly', async () => {
    const awkward = ['a"b', 'a\\b', 'a,b', '{a}', ' padded ', 'NULL', '', 'ünï'];
    for (const entityId of awkward) {
      await recordChange(t.database.db, { caller, operation: 'create', entityType: 'Odd', entityId, before: null, after: { entityId } });
    }
    const rows = (
      await findChangesOfEntities(
        db,
        [...awkward, 'a'].map((entityId) => ({ entityType: 'Odd', entityId })),
        readPage({}, CHANGE_HISTORY_KEYSET),
      )
    ).flat();
    expect(rows.map((r) => r.entityId).sort()).toEqual([...awkward].sort());
  });

  it('pairs two arrays element by element, typed by their casts', async () => {
    const { rows } = await sql<{
      a: string;
      b: number;
    }>`select * from ${unnestPairs(textArray(['x', 'y']), intArray([1, 2]))} as k(a, b)`.execute(db);
    expect(rows).toEqual([
      { a: 'x', b: 1 },
      { a: 'y', b: 2 },
    ]);
  });
});
