import type { ColumnType, Generated } from 'kysely';

/** The audit-trail table as Kysely sees it; add it to a system's database interface. */
export interface AuditTrailTables {
  auditTrail: {
    id: Generated<number>;
    occurredAt: Generated<Date>;
    actor: string;
    actorKind: string;
    operation: string;
    entityType: string;
    entityId: string;
    reference: string | null;
    // JSONB: written as JSON text (pg would turn a JS array into a PostgreSQL array), read parsed.
    before: ColumnType<unknown, string | null, never>;
    after: ColumnType<unknown, string | null, never>;
  };
}
