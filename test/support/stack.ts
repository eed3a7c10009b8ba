import type { AddressInfo } from 'node:net';
import type { SupergraphManager } from '@apollo/gateway';
import { composeGraph } from '../../cli/compose';
import { createGatewayServer, type GatewayOptions, type GatewayServer } from '../../gateway/server';
import { createLogger } from '../../platform/logger';
import type { SystemName } from '../../platform/systems';
import { createSystemServer, type SystemModule } from '../../subgraphs/kit/system';
import type { SubgraphServer } from '../../subgraphs/kit/server';
import { createTestDatabase, type TestDatabase } from './databases';
import { loadDevIssuer, type DevIssuer, type TokenRequest } from '../../gateway/security/dev-issuer';
import type { Caller } from '../../platform/caller';
import { CALLER_HEADER, signCaller } from '../../platform/caller-header';

let issuer: Promise<DevIssuer> | undefined;
let adminToken: Promise<string> | undefined;

/** A token from the suite's issuer (see global-setup.ts), which every test gateway trusts. */
export function testToken(request: TokenRequest = { roles: ['admin'] }): Promise<string> {
  const dir = process.env.PLANTGRAPH_TEST_ISSUER_DIR;
  if (!dir) throw new Error('PLANTGRAPH_TEST_ISSUER_DIR is not set: run the tests through jest, whose global setup provides the issuer');
  issuer ??= loadDevIssuer(dir, { issuer: process.env.OIDC_ISSUER, audience: process.env.OIDC_AUDIENCE });
  return issuer.then((i) => i.mint(request));
}

/** The header that opens a gateway's `/metrics` and the details of its `/ready` (OPS_TOKEN, set by global-setup.ts). */
export function opsHeaders(): Record<string, string> {
  return { authorization: `Bearer ${process.env.OPS_TOKEN}` };
}

/** The caller tests act as when they call a subgraph directly. */
export const TEST_CALLER: Caller = Object.freeze({ subject: 'test', kind: 'user', roles: ['admin'], scopes: [] });

/**
 * A caller header signed with the suite's key, as the gateway sends it: for one system (`audience`)
 * and one request body, good once.
 */
export function signedCallerHeader(target: { audience: string; body: string }, caller: Caller = TEST_CALLER): string {
  return signCaller(caller, process.env.CALLER_SIGNING_KEY!, target);
}

/** The system a URL serves, as its `/health` says; undefined for a gateway (which names none). */
export async function systemAt(url: string): Promise<string | undefined> {
  try {
    const health = (await (await fetch(new URL('/health', url))).json()) as { system?: unknown };
    return typeof health.system === 'string' ? health.system : undefined;
  } catch {
    return undefined;
  }
}

export interface GraphQLResponse<T = any> {
  status: number;
  body: { data?: T; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

/** Posts a GraphQL operation and returns the HTTP status and parsed body. */
export async function postGraphQL<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  // Authenticated unless the test sends credentials of its own: an admin token for gateways, a
  // caller signed for the subgraph and this body (each ignores the other's header).
  const given = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  const auth: Record<string, string> = {};
  if (!given.has('authorization') && !given.has('x-api-key')) auth.authorization = `Bearer ${await (adminToken ??= testToken())}`;
  const body = JSON.stringify({ query, variables });
  if (!given.has(CALLER_HEADER)) {
    const system = await systemAt(url);
    if (system) auth[CALLER_HEADER] = signedCallerHeader({ audience: system, body });
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth, ...headers },
    body,
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<T>['body'] };
}

export function listenOnFreePort(server: import('node:http').Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
  });
}

/** A supergraph given as a string (tests that need no file). */
export function staticSupergraph(sdl: string): SupergraphManager {
  return { initialize: async () => ({ supergraphSdl: sdl }) };
}

export interface TestStack {
  readonly gatewayUrl: string;
  readonly subgraphUrls: Partial<Record<SystemName, string>>;
  readonly databases: Partial<Record<SystemName, TestDatabase>>;
  /** The subgraph servers, to stop one in a test (a system going down). */
  readonly servers: Partial<Record<SystemName, SubgraphServer>>;
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/** Seeded databases, the given subgraphs and a gateway over their composed supergraph, all on free ports. */
export async function startTestStack(
  systems: readonly SystemModule[],
  /** Gateway options beyond the supergraph, URLs and logger (e.g. a longer subgraph timeout). */
  gatewayOptions: Partial<Omit<GatewayOptions, 'supergraph' | 'subgraphUrls' | 'logger'>> = {},
): Promise<TestStack> {
  const databases: Partial<Record<SystemName, TestDatabase>> = {};
  const servers: SubgraphServer[] = [];
  const byName: Partial<Record<SystemName, SubgraphServer>> = {};
  const subgraphUrls: Partial<Record<SystemName, string>> = {};
  let gateway: GatewayServer | undefined;
  const stop = async () => {
    await gateway?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(Object.values(databases).map((d) => d!.drop()));
  };
  try {
    for (const system of systems) {
      const db = await createTestDatabase(system, { seed: true });
      databases[system.name] = db;
      const server = await createSystemServer(system, db.database);
      servers.push(server);
      byName[system.name] = server;
      subgraphUrls[system.name] = await listenOnFreePort(server.httpServer);
    }
    const { files } = await composeGraph(systems);
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(files['supergraph.graphql']!),
      subgraphUrls,
      logger: createLogger('test-gateway', { LOG_LEVEL: 'silent' }),
      ...gatewayOptions,
    });
    const gatewayUrl = await listenOnFreePort(gateway.httpServer);
    return { gatewayUrl, subgraphUrls, databases, servers: byName, query: (q, v) => postGraphQL(gatewayUrl, q, v), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
