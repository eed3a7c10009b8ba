import { touches, type ChangeLevel, type ClassifiedChange } from './classify';
import type { UsageEvidence } from './usage';

/** fail: a breaking change hits use; warn: breaking but unused (or use unknown and allowed), or dangerous; pass: safe. */
export type Verdict = 'fail' | 'warn' | 'pass';

export interface ClientUse {
  readonly client: string;
  readonly version: string;
  readonly coordinate: string;
  readonly count: number;
  readonly errorCount: number;
  readonly lastSeen: string;
}

export interface JudgedChange {
  readonly level: ChangeLevel;
  readonly type: string;
  readonly message: string;
  readonly path: string | null;
  readonly verdict: Verdict;
  /** Why the verdict: who uses it, or why it passes. */
  readonly reason: string;
  /** Clients that used a touched coordinate inside the window. */
  readonly clients: readonly ClientUse[];
  /** Clients whose last use of a touched coordinate is older than the window. */
  readonly formerClients: readonly ClientUse[];
  readonly documents: readonly { readonly id: string; readonly name: string }[];
}

export interface CheckReport {
  readonly ok: boolean;
  readonly proposed: string;
  readonly against: string;
  readonly window: string;
  readonly since: string;
  /** Why recorded usage or partner documents could not be read; null when they were. */
  readonly usageUnknown: string | null;
  readonly summary: { readonly breaking: number; readonly dangerous: number; readonly safe: number; readonly failing: number };
  readonly changes: readonly JudgedChange[];
}

export interface JudgeOptions {
  readonly since: Date;
  readonly window: string;
  /** Breaking changes whose use is unknown pass with a warning instead of failing. */
  readonly allowMissingUsage: boolean;
}

function judge(change: ClassifiedChange, usage: UsageEvidence | null, options: JudgeOptions): JudgedChange {
  const base = {
    level: change.level,
    type: change.type,
    message: change.message,
    path: change.path,
    clients: [],
    formerClients: [],
    documents: [],
  };
  if (change.level === 'safe') return { ...base, verdict: 'pass', reason: 'safe' };
  if (change.level === 'dangerous') return { ...base, verdict: 'warn', reason: 'dangerous: may change what clients see, breaks no query' };
  const touched = change.touched;
  if (!touched)
    return {
      ...base,
      verdict: 'warn',
      reason: 'recorded usage cannot tell who depends on this (a directive or schema root); review it by hand',
    };
  const uses = (usage?.uses ?? []).filter((u) => touches(touched, u.coordinate));
  const toClient = (u: (typeof uses)[number]): ClientUse => ({
    client: u.clientName,
    version: u.clientVersion,
    coordinate: u.coordinate,
    count: u.count,
    errorCount: u.errorCount,
    lastSeen: u.lastSeen.toISOString(),
  });
  const byRecency = (a: ClientUse, b: ClientUse) => b.lastSeen.localeCompare(a.lastSeen);
  const clients = uses
    .filter((u) => u.lastSeen >= options.since)
    .map(toClient)
    .sort(byRecency);
  const formerClients = uses
    .filter((u) => u.lastSeen < options.since)
    .map(toClient)
    .sort(byRecency);
  const documents = (usage?.documents ?? [])
    .filter((d) => [...d.coordinates].some((c) => touches(touched, c)))
    .map(({ id, name }) => ({ id, name }));
  const judged = { ...base, clients, formerClients, documents };
  if (clients.length || documents.length) {
    const who = [...new Set(clients.map((c) => c.client))]
      .map((c) => `client ${c}`)
      .concat(documents.map((d) => `partner document "${d.name}"`));
    return { ...judged, verdict: 'fail', reason: `used by ${who.join(', ')}` };
  }
  if (usage?.unknown) {
    const reason = `usage unknown: ${usage.unknown}`;
    return {
      ...judged,
      verdict: options.allowMissingUsage ? 'warn' : 'fail',
      reason: options.allowMissingUsage ? `${reason} (allowed by --allow-missing-usage)` : reason,
    };
  }
  const last = formerClients[0];
  return {
    ...judged,
    verdict: 'warn',
    reason: `unused in the last ${options.window}${last ? ` (last used ${last.lastSeen} by ${last.client})` : ', never recorded'}`,
  };
}

/** Weighs every change against the evidence of use; `usage` is null when no change needed it. */
export function buildReport(
  changes: readonly ClassifiedChange[],
  usage: UsageEvidence | null,
  sources: { proposed: string; against: string },
  options: JudgeOptions,
): CheckReport {
  const judged = changes.map((c) => judge(c, usage, options));
  const count = (level: ChangeLevel) => judged.filter((c) => c.level === level).length;
  const failing = judged.filter((c) => c.verdict === 'fail').length;
  return {
    ok: failing === 0,
    ...sources,
    window: options.window,
    since: options.since.toISOString(),
    usageUnknown: usage?.unknown ?? null,
    summary: { breaking: count('breaking'), dangerous: count('dangerous'), safe: count('safe'), failing },
    changes: [...judged].sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict]),
  };
}

const ORDER: Readonly<Record<Verdict, number>> = { fail: 0, warn: 1, pass: 2 };
const MARK: Readonly<Record<Verdict, string>> = { fail: 'FAIL', warn: 'WARN', pass: 'ok  ' };

function describeUse(u: ClientUse): string {
  const client = u.version ? `${u.client} ${u.version}` : u.client;
  return `${client} read ${u.coordinate} ${u.count} times (${u.errorCount} with errors), last ${u.lastSeen}`;
}

/** The report for a terminal: failures first, each with who uses what and when last. */
export function renderReport(report: CheckReport): string {
  const lines = [`checking ${report.proposed} against ${report.against} (usage window ${report.window}, since ${report.since})`];
  if (report.usageUnknown) lines.push(`recorded usage unknown: ${report.usageUnknown}`);
  if (report.changes.length === 0) lines.push('no changes');
  for (const change of report.changes) {
    lines.push(`${MARK[change.verdict]}  ${change.level.padEnd(9)}  ${change.message}`);
    if (change.verdict === 'pass') continue;
    lines.push(`        ${change.reason}`);
    for (const use of change.clients) lines.push(`        - ${describeUse(use)}`);
    for (const doc of change.documents) lines.push(`        - partner document "${doc.name}" (${doc.id.slice(0, 12)}…) selects it`);
  }
  const { breaking, dangerous, safe, failing } = report.summary;
  const unknown = report.changes.filter((c) => c.verdict === 'fail' && !c.clients.length && !c.documents.length).length;
  const used = failing - unknown;
  const changes = (n: number) => `${n} breaking change${n === 1 ? '' : 's'}`;
  const parts = [
    used ? `${changes(used)} hit${used === 1 ? 's' : ''} use` : '',
    unknown ? `${changes(unknown)} of unknown use` : '',
  ].filter(Boolean);
  const verdict = failing ? `FAILED: ${parts.join(', ')}` : 'passed';
  lines.push(`${breaking} breaking, ${dangerous} dangerous, ${safe} safe; ${verdict}`);
  return lines.join('\n');
}
