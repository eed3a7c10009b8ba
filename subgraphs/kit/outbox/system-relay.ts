import type { Logger } from '../../../platform/logger';
import { relayRole } from '../../../platform/roles';
import { callerKeyFromEnv, serviceAuthorization } from '../../../platform/caller-header';
import type { Database } from '../../../platform/db/database';
import type { SystemModule } from '../system';
import { createRelay, type Relay, type RelayOptions } from './relay';
import { retryBudgetFromEnv } from './relay-config';

/** Relay settings a launcher passes on: where the gateway is and, optionally, how the relay identifies itself. */
export type SystemRelaySettings = Pick<RelayOptions<unknown>, 'gatewayUrl'> &
  Partial<Pick<RelayOptions<unknown>, 'headers' | 'pollIntervalMs' | 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'requestTimeoutMs'>> & {
    /**
     * The key the relay signs its service token with, shared with the gateway.
     * @default CALLER_SIGNING_KEY from the environment
     */
    callerKey?: string;
  };

/**
 * Headers that present a system's relay to the gateway as the service `<system>-relay`, a fresh
 * token per request. Its one role, `<system>-relay`, is what the mutations its hand-offs call
 * name in their `@authorized` rules, and nothing else does.
 */
export function relayServiceHeaders(system: string, callerKey: string): () => Record<string, string> {
  return () => ({ authorization: serviceAuthorization(`${system}-relay`, callerKey, [relayRole(system)]) });
}

/** Starts the relay of a system that has an outbox; undefined for a system without one. */
export function startSystemRelay<TDatabase>(
  system: SystemModule<TDatabase, any>,
  database: Database<TDatabase>,
  settings: SystemRelaySettings,
  logger?: Logger,
): Relay | undefined {
  if (!system.outbox) return undefined;
  const { callerKey = callerKeyFromEnv(), ...rest } = { ...retryBudgetFromEnv(), ...settings };
  const headers = rest.headers ?? (callerKey ? relayServiceHeaders(system.name, callerKey) : undefined);
  if (!headers)
    logger?.warn({ system: system.name }, 'outbox relay: no CALLER_SIGNING_KEY, so it calls the gateway without a service identity');
  const relay = createRelay<TDatabase>({ ...rest, headers, system: system.name, db: database.db, handlers: system.outbox, logger });
  relay.start();
  return relay;
}
