import { sql, type Generated, type Kysely } from 'kysely';

/** The table a system adds with `changeEventsMigration`. */
export interface ChangeEventsDatabase {
  changeEvents: {
    seq: Generated<number>;
    field: string;
    siteId: string;
    entityKey: Record<string, string>;
    writtenAt: Generated<Date>;
  };
}

/** The channel a relay listens on; NOTIFY is delivered only when the writing transaction commits. */
export const CHANGE_EVENTS_NOTIFY_CHANNEL = 'plantgraph_change_events';

const events = (db: Kysely<any>) => db as unknown as Kysely<ChangeEventsDatabase>;

export interface NewChangeEvent {
  /** The subscription field it feeds, e.g. `countTaskChanged`. */
  field: string;
  siteId: string;
  /** Arguments of the query field that reads the entity by key. */
  key: Record<string, string>;
}

/**
 * Records a change for live subscribers; call it with the transaction that writes the change, so
 * an event exists if and only if the change committed.
 */
export async function recordChangeEvent(trx: Kysely<any>, event: NewChangeEvent): Promise<void> {
  await events(trx)
    .insertInto('changeEvents')
    .values({ field: event.field, siteId: event.siteId, entityKey: JSON.stringify(event.key) as any })
    .execute();
  await sql`select pg_notify(${CHANGE_EVENTS_NOTIFY_CHANNEL}, '')`.execute(trx);
}

/** The oldest unpublished events, locked for this transaction; other relays skip them. */
export function claimChangeEvents(trx: Kysely<any>, limit: number) {
  return events(trx).selectFrom('changeEvents').selectAll().orderBy('seq').limit(limit).forUpdate().skipLocked().execute();
}

/** Removes published events. */
export async function deleteChangeEvents(trx: Kysely<any>, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await events(trx)
    .deleteFrom('changeEvents')
    .where('seq', '=', (eb) => eb.fn.any(eb.val(seqs)))
    .execute();
}

/** Whether the database has the change events table (systems without live fields have none). */
export async function hasChangeEventsTable(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`select to_regclass('change_events') is not null as present`.execute(db);
  return rows[0]?.present === true;
}
