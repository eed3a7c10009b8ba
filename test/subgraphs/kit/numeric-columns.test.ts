import { sql } from 'kysely';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { mesSystem } from '../../../subgraphs/mes/server';
import { NUMERIC_COLUMNS, type NumericColumn } from '../../../subgraphs/kit/numbers';
import { qualitySystem } from '../../../subgraphs/quality/server';
import { createTestDatabase } from '../../support/databases';

const { quantity, money, measurement } = NUMERIC_COLUMNS;

/** Columns that store numbers clients send (or sums of them), with the type whose bound the use cases check. */
const CHECKED = [
  [
    erpSystem,
    {
      'material_sites.book_quantity': quantity,
      'material_sites.blocked_quantity': quantity,
      'inventory_adjustments.quantity_delta': quantity,
      'inventory_adjustments.value_delta': money,
      'stock_status_changes.quantity': quantity,
    },
  ],
  [
    qualitySystem,
    {
      'measurements.measured_value': measurement,
      'measurements.lower_limit': measurement,
      'measurements.upper_limit': measurement,
      'nonconformances.nonconforming_quantity': quantity,
      'quality_holds.quantity': quantity,
    },
  ],
  [inventorySystem, { 'count_tasks.counted_quantity': quantity, 'count_tasks.recount_quantity': quantity }],
  [mesSystem, { 'work_orders.good_quantity': quantity, 'work_orders.scrap_quantity': quantity, 'lots.quantity': quantity }],
] as const;

const typeOf = ({ precision, scale }: NumericColumn) => `numeric(${precision}, ${scale})`;

describe('numeric columns that store client input are of the types whose bounds the kit checks', () => {
  it.each(CHECKED.map(([system, columns]) => [system.name, system, columns] as const))('%s', async (_name, system, columns) => {
    const test = await createTestDatabase(system as any);
    try {
      const { rows } = await sql<{ name: string; precision: number | null; scale: number | null }>`
        select table_name || '.' || column_name as name, numeric_precision as precision, numeric_scale as scale
        from information_schema.columns where table_schema = 'public' and data_type = 'numeric'`.execute(test.database.db);
      const found = new Map(rows.map((r) => [r.name, `numeric(${r.precision}, ${r.scale})`] as const));
      const expected = Object.fromEntries(Object.entries(columns).map(([column, type]) => [column, typeOf(type)]));
      expect(Object.fromEntries(Object.keys(columns).map((c) => [c, found.get(c) ?? 'missing']))).toEqual(expected);
    } finally {
      await test.drop();
    }
  });
});
