import { textLimitsMigration } from '../../kit/text-limits.migration';

/** A work center's state reason code is as long as the subgraph accepts. */
export const mesTextLimitsMigration = textLimitsMigration([{ table: 'work_centers', column: 'state_reason_code', kind: 'code' }]);
