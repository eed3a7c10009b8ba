import type { ColumnType } from 'kysely';
import type { OutboxDatabase } from '../kit/outbox/outbox.db';
import type { IdempotencyDatabase } from '../kit/idempotency';

type Timestamp = Date;
/** A nullable column that inserts may leave out. */
type Optional<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** Inventory's tables (camelCase here, snake_case in the database). */
export interface InventoryDatabase extends OutboxDatabase, IdempotencyDatabase {
  countPolicies: { siteId: string; abcClass: string; countsPerYear: number; tolerancePercent: number };
  materialSiteProfiles: { materialId: string; siteId: string; abcClass: string; binCodes: string[] };
  countTasks: {
    id: string;
    materialId: string;
    siteId: string;
    binCode: string;
    scheduledFor: string;
    status: string;
    countedQuantity: number | null;
    recountQuantity: number | null;
    countedBy: string | null;
    countedAt: Timestamp | null;
    approvedBy: string | null;
    erpDocumentNumber: string | null;
    recountedBy: Optional<string>;
    recountedAt: Optional<Timestamp>;
    approvedAt: Optional<Timestamp>;
    rejectionReason: Optional<string>;
    postedAt: Optional<Timestamp>;
  };
}
