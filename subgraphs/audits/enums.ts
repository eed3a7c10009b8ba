import { registerEnumType } from 'type-graphql';

export enum AuditType {
  LAYERED_PROCESS = 'LAYERED_PROCESS',
  FIVE_S = 'FIVE_S',
  SAFETY = 'SAFETY',
  PRODUCT = 'PRODUCT',
}
registerEnumType(AuditType, { name: 'AuditType' });

export enum AuditStatus {
  SCHEDULED = 'SCHEDULED',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  MISSED = 'MISSED',
}
registerEnumType(AuditStatus, { name: 'AuditStatus' });

export enum FindingStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}
registerEnumType(FindingStatus, { name: 'FindingStatus' });

export enum Severity {
  MINOR = 'MINOR',
  MAJOR = 'MAJOR',
  CRITICAL = 'CRITICAL',
}
registerEnumType(Severity, { name: 'Severity' });
