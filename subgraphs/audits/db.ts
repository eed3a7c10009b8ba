import type { OutboxDatabase } from '../kit/outbox';
import type { IdempotencyDatabase } from '../kit/idempotency';
import type { MaterialNumbersDatabase } from '../kit/material-numbers';

type Timestamp = Date;

/** Audits' tables (camelCase here, snake_case in the database). */
export interface AuditsDatabase extends OutboxDatabase, IdempotencyDatabase, MaterialNumbersDatabase {
  audits: {
    id: string;
    auditType: string;
    layer: number | null;
    checklistName: string;
    workCenterId: string;
    /** The product audited or made at the work center while audited; an escalated finding's NCR names it. */
    materialId: string | null;
    auditor: string;
    scheduledFor: string;
    status: string;
    conformanceRate: number | null;
    questionsChecked: number | null;
    completedAt: Timestamp | null;
  };
  auditResponses: {
    auditId: string;
    question: string;
    position: number;
    conforming: boolean;
    severity: string | null;
    countermeasure: string | null;
  };
  auditFindings: {
    id: string;
    auditId: string;
    question: string;
    severity: string;
    countermeasure: string | null;
    status: string;
    createdAt: Timestamp;
    closedAt: Timestamp | null;
    /** When the finding was handed to quality; the NCR id follows once quality has created it. */
    escalatedAt: Timestamp | null;
    nonconformanceId: string | null;
  };
}
