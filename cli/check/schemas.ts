import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import {
  buildClientSchema,
  getIntrospectionQuery,
  introspectionFromSchema,
  parse,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { StartupError } from '../../platform/listen';
import { AUTHORITY, type AuthorityRules } from '../../platform/systems';
import { implementedSystems } from '../../subgraphs/catalog';
import { checkSupergraph } from '../authority/guards';
import { buildAuthorityMap } from '../authority/map';
import { readSupergraph } from '../authority/supergraph';
import { composeGraph } from '../compose';

/** A supergraph as the check reads it: where it came from, its API schema and, for a file, its SDL. */
export interface LoadedGraph {
  readonly source: string;
  readonly apiSchema: GraphQLSchema;
  readonly supergraphSdl?: string;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The API schema of a supergraph, as the gateway serves it (through `@apollo/gateway`'s public `load`). */
export async function apiSchemaOf(supergraphSdl: string, source: string): Promise<GraphQLSchema> {
  const gateway = new ApolloGateway({ supergraphSdl, logger: quiet });
  try {
    return (await gateway.load()).schema;
  } catch (err) {
    throw new StartupError(`${source} is not a supergraph the gateway can load: ${(err as Error).message.slice(0, 300)}`);
  } finally {
    await gateway.stop();
  }
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new StartupError(`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * The proposed graph: the working tree's subgraphs composed in memory between the compose guards,
 * or a supergraph file, which passes the guards that read a supergraph.
 */
export async function loadProposed(file: string | undefined, rules: AuthorityRules = AUTHORITY): Promise<LoadedGraph> {
  if (!file) {
    const graph = await composeGraph(implementedSystems(), { rules });
    const sdl = graph.files['supergraph.graphql']!;
    return { source: 'the working tree (composed)', supergraphSdl: sdl, apiSchema: await apiSchemaOf(sdl, 'the composed working tree') };
  }
  const sdl = readText(file, '--proposed');
  let model;
  try {
    model = readSupergraph(parse(sdl));
  } catch (err) {
    throw new StartupError(`--proposed ${file} is not GraphQL SDL: ${(err as Error).message.slice(0, 200)}`);
  }
  const guards = checkSupergraph(model, rules);
  if (guards.errors.length) throw new StartupError(`authority check failed:\n${guards.errors.map((e) => `  - ${e}`).join('\n')}`);
  return { source: file, supergraphSdl: sdl, apiSchema: await apiSchemaOf(sdl, file) };
}

const INTROSPECTION = { specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true } as const;

/**
 * A schema as introspection shows it. Introspection carries no applied directives (`@specifiedBy`
 * on a scalar, for one), so a schema compared with an introspected one goes through it too.
 */
export function asIntrospected(schema: GraphQLSchema): GraphQLSchema {
  return buildClientSchema(introspectionFromSchema(schema, INTROSPECTION));
}

async function introspect(url: string, token: string | undefined): Promise<GraphQLSchema> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'apollographql-client-name': 'plantgraph-check',
        ...(token ? { authorization: /^bearer /i.test(token) ? token : `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: getIntrospectionQuery(INTROSPECTION) }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new StartupError(`--against ${url}: the gateway did not answer (${(err as Error).message})`);
  }
  const text = await response.text();
  let body: { data?: IntrospectionQuery; errors?: { message: string }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new StartupError(`--against ${url}: expected a GraphQL JSON answer, got HTTP ${response.status} "${text.slice(0, 80)}"`);
  }
  if (!body.data) {
    const reason = body.errors?.[0]?.message.slice(0, 200) ?? `HTTP ${response.status}`;
    throw new StartupError(`--against ${url}: introspection refused (${reason}); set PLANTGRAPH_TOKEN to an admin token`);
  }
  return buildClientSchema(body.data);
}

/** The deployed graph: a supergraph file, or the API schema a running gateway introspects to. */
export async function loadAgainst(against: string, env: NodeJS.ProcessEnv): Promise<LoadedGraph> {
  if (/^https?:\/\//i.test(against)) return { source: against, apiSchema: await introspect(against, env.PLANTGRAPH_TOKEN || undefined) };
  const sdl = readText(against, '--against');
  return { source: against, supergraphSdl: sdl, apiSchema: await apiSchemaOf(sdl, against) };
}

/**
 * Fields whose authoritative system differs between two supergraphs without a declared move
 * (AUTHORITY.moves): a field changes owner only through one.
 */
export function undeclaredMoves(deployedSdl: string, proposedSdl: string, rules: AuthorityRules = AUTHORITY): string[] {
  const before = buildAuthorityMap(readSupergraph(parse(deployedSdl)), rules).fields;
  const after = buildAuthorityMap(readSupergraph(parse(proposedSdl)), rules).fields;
  const errors: string[] = [];
  for (const [coordinate, now] of Object.entries(after)) {
    const was = before[coordinate];
    if (!was || !was.system || !now.system || was.system === now.system) continue;
    const declared = rules.moves.some((m) => m.field === coordinate && m.from === was.system && m.to === now.system);
    if (!declared)
      errors.push(
        `${coordinate}: moves from ${was.system} to ${now.system}, but the systems registry declares no such move; add it to AUTHORITY.moves with a reason`,
      );
  }
  return errors;
}
