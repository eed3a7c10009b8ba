import { registerEnumType } from 'type-graphql';

export enum AbcClass {
  A = 'A',
  B = 'B',
  C = 'C',
}
registerEnumType(AbcClass, { name: 'AbcClass' });

export enum CountStatus {
  SCHEDULED = 'SCHEDULED',
  COUNTED = 'COUNTED',
  RECOUNT_REQUIRED = 'RECOUNT_REQUIRED',
  PENDING_APPROVAL = 'PENDING_APPROVAL',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  POSTED = 'POSTED',
}
registerEnumType(CountStatus, { name: 'CountStatus' });

/** Statuses of a count that has a counted quantity but has not reached ERP. */
export const UNPOSTED_COUNTED: readonly CountStatus[] = [
  CountStatus.COUNTED,
  CountStatus.RECOUNT_REQUIRED,
  CountStatus.PENDING_APPROVAL,
  CountStatus.APPROVED,
];
