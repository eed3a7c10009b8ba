import { textLimitsMigration } from '../../kit/text-limits.migration';

/** An adjustment's reason code is as long as the subgraph accepts. */
export const erpTextLimitsMigration = textLimitsMigration([{ table: 'inventory_adjustments', column: 'reason_code', kind: 'code' }]);
