import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { UsageRecord } from './aggregator';

/** Usage tables of the gateway database (see gateway/security/partners/migrations.ts). */
export interface UsageTables {
  usageOperations: {
    bucket: Date;
    clientName: string;
    clientVersion: string;
    operationName: string;
    documentHash: string;
    count: number | string;
    errorCount: number | string;
    durationMsSum: number;
    durationMsMax: number;
    lastSeen: Date;
  };
  usageFields: {
    bucket: Date;
    clientName: string;
    clientVersion: string;
    operationName: string;
    documentHash: string;
    coordinate: string;
    count: number | string;
    errorCount: number | string;
    lastSeen: Date;
  };
}

/**
 * A gateway database handle seen through its usage tables (migration 003_usage), which are typed
 * apart from the security tables the handle is typed with.
 */
export function usageTablesOf(db: Kysely<any>): Kysely<UsageTables> {
  return db as Kysely<UsageTables>;
}

/** Rows per INSERT statement: well under PostgreSQL's 65535 parameters. */
const CHUNK = 1_000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/**
 * Adds the records to the stored totals in one transaction (all or nothing): a row another
 * replica wrote for the same key is summed, not replaced.
 */
export async function addUsage(db: Kysely<UsageTables>, records: readonly UsageRecord[]): Promise<void> {
  const operations = records.map((r) => ({
    bucket: r.bucket,
    clientName: r.clientName,
    clientVersion: r.clientVersion,
    operationName: r.operationName,
    documentHash: r.documentHash,
    count: r.count,
    errorCount: r.errorCount,
    durationMsSum: r.durationMsSum,
    durationMsMax: r.durationMsMax,
    lastSeen: r.lastSeen,
  }));
  const fields = records.flatMap((r) =>
    [...r.fields].map(([coordinate, tally]) => ({
      bucket: r.bucket,
      clientName: r.clientName,
      clientVersion: r.clientVersion,
      operationName: r.operationName,
      documentHash: r.documentHash,
      coordinate,
      count: tally.count,
      errorCount: tally.errorCount,
      lastSeen: r.lastSeen,
    })),
  );
  await db.transaction().execute(async (trx) => {
    for (const rows of chunks(operations)) {
      await trx
        .insertInto('usageOperations')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['bucket', 'clientName', 'clientVersion', 'operationName', 'documentHash']).doUpdateSet({
            count: sql`usage_operations.count + excluded.count`,
            errorCount: sql`usage_operations.error_count + excluded.error_count`,
            durationMsSum: sql`usage_operations.duration_ms_sum + excluded.duration_ms_sum`,
            durationMsMax: sql`greatest(usage_operations.duration_ms_max, excluded.duration_ms_max)`,
            lastSeen: sql`greatest(usage_operations.last_seen, excluded.last_seen)`,
          }),
        )
        .execute();
    }
    for (const rows of chunks(fields)) {
      await trx
        .insertInto('usageFields')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['bucket', 'clientName', 'clientVersion', 'operationName', 'documentHash', 'coordinate']).doUpdateSet({
            count: sql`usage_fields.count + excluded.count`,
            errorCount: sql`usage_fields.error_count + excluded.error_count`,
            lastSeen: sql`greatest(usage_fields.last_seen, excluded.last_seen)`,
          }),
        )
        .execute();
    }
  });
}

/** Deletes buckets older than `before`; returns how many rows went. */
export async function deleteUsageBefore(db: Kysely<UsageTables>, before: Date): Promise<number> {
  const operations = await db.deleteFrom('usageOperations').where('bucket', '<', before).executeTakeFirst();
  const fields = await db.deleteFrom('usageFields').where('bucket', '<', before).executeTakeFirst();
  return Number(operations.numDeletedRows) + Number(fields.numDeletedRows);
}

export interface UsageFilter {
  since: Date;
  /** `Type.field`: that field and its arguments. */
  field?: string;
  client?: string;
}

export interface OperationUsageRow {
  clientName: string;
  operationName: string;
  documentHash: string;
  count: number;
  errorCount: number;
  meanMs: number;
  maxMs: number;
  lastSeen: Date;
}

export interface FieldUsageRow {
  coordinate: string;
  clientName: string;
  count: number;
  errorCount: number;
  lastSeen: Date;
}

/** Operations by client since `filter.since` (with `filter.field`: only operations that selected it). */
export async function operationUsage(db: Kysely<UsageTables>, filter: UsageFilter): Promise<OperationUsageRow[]> {
  let query = db
    .selectFrom('usageOperations as o')
    .select([
      'o.clientName',
      'o.operationName',
      'o.documentHash',
      sql<string>`sum(o.count)`.as('count'),
      sql<string>`sum(o.error_count)`.as('errorCount'),
      sql<number>`sum(o.duration_ms_sum) / nullif(sum(o.count), 0)`.as('meanMs'),
      sql<number>`max(o.duration_ms_max)`.as('maxMs'),
      sql<Date>`max(o.last_seen)`.as('lastSeen'),
    ])
    .where('o.bucket', '>=', filter.since)
    .groupBy(['o.clientName', 'o.operationName', 'o.documentHash'])
    .orderBy('o.clientName')
    .orderBy(sql`sum(o.count)`, 'desc')
    .orderBy('o.operationName');
  if (filter.client !== undefined) query = query.where('o.clientName', '=', filter.client);
  const field = filter.field;
  if (field !== undefined) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('usageFields as f')
          .select(sql`1`.as('one'))
          .whereRef('f.bucket', '=', 'o.bucket')
          .whereRef('f.clientName', '=', 'o.clientName')
          .whereRef('f.clientVersion', '=', 'o.clientVersion')
          .whereRef('f.operationName', '=', 'o.operationName')
          .whereRef('f.documentHash', '=', 'o.documentHash')
          .where('f.coordinate', '=', field),
      ),
    );
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    ...r,
    count: Number(r.count),
    errorCount: Number(r.errorCount),
    meanMs: Number(r.meanMs ?? 0),
    maxMs: Number(r.maxMs ?? 0),
    lastSeen: new Date(r.lastSeen),
  }));
}

/** Rows of one field (`Type.field`) and of its arguments (`Type.field(arg:)`). */
function ofField(field: string) {
  const argumentsOf = `${field.replace(/[\\%_]/g, '\\$&')}(%`;
  return (eb: ExpressionBuilder<UsageTables, 'usageFields'>) =>
    eb.or([eb('coordinate', '=', field), eb('coordinate', 'like', argumentsOf)]);
}

/** Fields and arguments by client since `filter.since`. */
export async function fieldUsage(db: Kysely<UsageTables>, filter: UsageFilter): Promise<FieldUsageRow[]> {
  let query = db
    .selectFrom('usageFields')
    .select([
      'coordinate',
      'clientName',
      sql<string>`sum(count)`.as('count'),
      sql<string>`sum(error_count)`.as('errorCount'),
      sql<Date>`max(last_seen)`.as('lastSeen'),
    ])
    .where('bucket', '>=', filter.since)
    .groupBy(['coordinate', 'clientName'])
    .orderBy('coordinate')
    .orderBy('clientName');
  if (filter.client !== undefined) query = query.where('clientName', '=', filter.client);
  if (filter.field !== undefined) query = query.where(ofField(filter.field));
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, count: Number(r.count), errorCount: Number(r.errorCount), lastSeen: new Date(r.lastSeen) }));
}

/** One (coordinate, client, version, operation) total of the window. */
export interface UsageSliceRow {
  coordinate: string;
  clientName: string;
  clientVersion: string;
  operationName: string;
  count: number;
  errorCount: number;
  lastSeen: Date;
}

/**
 * Field usage since `since` by coordinate, client, client version and operation, in one
 * statement (`fieldUsage` sums by client name only; the explorer names versions and
 * operations per field). With `field`, that field and its arguments only.
 */
export async function readUsageSlices(db: Kysely<UsageTables>, filter: { since: Date; field?: string }): Promise<UsageSliceRow[]> {
  let query = db
    .selectFrom('usageFields')
    .select([
      'coordinate',
      'clientName',
      'clientVersion',
      'operationName',
      sql<string>`sum(count)`.as('count'),
      sql<string>`sum(error_count)`.as('errorCount'),
      sql<Date>`max(last_seen)`.as('lastSeen'),
    ])
    .where('bucket', '>=', filter.since)
    .groupBy(['coordinate', 'clientName', 'clientVersion', 'operationName']);
  if (filter.field !== undefined) query = query.where(ofField(filter.field));
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, count: Number(r.count), errorCount: Number(r.errorCount), lastSeen: new Date(r.lastSeen) }));
}

/** Whether any use of a field was ever recorded (an empty table says usage recording never ran). */
export async function anyFieldUsage(db: Kysely<UsageTables>): Promise<boolean> {
  const any = await db.selectFrom('usageFields').select('coordinate').limit(1).executeTakeFirst();
  return any !== undefined;
}

/** One client version's use of one coordinate. */
export interface CoordinateUseRow {
  readonly coordinate: string;
  readonly clientName: string;
  readonly clientVersion: string;
  /** Requests inside the window. */
  readonly count: number;
  readonly errorCount: number;
  /** The last use ever, inside the window or before it. */
  readonly lastSeen: Date;
}

/**
 * Each client version's use of each coordinate ever recorded: counts since `since`, and its last
 * use ever (to say when a field unused in the window was last read), in one statement.
 */
export async function coordinateUseSince(db: Kysely<UsageTables>, since: Date): Promise<CoordinateUseRow[]> {
  const rows = await db
    .selectFrom('usageFields')
    .select([
      'coordinate',
      'clientName',
      'clientVersion',
      sql<string | null>`sum(count) filter (where bucket >= ${since})`.as('count'),
      sql<string | null>`sum(error_count) filter (where bucket >= ${since})`.as('errorCount'),
      sql<Date>`max(last_seen)`.as('lastSeen'),
    ])
    .groupBy(['coordinate', 'clientName', 'clientVersion'])
    .execute();
  return rows.map((r) => ({
    coordinate: r.coordinate,
    clientName: r.clientName,
    clientVersion: r.clientVersion,
    count: Number(r.count ?? 0),
    errorCount: Number(r.errorCount ?? 0),
    lastSeen: new Date(r.lastSeen),
  }));
}
