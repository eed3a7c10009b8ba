import { graphql, type GraphQLSchema } from 'graphql';
import { dbQueryCount } from '../../../platform/metrics';
import { ANONYMOUS, type Caller } from '../../../platform/caller';
import type { MesDatabase } from '../../../subgraphs/mes/db';
import { mesSystem } from '../../../subgraphs/mes/server';
import { createTestDatabase, type TestDatabase } from '../../support/databases';

export interface MesResult {
  data: any;
  errors: readonly { message: string; extensions: Record<string, unknown> }[] | undefined;
  /** SQL statements MES sent while answering. */
  statements: number;
}

export interface MesHarness {
  readonly db: TestDatabase<MesDatabase>;
  /** Runs an operation on MES's schema with a fresh per-request context, as its server does. */
  run(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<MesResult>;
  drop(): Promise<void>;
}

/** A seeded MES database and its schema, executed in-process (no HTTP, no gateway). */
export async function createMesHarness(): Promise<MesHarness> {
  const db = await createTestDatabase(mesSystem, { seed: true });
  const schema: GraphQLSchema = await mesSystem.buildSchema();
  return {
    db,
    async run(query, variables, caller = ANONYMOUS) {
      const before = await dbQueryCount('mes');
      const result = await graphql({
        schema,
        source: query,
        variableValues: variables,
        contextValue: mesSystem.createContext(db.database.db, caller),
      });
      return { data: result.data, errors: result.errors as MesResult['errors'], statements: (await dbQueryCount('mes')) - before };
    },
    drop: () => db.drop(),
  };
}

/** A user caller, as the gateway would vouch for it. */
export const user = (subject: string): Caller => ({ subject, kind: 'user', roles: ['production'], scopes: [] });
