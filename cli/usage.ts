import { readFileSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from '../platform/listen';
import { durationMs } from '../platform/duration';
import { supergraphFieldCoordinates } from '../gateway/usage/schema-fields';
import {
  fieldUsage,
  operationUsage,
  type FieldUsageRow,
  type OperationUsageRow,
  usageTablesOf,
  type UsageTables,
} from '../gateway/usage/usage.repository';
import type { Kysely } from 'kysely';
import { withGatewayDatabase } from './gateway-database';
import { option as readOption } from './options';

export const USAGE_REPORT_USAGE = 'usage [--since 30d] [--field Type.field] [--client NAME] [--json]';

const option = (args: string[], name: string) =>
  readOption(args, name, { command: 'usage', hint: `usage: plantgraph ${USAGE_REPORT_USAGE}` });

export interface UsageReport {
  since: string;
  period: string;
  field?: string;
  client?: string;
  operations: OperationUsageRow[];
  fields: FieldUsageRow[];
  /** Fields of the current supergraph with no recorded use in the period (by `client` when given). */
  unused: string[];
}

/** Reads the report from the gateway database. */
export async function usageReport(
  db: Kysely<UsageTables>,
  query: { period: string; since: Date; field?: string; client?: string; supergraphSdl: string },
): Promise<UsageReport> {
  const filter = { since: query.since, field: query.field, client: query.client };
  const [operations, fields] = [await operationUsage(db, filter), await fieldUsage(db, filter)];
  const used = new Set(fields.map((f) => f.coordinate));
  const unused = supergraphFieldCoordinates(query.supergraphSdl).filter(
    (c) => !used.has(c) && (query.field === undefined || c === query.field),
  );
  return { since: query.since.toISOString(), period: query.period, field: query.field, client: query.client, operations, fields, unused };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const when = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** The report as a terminal reads it. */
export function formatUsageReport(report: UsageReport): string {
  const scope = [report.client ? `client ${report.client}` : '', report.field ? `field ${report.field}` : ''].filter(Boolean).join(', ');
  const out = [`usage in the last ${report.period} (since ${report.since})${scope ? `, ${scope}` : ''}`, ''];
  out.push(`operations by client (${report.operations.length})`);
  out.push(
    report.operations.length
      ? table(
          ['client', 'operation', 'document', 'count', 'errors', 'mean ms', 'max ms', 'last seen'],
          report.operations.map((o) => [
            o.clientName,
            o.operationName || '(anonymous)',
            o.documentHash.slice(0, 12),
            String(o.count),
            String(o.errorCount),
            o.meanMs.toFixed(1),
            o.maxMs.toFixed(1),
            when(o.lastSeen),
          ]),
        )
      : '  none recorded',
  );
  out.push('', `fields by client (${report.fields.length})`);
  out.push(
    report.fields.length
      ? table(
          ['field', 'client', 'count', 'errors', 'last seen'],
          report.fields.map((f) => [f.coordinate, f.clientName, String(f.count), String(f.errorCount), when(f.lastSeen)]),
        )
      : '  none recorded',
  );
  out.push(
    '',
    `fields of the current supergraph unused ${report.client ? `by ${report.client} ` : ''}in the period (${report.unused.length})`,
  );
  out.push(report.unused.length ? report.unused.map((c) => `  ${c}`).join('\n') : '  none');
  return out.join('\n');
}

/** `plantgraph usage …`: fields and operations by client for a period, and the fields nobody used. */
export async function usage(args: string[], env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): Promise<string> {
  const period = option(args, '--since') ?? '30d';
  const periodMs = durationMs(period);
  if (!periodMs) throw new StartupError(`usage: --since must be a period such as 30d, 12h or 90m, got "${period.slice(0, 40)}"`);
  const field = option(args, '--field');
  if (field !== undefined && !/^[_A-Za-z]\w*\.[_A-Za-z]\w*$/.test(field))
    throw new StartupError(`usage: --field must be a schema coordinate such as Material.description, got "${field.slice(0, 80)}"`);
  const client = option(args, '--client');
  const supergraphPath = path.resolve(env.SUPERGRAPH_PATH || 'schema/supergraph.graphql');
  let supergraphSdl: string;
  try {
    supergraphSdl = readFileSync(supergraphPath, 'utf8');
  } catch (err) {
    throw new StartupError(
      `usage: cannot read the supergraph at ${supergraphPath} (SUPERGRAPH_PATH): ${(err as Error).message.slice(0, 200)}`,
    );
  }
  const since = new Date(now.getTime() - periodMs);
  const report = await withGatewayDatabase(env, (database) =>
    usageReport(usageTablesOf(database.db), { period, since, field, client, supergraphSdl }),
  );
  return args.includes('--json') ? JSON.stringify(report, null, 2) : formatUsageReport(report);
}
