import { sql } from 'kysely';
import { auditsSystem } from '../../../subgraphs/audits/server';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { migrateDownAll, migrateToLatest } from '../../../platform/db/migrate';
import { TEXT_LIMITS } from '../../../subgraphs/kit/validation';
import { mesSystem } from '../../../subgraphs/mes/server';
import { qualitySystem } from '../../../subgraphs/quality/server';
import { createTestDatabase } from '../../support/databases';

/** Columns that store client text, with the limit the subgraphs check before writing them. */
const BOUNDED = [
  [
    qualitySystem,
    {
      'quality_holds.reason': TEXT_LIMITS.text,
      'quality_holds.release_justification': TEXT_LIMITS.text,
      'nonconformances.description': TEXT_LIMITS.text,
      'capas.root_cause': TEXT_LIMITS.text,
      'capas.corrective_action': TEXT_LIMITS.text,
    },
  ],
  [
    auditsSystem,
    {
      'audits.auditor': TEXT_LIMITS.name,
      'audit_responses.countermeasure': TEXT_LIMITS.text,
      'audit_findings.countermeasure': TEXT_LIMITS.text,
    },
  ],
  [
    inventorySystem,
    {
      'count_tasks.counted_by': TEXT_LIMITS.name,
      'count_tasks.recounted_by': TEXT_LIMITS.name,
      'count_tasks.approved_by': TEXT_LIMITS.name,
      'count_tasks.rejection_reason': TEXT_LIMITS.text,
    },
  ],
  [mesSystem, { 'work_centers.state_reason_code': TEXT_LIMITS.code }],
  [erpSystem, { 'inventory_adjustments.reason_code': TEXT_LIMITS.code }],
] as const;

async function limits(db: any, columns: readonly string[]): Promise<Record<string, number | null>> {
  const { rows } = await sql<{ name: string; max: number | null }>`
    select table_name || '.' || column_name as name, character_maximum_length as max
    from information_schema.columns where table_schema = 'public'`.execute(db);
  const found = new Map(rows.map((r) => [r.name, r.max] as const));
  return Object.fromEntries(columns.map((c) => [c, found.get(c) ?? null]));
}

describe('text columns that store client input are bounded by the limits the subgraphs check', () => {
  it.each(BOUNDED.map(([system, columns]) => [system.name, system, columns] as const))('%s', async (_name, system, columns) => {
    const test = await createTestDatabase(system as any);
    try {
      const db = test.database.db;
      expect(await limits(db, Object.keys(columns))).toEqual(columns);
      // Down and up again: the bound goes and comes back with its migration.
      await migrateDownAll(db, system.migrations, system.name);
      await migrateToLatest(db, system.migrations, system.name);
      expect(await limits(db, Object.keys(columns))).toEqual(columns);
    } finally {
      await test.drop();
    }
  });
});
