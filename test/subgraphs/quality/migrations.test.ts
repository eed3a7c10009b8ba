import { sql } from 'kysely';
import { auditsSystem } from '../../../subgraphs/audits/server';
import { migrateDownAll, migrateToLatest } from '../../../platform/db/migrate';
import { qualitySystem } from '../../../subgraphs/quality/server';
import { createTestDatabase } from '../../support/databases';

async function tables(db: any): Promise<string[]> {
  const { rows } = await sql<{
    name: string;
  }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely%' order by 1`.execute(
    db,
  );
  return rows.map((r) => r.name);
}

describe('quality and audits migrations', () => {
  it.each([qualitySystem, auditsSystem])('$name migrates down to nothing and up again', async (system) => {
    const test = await createTestDatabase(system as any);
    try {
      const db = test.database.db;
      expect((await tables(db)).length).toBeGreaterThan(2);
      await migrateDownAll(db, system.migrations, system.name);
      expect(await tables(db)).toEqual([]);
      await migrateToLatest(db, system.migrations, system.name);
      expect(await tables(db)).toContain('outbox_commands');
    } finally {
      await test.drop();
    }
  });

  it('keeps states consistent in the database itself', async () => {
    const test = await createTestDatabase(qualitySystem);
    try {
      const db = test.database.db;
      const inspection = {
        id: 'IN1',
        inspectionType: 'FINAL',
        lotId: 'L1',
        materialId: 'M1',
        siteId: 'S01',
        lotQuantity: 5,
        workOrderId: null,
        createdAt: new Date(),
        decidedAt: null,
      };
      await expect(
        db
          .insertInto('inspections')
          .values({ ...inspection, status: 'OPEN', usageDecision: 'ACCEPT', decidedAt: new Date() })
          .execute(),
      ).rejects.toThrow(/inspections_decision_iff_completed/);
      await expect(
        db
          .insertInto('inspections')
          .values({ ...inspection, status: 'COMPLETED', usageDecision: 'ACCEPT' })
          .execute(),
      ).rejects.toThrow(/inspections_decision_has_time/);
      await expect(
        db
          .insertInto('inspections')
          .values({ ...inspection, status: 'DONE', usageDecision: null })
          .execute(),
      ).rejects.toThrow(/check/);
      await expect(
        db
          .insertInto('inspections')
          .values({ ...inspection, status: 'OPEN', usageDecision: null, lotQuantity: -1 })
          .execute(),
      ).rejects.toThrow(/check/);
      await db
        .insertInto('inspections')
        .values({ ...inspection, status: 'OPEN', usageDecision: null })
        .execute();
      const ncr = {
        source: 'CUSTOMER_COMPLAINT',
        severity: 'MAJOR',
        description: 'x',
        status: 'OPEN',
        materialId: 'M1',
        reportedAt: new Date(),
      };
      await expect(
        db
          .insertInto('nonconformances')
          .values({ ...ncr, id: 'NC1' })
          .execute(),
      ).rejects.toThrow(/nonconformances_complaint_has_customer/);
      await expect(
        db
          .insertInto('nonconformances')
          .values({ ...ncr, id: 'NC1', customerId: 'C1', status: 'CLOSED' })
          .execute(),
      ).rejects.toThrow(/nonconformances_disposition_status/);
      const hold = { lotId: 'L1', materialId: 'M1', siteId: 'S01', quantity: 5, reason: 'x', placedAt: new Date() };
      await db
        .insertInto('qualityHolds')
        .values({ ...hold, id: 'QH1' })
        .execute();
      await expect(
        db
          .insertInto('qualityHolds')
          .values({ ...hold, id: 'QH2' })
          .execute(),
      ).rejects.toThrow(/quality_holds_one_open_per_lot/);
    } finally {
      await test.drop();
    }
  });
});
