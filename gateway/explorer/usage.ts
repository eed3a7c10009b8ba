import { buildSchema, isInterfaceType, isObjectType } from 'graphql';
import { durationMs } from '../../platform/duration';
import { supergraphFieldCoordinates } from '../usage/schema-fields';
import type { UsageSliceRow } from '../usage/usage.repository';

export const USAGE_JSON_PATH = '/explorer/usage.json';

/** Clients and operations listed per field; the rest are counted, not named. */
const LISTED = 20;
const COORDINATE = /^[_A-Za-z]\w*\.[_A-Za-z]\w*$/;

export type UsageQuery = { ok: true; period: string; since: Date; field?: string } | { ok: false; message: string };

/** Reads `since` (default `30d`) and `field` (`Type.field`) from the query string. */
export function parseUsageQuery(params: URLSearchParams, now: Date = new Date()): UsageQuery {
  const period = params.get('since') ?? '30d';
  const periodMs = durationMs(period);
  if (!periodMs) return { ok: false, message: `since: expected a period such as 30d, 12h or 90m, got "${period.slice(0, 40)}"` };
  const field = params.get('field') ?? undefined;
  if (field !== undefined && !COORDINATE.test(field))
    return { ok: false, message: `field: expected a schema coordinate such as Material.description, got "${field.slice(0, 80)}"` };
  return { ok: true, period, since: new Date(now.getTime() - periodMs), field };
}

export interface ClientUse {
  name: string;
  version: string;
  count: number;
  lastSeen: string;
}

export interface FieldUse {
  coordinate: string;
  count: number;
  errorCount: number;
  lastSeen: string;
  /** The deprecation reason, when the current schema deprecates the field. */
  deprecated?: string;
  /** Most used first, at most 20; `clientCount` says how many there are. */
  clients: ClientUse[];
  clientCount: number;
  operations: { name: string; count: number }[];
  operationCount: number;
}

export interface UsageOverview {
  period: string;
  since: string;
  field?: string;
  /** Every coordinate used in the window, most used first (introspection's meta-fields left out). */
  fields: FieldUse[];
  /** Fields of the current API schema nobody selected in the window. */
  unused: string[];
  /** Deprecated fields of the current API schema still selected in the window, and by whom. */
  deprecatedInUse: { coordinate: string; reason: string; clients: string[]; count: number; lastSeen: string }[];
}

/** `Type.field` → deprecation reason, for the object and interface fields of a supergraph. */
export function deprecatedFields(supergraphSdl: string): Map<string, string> {
  const schema = buildSchema(supergraphSdl, { assumeValidSDL: true });
  const deprecated = new Map<string, string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || (!isObjectType(type) && !isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.deprecationReason != null) deprecated.set(`${type.name}.${field.name}`, field.deprecationReason);
    }
  }
  return deprecated;
}

const byUse = <T extends { count: number; name: string }>(a: T, b: T) => b.count - a.count || a.name.localeCompare(b.name);

/** Sums the rows per coordinate and sets them against the current schema's fields. */
export function summarizeUsage(
  rows: readonly UsageSliceRow[],
  schema: { fields: readonly string[]; deprecated: ReadonlyMap<string, string> },
  query: { period: string; since: Date; field?: string },
): UsageOverview {
  const perField = new Map<
    string,
    {
      count: number;
      errorCount: number;
      lastSeen: Date;
      clients: Map<string, { name: string; version: string; count: number; lastSeen: Date }>;
      operations: Map<string, number>;
    }
  >();
  for (const row of rows) {
    // Introspection (`Query.__schema`, `__Type.fields`) is no field of the API: the explorer asks for it on every load.
    if (row.coordinate.startsWith('__') || row.coordinate.includes('.__')) continue;
    let entry = perField.get(row.coordinate);
    if (!entry)
      perField.set(
        row.coordinate,
        (entry = { count: 0, errorCount: 0, lastSeen: row.lastSeen, clients: new Map(), operations: new Map() }),
      );
    entry.count += row.count;
    entry.errorCount += row.errorCount;
    if (row.lastSeen > entry.lastSeen) entry.lastSeen = row.lastSeen;
    const clientKey = `${row.clientName}\u0000${row.clientVersion}`;
    const client = entry.clients.get(clientKey) ?? { name: row.clientName, version: row.clientVersion, count: 0, lastSeen: row.lastSeen };
    client.count += row.count;
    if (row.lastSeen > client.lastSeen) client.lastSeen = row.lastSeen;
    entry.clients.set(clientKey, client);
    entry.operations.set(row.operationName, (entry.operations.get(row.operationName) ?? 0) + row.count);
  }
  const fields: FieldUse[] = [...perField].map(([coordinate, e]) => {
    const clients = [...e.clients.values()].sort((a, b) => byUse(a, b) || a.version.localeCompare(b.version));
    const operations = [...e.operations].map(([name, count]) => ({ name, count })).sort(byUse);
    const deprecated = schema.deprecated.get(coordinate);
    return {
      coordinate,
      count: e.count,
      errorCount: e.errorCount,
      lastSeen: e.lastSeen.toISOString(),
      ...(deprecated !== undefined ? { deprecated } : {}),
      clients: clients.slice(0, LISTED).map((c) => ({ ...c, lastSeen: c.lastSeen.toISOString() })),
      clientCount: clients.length,
      operations: operations.slice(0, LISTED),
      operationCount: operations.length,
    };
  });
  fields.sort((a, b) => b.count - a.count || a.coordinate.localeCompare(b.coordinate));
  const inScope = (c: string) => query.field === undefined || c === query.field;
  const unused = schema.fields.filter((c) => inScope(c) && !perField.has(c));
  const deprecatedInUse = fields
    .filter((f) => f.deprecated !== undefined)
    .map((f) => ({
      coordinate: f.coordinate,
      reason: f.deprecated!,
      clients: [...new Set(f.clients.map((c) => c.name))],
      count: f.count,
      lastSeen: f.lastSeen,
    }));
  return {
    period: query.period,
    since: query.since.toISOString(),
    ...(query.field ? { field: query.field } : {}),
    fields,
    unused,
    deprecatedInUse,
  };
}

/** The current schema's fields and deprecations, computed once per supergraph. */
export function createSchemaFieldsCache(): (supergraphSdl: string) => { fields: string[]; deprecated: Map<string, string> } {
  let cached: { sdl: string; fields: string[]; deprecated: Map<string, string> } | undefined;
  return (sdl) => {
    if (cached?.sdl !== sdl) cached = { sdl, fields: supergraphFieldCoordinates(sdl), deprecated: deprecatedFields(sdl) };
    return cached;
  };
}
