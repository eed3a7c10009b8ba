import path from 'node:path';
import { StartupError } from '../platform/listen';
import { classifyChanges } from './check/classify';
import { buildReport, renderReport, type CheckReport } from './check/report';
import { asIntrospected, loadAgainst, loadProposed, undeclaredMoves } from './check/schemas';
import { gatherUsage } from './check/usage';
import { parseWindow } from './check/window';

export interface CheckOutcome {
  /** 0 when no breaking change hits use, 1 otherwise. */
  readonly exitCode: 0 | 1;
  /** The report as printed: text for a terminal, or JSON with `--json`. */
  readonly output: string;
  readonly report: CheckReport;
}

const FLAGS = new Set(['--json', '--allow-missing-usage']);
const OPTIONS = new Set(['--proposed', '--against', '--window']);

function parseArgs(args: readonly string[]): Map<string, string> {
  const parsed = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (FLAGS.has(arg)) parsed.set(arg, 'true');
    else if (OPTIONS.has(arg)) {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new StartupError(`${arg} needs a value`);
      parsed.set(arg, value);
    } else
      throw new StartupError(
        `check: unknown argument "${arg.slice(0, 40)}"; expected --proposed <supergraph>, --against <file|url>, --window 30d, --json or --allow-missing-usage`,
      );
  }
  return parsed;
}

/**
 * `plantgraph check`: the proposed graph's API schema against the deployed one, every change
 * classified, and each breaking change weighed against recorded usage and partner documents.
 */
export async function check(args: readonly string[], env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): Promise<CheckOutcome> {
  const options = parseArgs(args);
  const window = options.get('--window') ?? '30d';
  const since = new Date(now.getTime() - parseWindow(window));
  const against = await loadAgainst(options.get('--against') ?? path.join('schema', 'supergraph.graphql'), env);
  const proposed = await loadProposed(options.get('--proposed'));
  if (against.supergraphSdl && proposed.supergraphSdl) {
    const moves = undeclaredMoves(against.supergraphSdl, proposed.supergraphSdl);
    if (moves.length) throw new StartupError(`authority check failed:\n${moves.map((m) => `  - ${m}`).join('\n')}`);
  }
  // A gateway's introspection lacks what SDL alone shows: compare the proposal as introspection would show it.
  const changes = await classifyChanges(against.apiSchema, against.supergraphSdl ? proposed.apiSchema : asIntrospected(proposed.apiSchema));
  // Usage is read only when a breaking change needs it, so that an additive change checks offline.
  const usage = changes.some((c) => c.level === 'breaking') ? await gatherUsage(env, since, against.apiSchema) : null;
  const report = buildReport(
    changes,
    usage,
    { proposed: proposed.source, against: against.source },
    { since, window, allowMissingUsage: options.has('--allow-missing-usage') },
  );
  return { exitCode: report.ok ? 0 : 1, output: options.has('--json') ? JSON.stringify(report, null, 2) : renderReport(report), report };
}
