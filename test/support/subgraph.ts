import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { Kysely } from 'kysely';
import { ANONYMOUS, type Caller } from '../../platform/caller';
import { dbQueryCount } from '../../platform/metrics';
import type { SystemModule } from '../../subgraphs/kit/system';
import { createTestDatabase, type TestDatabase } from './databases';

export interface SubgraphResult<T = any> {
  data?: T | null;
  /** Errors as a subgraph server sends them (Apollo always sets `extensions.code`). */
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions: Record<string, any> }[];
  /** SQL statements the system sent while answering: batching is checked with it. */
  statements: number;
}

export interface SubgraphHarness<TDatabase> {
  readonly db: Kysely<TDatabase>;
  readonly testDatabase: TestDatabase<TDatabase>;
  /**
   * Runs an operation in-process with the per-request context a request of `caller` gets;
   * `idempotencyKey` stands for the request's Idempotency-Key header.
   */
  execute<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
    options?: { idempotencyKey?: string },
  ): Promise<SubgraphResult<T>>;
  /** Stops the server and drops its database. */
  stop(): Promise<void>;
}

export interface SubgraphHarnessOptions {
  /** Loads the system's seed world (default true); off, the database has the migrated schema only. */
  seed?: boolean;
}

/**
 * A system served in-process (Apollo Server, no HTTP, no gateway) on a fresh test database, so
 * tests choose the caller the gateway would vouch for.
 */
export async function startSubgraph<TDatabase>(
  system: SystemModule<TDatabase, any>,
  { seed = true }: SubgraphHarnessOptions = {},
): Promise<SubgraphHarness<TDatabase>> {
  const testDatabase = await createTestDatabase<TDatabase>(system, { seed });
  const apollo = new ApolloServer({
    schema: await system.buildSchema(),
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const db = testDatabase.database.db;
  return {
    db,
    testDatabase,
    async execute(query, variables, caller = ANONYMOUS, { idempotencyKey } = {}) {
      const before = await dbQueryCount(system.name);
      const contextValue = system.createContext(db, caller, idempotencyKey);
      const response = await apollo.executeOperation({ query, variables }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      const statements = (await dbQueryCount(system.name)) - before;
      return { ...(response.body.singleResult as Omit<SubgraphResult, 'statements'>), statements };
    },
    async stop() {
      await apollo.stop();
      await testDatabase.drop();
    },
  };
}

/** A user caller, as the gateway would pass it. */
export function user(subject: string, extra: Partial<Caller> = {}): Caller {
  return { subject, kind: 'user', roles: [], scopes: [], ...extra };
}

/** A supplier's partner system, as the gateway passes its key's caller: bound to the supplier, scope `partner:supplier`. */
export function supplierPartner(supplierId: string): Caller {
  return { subject: `partner:key-${supplierId}`, kind: 'partner', roles: [], scopes: ['partner:supplier'], supplierId };
}
