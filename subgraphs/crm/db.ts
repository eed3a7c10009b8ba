import type { AuditTrailTables } from '../kit/audit-trail';
import type { IdempotencyDatabase } from '../kit/idempotency';

/** CRM's tables as Kysely sees them (camelCase; the database uses snake_case). */
export interface CrmDatabase extends AuditTrailTables, IdempotencyDatabase {
  customers: {
    id: string;
    name: string;
    segment: string;
    countryCode: string;
    accountManager: string;
    primaryContactName: string | null;
  };
}
