import type { Generated } from 'kysely';
import type { AuditTrailTables } from '../kit/audit-trail';
import type { IdempotencyDatabase } from '../kit/idempotency';

type Timestamp = Date;

/** ERP's tables as Kysely sees them (camelCase; the database uses snake_case). */
export interface ErpDatabase extends AuditTrailTables, IdempotencyDatabase {
  sites: { id: string; name: string };
  materials: {
    id: string;
    description: string;
    materialType: string;
    baseUnitOfMeasure: string;
    standardCost: number;
    lotControlled: boolean;
  };
  materialSites: {
    materialId: string;
    siteId: string;
    bookQuantity: number;
    blockedQuantity: number;
    lastMovementAt: Timestamp | null;
  };
  customers: { id: string; creditLimit: number | null };
  workOrders: {
    id: string;
    materialId: string;
    siteId: string;
    plannedQuantity: number;
    dueDate: string;
    orderStatus: string;
    customerId: string | null;
  };
  inventoryAdjustments: {
    documentNumber: string;
    sourceCountTaskId: string;
    materialId: string;
    siteId: string;
    quantityDelta: number;
    valueDelta: number;
    reasonCode: string;
    postedAt: Generated<Timestamp>;
    postedBy: string;
    /** What the posting was asked (kit/idempotency fingerprint); null on postings made before it was kept. */
    commandFingerprint?: string | null;
  };
  stockStatusChanges: {
    documentNumber: string;
    sourceHoldId: string;
    lotId: string;
    materialId: string;
    siteId: string;
    quantity: number;
    toStatus: string;
    postedAt: Generated<Timestamp>;
    postedBy: string;
    /** What the change was asked (kit/idempotency fingerprint); null on changes made before it was kept. */
    commandFingerprint?: string | null;
  };
  suppliers: { id: string; name: string; countryCode: string };
  purchaseOrders: {
    number: string;
    supplierId: string;
    status: string;
    orderDate: string;
  };
  purchaseOrderLines: {
    poNumber: string;
    lineNumber: number;
    materialId: string;
    orderedQuantity: number;
    receivedQuantity: number;
    promisedDate: string | null;
  };
  goodsReceipts: {
    documentNumber: string;
    poNumber: string;
    lineNumber: number;
    lotId: string;
    quantity: number;
    receivedAt: Timestamp;
  };
  salesOrders: {
    number: string;
    customerId: string;
    status: string;
    orderDate: string;
    requestedDeliveryDate: string;
  };
  outboundDeliveries: {
    documentNumber: string;
    salesOrderNumber: string;
    shippedAt: Timestamp;
  };
  deliveryLots: {
    deliveryNumber: string;
    lotId: string;
    quantity: number;
  };
}
