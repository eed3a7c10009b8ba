import { textLimitsMigration } from '../../kit/text-limits.migration';

/** Audit text written by people is as long as the subgraph accepts, no longer. */
export const auditsTextLimitsMigration = textLimitsMigration([
  { table: 'audits', column: 'auditor', kind: 'name' },
  { table: 'audit_responses', column: 'countermeasure', kind: 'text' },
  { table: 'audit_findings', column: 'countermeasure', kind: 'text' },
]);
