import { sql, type Generated, type Kysely } from 'kysely';
import { snakeCaseOf } from '../../../platform/db/camel-case';

/** The table a system adds with `changeEventsMigration`. */
export interface ChangeEventsDatabase {
  changeEvents: {
    seq: Generated<number>;
    field: string;
    scope: string;
    entityKey: Record<string, string>;
    writtenAt: Generated<Date>;
    /** The changed row as the transaction left it (`to_jsonb` of the owner's row), when the event names its table. */
    state: unknown;
    /** When the relay published it; published events are kept a while so that they can be read as of their change. */
    publishedAt: Date | null;
  };
}

/** The channel a relay listens on; NOTIFY is delivered only when the writing transaction commits. */
export const CHANGE_EVENTS_NOTIFY_CHANNEL = 'plantgraph_change_events';

const events = (db: Kysely<any>) => db as unknown as Kysely<ChangeEventsDatabase>;

/**
 * How long a published event is kept with the row it recorded, for reading the entity as of the
 * change (`asOfChange`): an event is resolved within milliseconds of publishing, so this is a
 * margin for a gateway that waited on a slow system, not a history.
 */
export const CHANGE_KEPT_MS = 15 * 60_000;

/**
 * A live field whose events keep the changed row, and the owner's table the row comes from: named
 * once per entity, beside its repository, so that the writer of its events and the reader of its
 * rows (`entityAsOfChange`) agree.
 */
export interface ChangeStream {
  /** The subscription field its events feed, e.g. `countTaskChanged`. */
  readonly field: string;
  /** The owner's table holding the entity, its columns named as the key's fields in snake_case. */
  readonly table: string;
}

export interface NewChangeEvent {
  /** The subscription field it feeds, e.g. `countTaskChanged`. */
  field: string;
  /** What the live field's argument selects: the site, or the supplier for a supplier's field. */
  scope: string;
  /** Arguments of the query field that reads the entity by key. */
  key: Record<string, string>;
  /**
   * The owner's table holding the entity (`ChangeStream.table`). The row as this transaction
   * leaves it is kept with the event, so that the owner can answer for the entity as of the change
   * (`asOfChange`) however soon a later change follows.
   */
  table?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`change events: "${name}" is not a plain lower-case SQL identifier`);
  return name;
}

/**
 * Records a change for live subscribers; call it with the transaction that writes the change, so
 * an event exists if and only if the change committed.
 */
export async function recordChangeEvent(trx: Kysely<any>, event: NewChangeEvent): Promise<void> {
  const state = event.table
    ? sql`(select to_jsonb(t) from ${sql.table(identifier(event.table))} as t where ${sql.join(
        Object.entries(event.key).map(([name, value]) => sql`${sql.ref(`t.${identifier(snakeCaseOf(name))}`)} = ${value}`),
        sql` and `,
      )})`
    : sql`null`;
  await sql`
    with recorded as (
      insert into change_events (field, scope, entity_key, state)
      values (${event.field}, ${event.scope}, ${JSON.stringify(event.key)}::jsonb, ${state})
    )
    select pg_notify(${CHANGE_EVENTS_NOTIFY_CHANNEL}, '')`.execute(trx);
}

/** The oldest unpublished events, locked for this transaction; other relays skip them. */
export function claimChangeEvents(trx: Kysely<any>, limit: number) {
  return events(trx)
    .selectFrom('changeEvents')
    .select(['seq', 'field', 'scope', 'entityKey', 'writtenAt'])
    .where('publishedAt', 'is', null)
    .orderBy('seq')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Marks events published; they stay readable as of their change until `pruneChangeEvents` removes them. */
export async function markChangeEventsPublished(trx: Kysely<any>, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await events(trx)
    .updateTable('changeEvents')
    .set({ publishedAt: sql`now()` as any })
    .where('seq', '=', (eb) => eb.fn.any(eb.val(seqs)))
    .execute();
}

/** Removes events published more than `keepMs` ago; returns how many. */
export async function pruneChangeEvents(db: Kysely<any>, keepMs: number): Promise<number> {
  const result = await events(db)
    .deleteFrom('changeEvents')
    .where('publishedAt', '<', sql<Date>`now() - make_interval(secs => ${keepMs / 1000})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The row that event `seq` of a stream kept, typed as a row of the stream's table by the database
 * itself (`jsonb_populate_record`), so that it parses exactly as the table's own rows; undefined
 * when no such event is kept.
 */
export async function findStateAsOfChange<Row>(db: Kysely<any>, stream: ChangeStream, seq: string): Promise<Row | undefined> {
  const { rows } = await sql<Row>`
    select r.*
    from change_events as e
    cross join lateral jsonb_populate_record(null::${sql.table(identifier(stream.table))}, e.state) as r
    where e.seq = ${seq}::bigint and e.field = ${stream.field} and e.state is not null`.execute(db);
  return rows[0];
}

/** Whether the database has the change events table (systems without live fields have none). */
export async function hasChangeEventsTable(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ present: boolean }>`select to_regclass('change_events') is not null as present`.execute(db);
  return rows[0]?.present === true;
}
