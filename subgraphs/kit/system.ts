import type { BaseContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { Kysely } from 'kysely';
import type { SystemName } from '../../platform/systems';
import type { Caller } from '../../platform/caller';
import type { Database } from '../../platform/db/database';
import { isDatabaseReady } from '../../platform/db/database';
import type { Migrations } from '../../platform/db/migrate';
import type { OutboxHandlers } from './outbox/relay';
import type { Progress } from './seed/progress';
import type { ScalePlan } from './seed/world';
import { idempotencyKeyOf } from './idempotency';
import { createSubgraphServer, type SubgraphServer, type SubgraphServerOptions } from './server';

/** Everything the launcher, the compose script and the tests need to know about one system. */
export interface SystemModule<TDatabase = any, TContext extends BaseContext = BaseContext> {
  readonly name: SystemName;
  readonly migrations: Migrations;
  /** Builds the subgraph schema; needs no database. */
  buildSchema(): Promise<GraphQLSchema>;
  /** A fresh per-request context for a caller, with the request's idempotency key when it has one. */
  createContext(db: Kysely<TDatabase>, caller: Caller, idempotencyKey?: string): TContext;
  /** Writes the system's deterministic seed rows into an empty database. */
  seed(db: Kysely<TDatabase>, plan: ScalePlan, progress: Progress): Promise<void>;
  /** True when the database holds no seed yet. */
  isEmpty(db: Kysely<TDatabase>): Promise<boolean>;
  /** Handlers of the commands the system sends through its outbox; a system with them runs a relay. */
  readonly outbox?: OutboxHandlers<TDatabase>;
}

/** Builds a system's HTTP server on its database; it does not listen. */
export async function createSystemServer<TDatabase, TContext extends BaseContext>(
  system: SystemModule<TDatabase, TContext>,
  database: Database<TDatabase>,
  options: Pick<SubgraphServerOptions<TContext>, 'nonces'> = {},
): Promise<SubgraphServer> {
  return createSubgraphServer<TContext>({
    ...options,
    system: system.name,
    schema: await system.buildSchema(),
    context: async (caller, req) => system.createContext(database.db, caller, idempotencyKeyOf(req.headers)),
    ready: () => isDatabaseReady(database),
  });
}
