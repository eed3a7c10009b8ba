import { sql } from 'kysely';
import { dbQueryCount } from '../../../../platform/metrics';
import type { CrmDatabase } from '../../../../subgraphs/crm/db';
import { crmSystem } from '../../../../subgraphs/crm/server';
import { customerFact } from '../../../../subgraphs/kit/seed/erp-world';
import { ids } from '../../../../subgraphs/kit/seed/world';
import { startSubgraph, user, type SubgraphHarness } from '../../../support/subgraph';

const UPDATE = `mutation ($id: ID!, $input: CustomerProfileInput!) {
  updateCustomerProfile(id: $id, input: $input) {
    id name segment accountManager primaryContactName
    changeHistory { nodes { actor operation entityType entityId before after changedFields } }
  }
}`;

describe('CRM customers', () => {
  let crm: SubgraphHarness<CrmDatabase>;
  beforeAll(async () => {
    crm = await startSubgraph(crmSystem);
  });
  afterAll(() => crm.stop());

  const row = (id: string) => crm.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('seeds the 150 customers of the world', async () => {
    const rows = await crm.db.selectFrom('customers').selectAll().orderBy('id').execute();
    expect(rows).toHaveLength(150);
    const { number: _n, creditLimit: _c, ...expected } = customerFact(42);
    expect(rows[41]).toEqual(expected);
    expect(new Set(rows.map((r) => r.segment))).toEqual(new Set(['STRATEGIC', 'KEY', 'STANDARD', 'DISTRIBUTOR']));
  });

  it('answers customer(id) and null for an unknown id', async () => {
    const result = await crm.execute(
      `{ a: customer(id: "C00001") { id name segment countryCode accountManager primaryContactName } b: customer(id: "C99999") { id } }`,
    );
    expect(result.errors).toBeUndefined();
    const { number: _n, creditLimit: _c, ...expected } = customerFact(1);
    expect(result.data.a).toEqual(expected);
    expect(result.data.b).toBeNull();
  });

  it('filters customers by segment, account manager and a literal search', async () => {
    const manager = customerFact(5).accountManager;
    const result = await crm.execute(
      `query ($m: String) { customers(segment: KEY, accountManager: $m) { nodes { id segment accountManager } } }`,
      { m: manager },
    );
    const expected = await crm.db
      .selectFrom('customers')
      .select('id')
      .where('segment', '=', 'KEY')
      .where('accountManager', '=', manager)
      .orderBy('id')
      .execute();
    expect(result.errors).toBeUndefined();
    expect(result.data.customers.nodes.map((c: any) => c.id)).toEqual(expected.map((c) => c.id));

    const name = customerFact(17).name;
    const search = await crm.execute(`query ($s: String) { customers(search: $s, first: 200) { nodes { id } } }`, {
      s: name.slice(-3).toLowerCase(),
    });
    expect(search.data.customers.nodes.map((c: any) => c.id)).toContain('C00017');
    const wildcard = await crm.execute(`{ customers(search: "%") { nodes { id } pageInfo { hasNextPage endCursor } } }`);
    expect(wildcard.data.customers).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
    const byNumber = await crm.execute(`{ customers(search: "c0012") { nodes { id } } }`);
    expect(byNumber.data.customers.nodes.map((c: any) => c.id)).toEqual(Array.from({ length: 10 }, (_, i) => `C0012${i}`));
  });

  it('serves the search from the trigram indexes, not a scan, when the table is large enough to care', async () => {
    const plan = await crm.db.connection().execute(async (conn) => {
      await sql`set enable_seqscan = off`.execute(conn);
      try {
        const { rows } = await sql<{
          'QUERY PLAN': string;
        }>`explain select * from customers where name ilike ${'%works%'} or id ilike ${'%works%'}`.execute(conn);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      } finally {
        await sql`reset enable_seqscan`.execute(conn);
      }
    });
    expect(plan).toContain('customers_name_trgm_idx');
    expect(plan).toContain('customers_id_trgm_idx');
  });

  it('updates the given attributes only, clears the contact on null, and leaves an audit-trail row', async () => {
    const before = await row('C00010');
    const result = await crm.execute(
      UPDATE,
      { id: 'C00010', input: { segment: 'STRATEGIC', primaryContactName: null, name: '  Renamed Works  ' } },
      user('sales-ops'),
    );
    expect(result.errors).toBeUndefined();
    const after = await row('C00010');
    expect(after).toEqual({ ...before, segment: 'STRATEGIC', primaryContactName: null, name: 'Renamed Works' });
    const [change] = result.data.updateCustomerProfile.changeHistory.nodes;
    expect(change).toMatchObject({
      actor: 'sales-ops',
      operation: 'updateCustomerProfile',
      entityType: 'Customer',
      entityId: 'C00010',
      before: {
        name: before.name,
        segment: before.segment,
        accountManager: before.accountManager,
        primaryContactName: before.primaryContactName,
      },
      after: { name: 'Renamed Works', segment: 'STRATEGIC', accountManager: before.accountManager, primaryContactName: null },
    });
    expect(change.changedFields).toEqual(expect.arrayContaining(['name', 'segment']));
    expect(change.changedFields).not.toContain('accountManager');
  });

  it.each([
    [{ name: '   ' }, 'name'],
    [{ name: null }, 'name'],
    [{ accountManager: 'x'.repeat(101) }, 'input.accountManager'],
    [{ segment: null }, 'segment'],
    [{ primaryContactName: '' }, 'primaryContactName'],
    [{}, 'input'],
  ])('rejects %j naming %s and changes nothing', async (input, field) => {
    const before = await row('C00011');
    const result = await crm.execute(UPDATE, { id: 'C00011', input });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await row('C00011')).toEqual(before);
  });

  it('bounds text by characters, as the columns count them, once and before the resolver', async () => {
    const search = `query ($s: String) { customers(search: $s) { nodes { id } } }`;
    const long = await crm.execute(search, { s: 'x'.repeat(101) });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
    // 100 characters of two UTF-16 units each are 100 characters.
    const emoji = await crm.execute(search, { s: '\u{1F3ED}'.repeat(100) });
    expect(emoji.errors).toBeUndefined();
    expect(emoji.data.customers.nodes).toEqual([]);
    const name = '\u{1F3ED}'.repeat(150);
    const renamed = await crm.execute(UPDATE, { id: 'C00012', input: { name } });
    expect(renamed.errors).toBeUndefined();
    expect((await row('C00012')).name).toBe(name);
  });

  it('answers NOT_FOUND for an unknown customer', async () => {
    const result = await crm.execute(UPDATE, { id: 'C99999', input: { name: 'Nobody' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('resolves 10 and 150 Customer representations with the same statements, in order', async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name changeHistory { nodes { id } } } } }`;
    const run = async (count: number) => {
      const representations = Array.from({ length: count }, (_, i) => ({ __typename: 'Customer', id: ids.customer(count - i) }));
      const before = await dbQueryCount('crm');
      const result = await crm.execute(query, { r: representations });
      expect(result.data._entities.map((c: any) => c.id)).toEqual(representations.map((r) => r.id));
      return (await dbQueryCount('crm')) - before;
    };
    const ten = await run(10);
    expect(ten).toBe(2);
    expect(await run(150)).toBe(ten);
  });
});
