import {
  CamelCasePlugin,
  type PluginTransformResultArgs,
  type PostgresPool,
  type PostgresPoolClient,
  type QueryResult,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import { withArrayLiterals } from './array-parameters';

/**
 * camelCase in the code, snake_case in the database, with no second pass over the rows.
 *
 * Kysely's CamelCasePlugin snake-cases the identifiers of every statement and then copies every
 * row it reads into a new object under camelCase keys: one more object per row, and a name lookup
 * per value. Here the statements are snake-cased the same way, but the rows are built under their
 * camelCase names by pg itself: the column names of a result's row description are renamed once
 * per statement, before pg parses the first row (`camelCaseClient`). Only the values of `json` and
 * `jsonb` columns are still walked, because the plugin camel-cases the keys of nested objects too.
 */
export class CamelCaseColumns extends CamelCasePlugin {
  /** The rows already carry camelCase names (`camelCaseClient`). */
  override transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }

  /** The name a column of the result has in the code (`material_id` → `materialId`). */
  columnName(name: string): string {
    return this.camelCase(name);
  }

  /** The column a property is stored in (`lineNumber` → `line_number`), as the plugin names it in statements. */
  columnOf(property: string): string {
    return this.snakeCase(property);
  }

  /** A `json` or `jsonb` value with the keys of its objects camel-cased, as the plugin maps nested objects. */
  nestedValue(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => (isJsonObject(item) ? this.mapRow(item) : item));
    return isJsonObject(value) ? this.mapRow(value) : value;
  }
}

const NAMING = new CamelCaseColumns();

/**
 * The column name the databases' camelCase mapping gives a property (`lineNumber` →
 * `line_number`, `fooBAR` → `foo_bar`), for SQL that names columns itself: raw statements, JSON
 * keys that must be a table's own column names.
 */
export function snakeCaseOf(property: string): string {
  return NAMING.columnOf(property);
}

/** A parsed JSON value that is an object (JSON parsing makes only plain objects). */
function isJsonObject(value: unknown): value is UnknownRow {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const JSON_TYPES: ReadonlySet<number> = new Set([
  pg.types.builtins.JSON,
  pg.types.builtins.JSONB,
  199, // json[]
  3807, // jsonb[]
]);

/** What pg's query object does with a row description (not in its published types). */
interface RowDescribing {
  handleRowDescription(message: { fields: { name: string }[] }): void;
}

interface FieldsResult {
  rows: UnknownRow[];
  fields: { name: string; dataTypeID: number }[];
}

/**
 * One statement whose result columns are renamed before pg builds its rows: pg's own row objects
 * then carry the names the code reads, and no mapping pass follows.
 */
function camelCaseQuery(
  columns: CamelCaseColumns,
  text: string,
  values: readonly unknown[],
  callback: (error: Error | undefined, result: FieldsResult) => void,
): pg.Query {
  const query = new pg.Query(text, values as unknown[], callback as never);
  const describing = query as unknown as RowDescribing;
  const describe = describing.handleRowDescription;
  describing.handleRowDescription = function (message) {
    for (const field of message.fields) field.name = columns.columnName(field.name);
    describe.call(this, message);
  };
  return query;
}

/** Camel-cases the keys nested in the result's `json` and `jsonb` columns, if it has any. */
function mapNestedJson(columns: CamelCaseColumns, result: FieldsResult): void {
  const fields = result.fields ?? [];
  for (const field of fields) {
    if (!JSON_TYPES.has(field.dataTypeID)) continue;
    for (const row of result.rows) row[field.name] = columns.nestedValue(row[field.name]);
  }
}

/** A pool client whose statements return camelCase rows (see `CamelCaseColumns`). */
function camelCaseClient(client: pg.PoolClient, columns: CamelCaseColumns): PostgresPoolClient {
  return {
    query(textOrCursor: unknown, parameters?: readonly unknown[]): any {
      // Cursors (streaming) are not configured on the dialect; Kysely refuses them before this.
      if (typeof textOrCursor !== 'string') return client.query(textOrCursor as never);
      return new Promise((resolve, reject) => {
        client.query(
          camelCaseQuery(columns, textOrCursor, withArrayLiterals(parameters ?? []), (error, result) => {
            if (error) return reject(error);
            try {
              mapNestedJson(columns, result);
            } catch (err) {
              return reject(err);
            }
            resolve(result);
          }),
        );
      });
    },
    release: () => client.release(),
  };
}

/**
 * The pool as Kysely's dialect sees it: the same clients, each wrapped once (Kysely keeps one
 * connection object per client it is given), whose statements return camelCase rows. The pool
 * itself stays untouched for the code that uses pg directly (LISTEN, in the change relay).
 */
export function camelCasePool(pool: pg.Pool, columns: CamelCaseColumns): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let camel = wrapped.get(client);
      if (!camel) {
        camel = camelCaseClient(client, columns);
        wrapped.set(client, camel);
      }
      return camel;
    },
    end: () => pool.end(),
  };
}
