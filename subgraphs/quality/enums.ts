import { registerEnumType } from 'type-graphql';

export enum QualityStatus {
  PENDING_INSPECTION = 'PENDING_INSPECTION',
  RELEASED = 'RELEASED',
  ON_HOLD = 'ON_HOLD',
  REJECTED = 'REJECTED',
}
registerEnumType(QualityStatus, { name: 'QualityStatus' });

export enum InspectionType {
  RECEIVING = 'RECEIVING',
  IN_PROCESS = 'IN_PROCESS',
  FINAL = 'FINAL',
  FIRST_ARTICLE = 'FIRST_ARTICLE',
}
registerEnumType(InspectionType, { name: 'InspectionType' });

export enum InspectionStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(InspectionStatus, { name: 'InspectionStatus' });

export enum UsageDecision {
  ACCEPT = 'ACCEPT',
  CONDITIONAL_ACCEPT = 'CONDITIONAL_ACCEPT',
  REJECT = 'REJECT',
}
registerEnumType(UsageDecision, { name: 'UsageDecision' });

export enum NcSource {
  INSPECTION = 'INSPECTION',
  AUDIT = 'AUDIT',
  CUSTOMER_COMPLAINT = 'CUSTOMER_COMPLAINT',
  SUPPLIER = 'SUPPLIER',
  PRODUCTION = 'PRODUCTION',
}
registerEnumType(NcSource, { name: 'NcSource' });

export enum Severity {
  MINOR = 'MINOR',
  MAJOR = 'MAJOR',
  CRITICAL = 'CRITICAL',
}
registerEnumType(Severity, { name: 'Severity' });

export enum NcStatus {
  OPEN = 'OPEN',
  CONTAINED = 'CONTAINED',
  DISPOSITIONED = 'DISPOSITIONED',
  CLOSED = 'CLOSED',
}
registerEnumType(NcStatus, { name: 'NcStatus' });

export enum Disposition {
  USE_AS_IS = 'USE_AS_IS',
  REWORK = 'REWORK',
  SCRAP = 'SCRAP',
  RETURN_TO_SUPPLIER = 'RETURN_TO_SUPPLIER',
}
registerEnumType(Disposition, { name: 'Disposition', description: 'Material review board (MRB) decision' });

export enum CapaStatus {
  OPEN = 'OPEN',
  IN_PROGRESS = 'IN_PROGRESS',
  VERIFYING = 'VERIFYING',
  CLOSED = 'CLOSED',
}
registerEnumType(CapaStatus, { name: 'CapaStatus' });

/** Inspections that still take results and a usage decision. */
export const UNDECIDED: readonly string[] = [InspectionStatus.OPEN, InspectionStatus.IN_PROGRESS];
