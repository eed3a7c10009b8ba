import type { OutboxDatabase } from '../kit/outbox';
import type { IdempotencyDatabase } from '../kit/idempotency';
import type { MaterialNumbersDatabase } from '../kit/material-numbers';

type Timestamp = Date;

/** Quality's tables (camelCase here, snake_case in the database). */
export interface QualityDatabase extends OutboxDatabase, IdempotencyDatabase, MaterialNumbersDatabase {
  planCharacteristics: {
    inspectionType: string;
    characteristic: string;
    lowerLimit: number | null;
    upperLimit: number | null;
    /** Attribute characteristics are judged OK / not OK, without a value. */
    isAttribute: boolean;
    position: number;
  };
  inspections: {
    id: string;
    inspectionType: string;
    lotId: string;
    /** The inspection lot as quality opened it: material, site and lot size at that moment. */
    materialId: string;
    siteId: string;
    lotQuantity: number;
    workOrderId: string | null;
    status: string;
    usageDecision: string | null;
    createdAt: Timestamp;
    decidedAt: Timestamp | null;
  };
  measurements: {
    inspectionId: string;
    characteristic: string;
    lowerLimit: number | null;
    upperLimit: number | null;
    measuredValue: number | null;
    attributeOk: boolean | null;
    conforming: boolean;
    position: number;
    measuredAt: Timestamp;
  };
  qualityHolds: {
    id: string;
    lotId: string;
    materialId: string;
    siteId: string;
    quantity: number;
    reason: string;
    inspectionId: string | null;
    placedAt: Timestamp;
    releasedAt: Timestamp | null;
    releaseJustification: string | null;
    /** ERP's material documents once the stock status changes were posted. */
    erpBlockDocument: string | null;
    erpReleaseDocument: string | null;
  };
  nonconformances: {
    id: string;
    source: string;
    severity: string;
    description: string;
    status: string;
    materialId: string;
    lotId: string | null;
    customerId: string | null;
    supplierId: string | null;
    nonconformingQuantity: number | null;
    disposition: string | null;
    inspectionId: string | null;
    /** The audit finding escalated into this NCR: the escalation command's key, so one finding makes one NCR. */
    sourceFindingId: string | null;
    reportedAt: Timestamp;
    dispositionedAt: Timestamp | null;
  };
  capas: {
    nonconformanceId: string;
    rootCause: string | null;
    correctiveAction: string;
    dueDate: string;
    status: string;
    openedAt: Timestamp;
  };
}
