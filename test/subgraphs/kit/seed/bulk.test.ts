import { sql, type Kysely } from 'kysely';
import { auditsSystem } from '../../../../subgraphs/audits/server';
import { crmSystem } from '../../../../subgraphs/crm/server';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { inventorySystem } from '../../../../subgraphs/inventory/server';
import { mesSystem } from '../../../../subgraphs/mes/server';
import { qualitySystem } from '../../../../subgraphs/quality/server';
import { snakeCaseOf } from '../../../../platform/db/camel-case';
import { bulkInsert } from '../../../../subgraphs/kit/seed/bulk';
import { bulkLoad } from '../../../../subgraphs/kit/seed/load';
import { silentProgress } from '../../../../subgraphs/kit/seed/progress';
import { scalePlan } from '../../../../subgraphs/kit/seed/world';
import type { SystemModule } from '../../../../subgraphs/kit/system';
import { createTestDatabase, type TestDatabase } from '../../../support/databases';

/**
 * Every seeded table at scale 1, as `<rows> <md5 of the rows' text in order>`: the values the
 * seed wrote with multi-row INSERTs before it loaded in bulk. Any change to a single value of the
 * seed changes a line here.
 */
const SCALE_1: Record<string, Record<string, string>> = {
  erp: {
    customers: '150 5021c6d2275474ab3f9556c59aca083b',
    delivery_lots: '2286 c514295a4b8fe1106df3f10934922c6d',
    goods_receipts: '2802 92b1aa0dccf8bccc5cb3315b37023696',
    material_sites: '3000 8c94c8a4dee891e1458e7aa899ca612a',
    materials: '3000 c31d279ed47e502fdaaa2c1a055fe365',
    outbound_deliveries: '2054 8814f83795ea48e4fdc95593924daf61',
    purchase_order_lines: '3267 d186602a3c9164e326cb093f8f147a33',
    purchase_orders: '793 6ca0d953356dd8caab5e2886100eab3a',
    sales_orders: '733 de8d33fb036377d52f382c3e4dfc3a35',
    sites: '1 bc601f01824f92a2fd9e16deb01e3b64',
    stock_status_changes: '250 9a5e7de727b6fd33e31915762dbd58f7',
    suppliers: '200 775a5dabad2d1a07787f6fa3d94cec93',
    work_orders: '600 8a0085d5194db4027eb74f102024fe54',
  },
  mes: {
    genealogy_edges: '10197 510529126eb3723312200f6c753d6d12',
    lots: '8000 5758c35c211a9973bdf01d3fb2680fcf',
    work_centers: '20 0615ae82d710179ab87cee988b3d8ef4',
    work_orders: '600 1b4bfedfbe05f36620f6eaca9baad634',
  },
  crm: {
    customers: '150 1eea7c9e9b9ff4080be5692eb5c97e91',
  },
  inventory: {
    count_policies: '3 fae68c67750607839ec3d70ebab8f720',
    count_tasks: '2087 37a666af48c08185e3c215a8651088c3',
    material_site_profiles: '3000 d9dfdb0e6ce4084163962be8e5887cb8',
  },
  quality: {
    capas: '135 05f98a5cc40785022bcaedac9bdcfa8e',
    inspections: '7605 11d7a34da353afb82dfd270e15c23217',
    materials: '3000 c07528fd2017c9fb33efc6387979fe7a',
    measurements: '27592 9b7572574b961eb8fd9ecddc14e17686',
    nonconformances: '192 cc7cbf4c5ce90b546b11525844eddf50',
    plan_characteristics: '14 141d82967389f93db863c55459316b20',
    quality_holds: '162 616f35b8ea7316a7e340e5872a72e80b',
  },
  audits: {
    audit_findings: '620 27536ff9182aa46a235d26c5f4a3e233',
    audit_responses: '10250 a971fbbad5b9bd0c58691d4ee8930eb9',
    audits: '1600 afc5f145fa09a36fd16235f6034e5e0e',
    materials: '3000 c07528fd2017c9fb33efc6387979fe7a',
  },
};

/** `<rows> <md5>` of every non-empty table but the migration bookkeeping, with timestamps in UTC. */
async function checksums(db: Kysely<any>): Promise<Record<string, string>> {
  return db.transaction().execute(async (trx) => {
    await sql`set local timezone = 'UTC'`.execute(trx);
    const tables = await sql<{ name: string }>`select tablename as name from pg_tables
      where schemaname = 'public' and tablename not like 'kysely%' order by 1`.execute(trx);
    const out: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const { rows } = await sql<{
        sum: string;
      }>`select count(*) || ' ' || coalesce(md5(string_agg(t::text, ',' order by t::text)), '-') as sum
        from ${sql.id(name)} t`.execute(trx);
      if (!rows[0]!.sum.startsWith('0 ')) out[name] = rows[0]!.sum;
    }
    return out;
  });
}

/** Indexes and constraints of the public schema, as PostgreSQL prints them. */
async function schemaOf(db: Kysely<any>): Promise<string[]> {
  const { rows } = await sql<{ line: string }>`
    select indexdef as line from pg_indexes where schemaname = 'public'
    union all
    select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
      from pg_constraint where connamespace = 'public'::regnamespace
    order by 1`.execute(db);
  return rows.map((r) => r.line);
}

describe('the bulk-loaded seed', () => {
  const systems: readonly SystemModule[] = [erpSystem, mesSystem, crmSystem, inventorySystem, qualitySystem, auditsSystem];
  const dbs: Record<string, TestDatabase> = {};
  const migrated: Record<string, string[]> = {};

  beforeAll(async () => {
    await Promise.all(
      systems.map(async (system) => {
        const db = (dbs[system.name] = await createTestDatabase(system));
        migrated[system.name] = await schemaOf(db.database.db);
        await bulkLoad(db.database.db, (trx) => system.seed(trx, scalePlan(1), silentProgress));
      }),
    );
  }, 300_000);
  afterAll(async () => {
    await Promise.all(Object.values(dbs).map((db) => db.drop()));
  });

  it.each(systems.map((s) => s.name))('writes exactly the rows of the row-by-row seed at scale 1 (%s)', async (name) => {
    expect(await checksums(dbs[name]!.database.db)).toEqual(SCALE_1[name]);
  });

  it.each(systems.map((s) => s.name))('restores every index and foreign key the migrations created (%s)', async (name) => {
    expect(await schemaOf(dbs[name]!.database.db)).toEqual(migrated[name]);
  });
});

describe('bulkLoad', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(mesSystem);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('leaves the database empty and its schema whole when the seed fails', async () => {
    const before = await schemaOf(db.database.db);
    await expect(
      bulkLoad(db.database.db, async (trx) => {
        await bulkInsert(trx, 'workCenters', [
          { id: 'WC-X', name: 'X', siteId: 'S01', area: 'A', state: 'RUNNING', stateChangedAt: new Date() },
        ]);
        throw new Error('the seed broke');
      }),
    ).rejects.toThrow('the seed broke');
    expect(
      await db.database.db
        .selectFrom('workCenters' as any)
        .selectAll()
        .execute(),
    ).toEqual([]);
    expect(await schemaOf(db.database.db)).toEqual(before);
  });

  it('fails the load when a restored foreign key finds a row without its parent', async () => {
    await expect(
      bulkLoad(db.database.db, async (trx) => {
        await bulkInsert(trx, 'lots', [
          {
            id: 'L1',
            materialId: 'M000001',
            siteId: 'S01',
            quantity: 1,
            lifecycleStatus: 'AVAILABLE',
            producedBy: 'WO-NONE',
            createdAt: new Date(),
          },
        ]);
      }),
    ).rejects.toThrow(/foreign key/);
    expect(
      await db.database.db
        .selectFrom('lots' as any)
        .selectAll()
        .execute(),
    ).toEqual([]);
  });
});

describe('bulkInsert', () => {
  it('names columns as the databases do', () => {
    expect(['lineNumber', 'id', 'stateReasonCode', 'fooBAR', 'countryCode'].map(snakeCaseOf)).toEqual([
      'line_number',
      'id',
      'state_reason_code',
      'foo_bar',
      'country_code',
    ]);
  });
});
