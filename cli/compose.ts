import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { printSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { systemPort } from '../platform/systems';
import type { SystemModule } from '../subgraphs/kit/system';

export interface ComposedGraph {
  /** `<system>.graphql` → its SDL, and `supergraph.graphql`. */
  readonly files: Readonly<Record<string, string>>;
}

export class CompositionError extends Error {
  override readonly name = 'CompositionError';
}

/** Prints each subgraph's SDL and composes the supergraph with Apollo's composition. */
export async function composeGraph(systems: readonly SystemModule[]): Promise<ComposedGraph> {
  const subgraphs = await Promise.all(
    systems.map(async (system) => ({
      name: system.name,
      url: `http://127.0.0.1:${systemPort(4000, system.name)}/graphql`,
      sdl: printSubgraphSchema(await system.buildSchema()),
    })),
  );
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) {
    throw new CompositionError(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  const files: Record<string, string> = {};
  for (const s of subgraphs) files[`${s.name}.graphql`] = `${s.sdl.trim()}\n`;
  files['supergraph.graphql'] = `${result.supergraphSdl.trim()}\n`;
  return { files };
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
