import type { AuditTrailTables } from '../kit/audit-trail';

/** CRM's tables as Kysely sees them (camelCase; the database uses snake_case). */
export interface CrmDatabase extends AuditTrailTables {
  customers: {
    id: string;
    name: string;
    segment: string;
    countryCode: string;
    accountManager: string;
    primaryContactName: string | null;
  };
}
