import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { Kysely } from 'kysely';
import { ANONYMOUS, type Caller } from '../../../platform/caller';
import type { SystemModule } from '../../../subgraphs/kit/system';
import { createTestDatabase, type TestDatabase } from '../../support/databases';

export interface ExecutionResult<T = any> {
  data?: T | null;
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, any> }[];
}

export interface InProcessSubgraph<TDatabase> {
  readonly db: Kysely<TDatabase>;
  readonly testDatabase: TestDatabase<TDatabase>;
  /** Runs an operation in-process with the context a request of `caller` gets. */
  execute<T = any>(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<ExecutionResult<T>>;
  stop(): Promise<void>;
}

/** A seeded system served in-process, so tests choose the caller the gateway would vouch for. */
export async function startInProcess<TDatabase>(system: SystemModule<TDatabase, any>): Promise<InProcessSubgraph<TDatabase>> {
  const testDatabase = await createTestDatabase<TDatabase>(system, { seed: true });
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
    async execute(query, variables, caller = ANONYMOUS) {
      const response = await apollo.executeOperation({ query, variables }, { contextValue: system.createContext(db, caller) });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as ExecutionResult;
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
