import { sql, type Kysely, type Migration } from 'kysely';
import { TEXT_LIMITS, type TextKind } from './validation';

/** A column that stores client text, and the kind of text it stores. */
export interface BoundedColumn {
  table: string;
  column: string;
  kind: TextKind;
}

/**
 * Makes text columns that store client input `varchar` of their kind's limit (validation.ts), so
 * the database holds the same bound the subgraphs check; down makes them unbounded `text` again.
 */
export function textLimitsMigration(columns: readonly BoundedColumn[]): Migration {
  const alter = async (db: Kysely<any>, type: (column: BoundedColumn) => string) => {
    for (const column of columns) {
      await sql`alter table ${sql.table(column.table)} alter column ${sql.ref(column.column)} type ${sql.raw(type(column))}`.execute(db);
    }
  };
  return {
    up: (db) => alter(db, (column) => `varchar(${TEXT_LIMITS[column.kind]})`),
    down: (db) => alter(db, () => 'text'),
  };
}
