import { textLimitsMigration } from '../../kit/text-limits.migration';

/** Who counted, recounted and approved, and why a count was rejected: as long as the subgraph accepts. */
export const inventoryTextLimitsMigration = textLimitsMigration([
  { table: 'count_tasks', column: 'counted_by', kind: 'name' },
  { table: 'count_tasks', column: 'recounted_by', kind: 'name' },
  { table: 'count_tasks', column: 'approved_by', kind: 'name' },
  { table: 'count_tasks', column: 'rejection_reason', kind: 'text' },
]);
