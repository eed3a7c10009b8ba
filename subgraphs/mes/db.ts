import type { AuditTrailTables } from '../kit/audit-trail';
import type { IdempotencyDatabase } from '../kit/idempotency';

type Timestamp = Date;

/** MES's tables as Kysely sees them (camelCase; the database uses snake_case). */
export interface MesDatabase extends AuditTrailTables, IdempotencyDatabase {
  workCenters: {
    id: string;
    name: string;
    siteId: string;
    area: string;
    state: string;
    stateReasonCode: string | null;
    stateChangedAt: Timestamp;
  };
  /** MES's execution record of an ERP production order, with the header MES needs to run it. */
  workOrders: {
    id: string;
    /** The product; MES labels output lots with it (ERP stays the owner of the order's material). */
    materialId: string;
    siteId: string;
    dispatchStatus: string;
    goodQuantity: number;
    scrapQuantity: number;
    workCenterId: string | null;
    updatedAt: Timestamp;
  };
  lots: {
    id: string;
    materialId: string;
    siteId: string;
    quantity: number;
    lifecycleStatus: string;
    producedBy: string | null;
    createdAt: Timestamp;
  };
  genealogyEdges: {
    consumedLotId: string;
    producedLotId: string;
    quantity: number;
  };
}
