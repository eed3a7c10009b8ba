import { sql } from 'kysely';
import { crmSystem } from '../../../subgraphs/crm/server';
import { erpSystem } from '../../../subgraphs/erp/server';
import { migrateDownAll, migrateToLatest } from '../../../platform/db/migrate';
import type { SystemModule } from '../../../subgraphs/kit/system';
import { createTestDatabase } from '../../support/databases';

const tables = async (db: any) =>
  (
    await sql<{
      tablename: string;
    }>`select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%' order by 1`.execute(db)
  ).rows.map((r) => r.tablename);

describe.each([erpSystem, crmSystem] as SystemModule[])('$name migrations', (system) => {
  it('go down completely and up again', async () => {
    const t = await createTestDatabase(system);
    try {
      const migrated = await tables(t.database.db);
      expect(migrated).toContain('audit_trail');
      await migrateDownAll(t.database.db, system.migrations, system.name);
      expect(await tables(t.database.db)).toEqual([]);
      await migrateToLatest(t.database.db, system.migrations, system.name);
      expect(await tables(t.database.db)).toEqual(migrated);
    } finally {
      await t.drop();
    }
  });
});

describe('ERP constraints a system of record owes its data', () => {
  it('refuses negative stock, unknown statuses, orphan lines and a lot received twice', async () => {
    const t = await createTestDatabase(erpSystem, { seed: true });
    const db = t.database.db;
    try {
      const violation = (statement: Promise<unknown>) => expect(statement).rejects.toMatchObject({ code: expect.stringMatching(/^23/) });
      await violation(db.updateTable('materialSites').set({ bookQuantity: -1 }).where('materialId', '=', 'M000001').execute());
      await violation(db.updateTable('purchaseOrders').set({ status: 'LOST' }).where('number', '=', '4500000001').execute());
      await violation(db.updateTable('salesOrders').set({ status: 'SHIPPED' }).where('number', '=', '1000000001').execute());
      await violation(
        db
          .insertInto('purchaseOrderLines')
          .values({
            poNumber: '4599999999',
            lineNumber: 10,
            materialId: 'M000001',
            orderedQuantity: 1,
            receivedQuantity: 0,
            promisedDate: null,
          })
          .execute(),
      );
      await violation(db.updateTable('purchaseOrderLines').set({ receivedQuantity: -5 }).where('poNumber', '=', '4500000001').execute());
      const receipt = await db.selectFrom('goodsReceipts').selectAll().limit(1).executeTakeFirstOrThrow();
      await violation(
        db
          .insertInto('goodsReceipts')
          .values({ ...receipt, documentNumber: '5999999999' })
          .execute(),
      );
      await violation(db.insertInto('deliveryLots').values({ deliveryNumber: '8999999999', lotId: 'L00000001', quantity: 1 }).execute());
    } finally {
      await t.drop();
    }
  });
});
