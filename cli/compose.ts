import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { AUTHORITY, systemPort, type AuthorityRules } from '../platform/systems';
import type { SystemModule } from '../subgraphs/kit/system';
import { describeSources } from './authority/describe';
import { checkSubgraphs, checkSupergraph } from './authority/guards';
import { buildAuthorityMap, type AuthorityMap } from './authority/map';
import { renderAuthorityMarkdown } from './authority/markdown';
import { checkDerivedFields, checkGuardedFields, readGuardedFields, renderRolesMarkdown, type GuardedField } from './authority/rights';
import { readSupergraph } from './authority/supergraph';
import {
  buildReconciliationSchema,
  RECONCILED_SYSTEMS,
  RECONCILIATION,
  RECONCILIATION_URL,
} from '../gateway/authority/reconciliation/reconciliation';

export interface ComposedGraph {
  /** `<system>.graphql` → its SDL, `supergraph.graphql`, `authority.json`, `AUTHORITY.md` and `ROLES.md`. */
  readonly files: Readonly<Record<string, string>>;
  /** Authority rules the graph bends without breaking "one owner per field" (printed by compose). */
  readonly warnings: readonly string[];
}

export class CompositionError extends Error {
  override readonly name = 'CompositionError';
}

/** One subgraph's SDL under its system name. */
export interface SubgraphSource {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
}

export interface ComposeOptions {
  /**
   * The authority rules the guards enforce.
   * @default AUTHORITY from platform/systems
   */
  rules?: AuthorityRules;
  /**
   * Whether the gateway's reconciliation subgraph joins the graph.
   * @default true when every system it compares (erp, mes, inventory, quality) is composed
   */
  reconciliation?: boolean;
}

function failure(title: string, messages: readonly string[]): CompositionError {
  return new CompositionError(`${title}:\n${messages.map((m) => `  - ${m}`).join('\n')}`);
}

/** The authority map with each guarded field's rules, so that the explorer shows who may use it beside where it comes from. */
function withRights(map: AuthorityMap, guarded: readonly GuardedField[]): AuthorityMap {
  const fields = { ...map.fields };
  for (const g of guarded)
    if (g.rules.length && fields[g.coordinate]) fields[g.coordinate] = { ...fields[g.coordinate]!, authorized: g.rules };
  return { ...map, fields };
}

/**
 * Composes subgraph SDL with Apollo's composition between the authority guards, and derives the
 * authority map and the source sentence of every field description from the supergraph.
 */
export function composeSubgraphs(subgraphs: readonly SubgraphSource[], options: ComposeOptions = {}): ComposedGraph {
  const rules = options.rules ?? AUTHORITY;
  const parsed = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  const before = checkSubgraphs(parsed, rules);
  if (before.errors.length) throw failure('authority check failed', before.errors);
  const result = composeServices(parsed);
  if (result.errors)
    throw failure(
      'composition failed',
      result.errors.map((e) => e.message),
    );
  const supergraph = parse(result.supergraphSdl);
  const model = readSupergraph(supergraph);
  const after = checkSupergraph(model, rules);
  if (after.errors.length) throw failure('authority check failed', after.errors);
  const sources = buildAuthorityMap(model, rules);
  const guarded = readGuardedFields(supergraph, sources);
  const unguarded = [...checkGuardedFields(guarded), ...checkDerivedFields(supergraph, sources, guarded)];
  if (unguarded.length) throw failure('authorization check failed', unguarded);
  const authority = withRights(sources, guarded);

  const files: Record<string, string> = {};
  for (const s of subgraphs) files[`${s.name}.graphql`] = `${s.sdl.trim()}\n`;
  files['supergraph.graphql'] = `${describeSources(supergraph, authority, guarded).trim()}\n`;
  files['authority.json'] = `${JSON.stringify(authority, null, 2)}\n`;
  files['AUTHORITY.md'] = renderAuthorityMarkdown(authority, rules);
  files['ROLES.md'] = renderRolesMarkdown(guarded, authority);
  return { files, warnings: [...before.warnings, ...after.warnings] };
}

/** Prints each system's subgraph SDL and composes the supergraph (see composeSubgraphs). */
export async function composeGraph(systems: readonly SystemModule[], options: ComposeOptions = {}): Promise<ComposedGraph> {
  const subgraphs: SubgraphSource[] = await Promise.all(
    systems.map(async (system) => ({
      name: system.name,
      url: `http://127.0.0.1:${systemPort(4000, system.name)}/graphql`,
      sdl: printSubgraphSchema(await system.buildSchema()),
    })),
  );
  const names = new Set<string>(systems.map((s) => s.name));
  if (options.reconciliation ?? RECONCILED_SYSTEMS.every((name) => names.has(name))) {
    subgraphs.push({ name: RECONCILIATION, url: RECONCILIATION_URL, sdl: printSubgraphSchema(await buildReconciliationSchema()) });
  }
  return composeSubgraphs(subgraphs, options);
}

/** Writes the composed files; each is replaced by rename so a watching gateway never reads half a file. */
export function writeComposedGraph(graph: ComposedGraph, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of Object.entries(graph.files)) {
    const target = path.join(dir, name);
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, content);
    renameSync(temp, target);
    written.push(target);
  }
  return written;
}
