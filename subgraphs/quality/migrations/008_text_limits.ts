import { textLimitsMigration } from '../../kit/text-limits.migration';

/** Quality's free text is as long as the subgraph accepts, no longer. */
export const qualityTextLimitsMigration = textLimitsMigration([
  { table: 'quality_holds', column: 'reason', kind: 'text' },
  { table: 'quality_holds', column: 'release_justification', kind: 'text' },
  { table: 'nonconformances', column: 'description', kind: 'text' },
  { table: 'capas', column: 'root_cause', kind: 'text' },
  { table: 'capas', column: 'corrective_action', kind: 'text' },
]);
