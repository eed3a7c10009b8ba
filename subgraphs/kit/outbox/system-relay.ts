import type { Logger } from '../../../platform/logger';
import type { Database } from '../db/database';
import type { SystemModule } from '../system';
import { createRelay, type Relay, type RelayOptions } from './relay';

/** Relay settings a launcher passes on: where the gateway is and, optionally, the relay's identity. */
export type SystemRelaySettings = Pick<RelayOptions<unknown>, 'gatewayUrl'> &
  Partial<Pick<RelayOptions<unknown>, 'headers' | 'pollIntervalMs' | 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'requestTimeoutMs'>>;

/** Starts the relay of a system that has an outbox; undefined for a system without one. */
export function startSystemRelay<TDatabase>(
  system: SystemModule<TDatabase, any>,
  database: Database<TDatabase>,
  settings: SystemRelaySettings,
  logger?: Logger,
): Relay | undefined {
  if (!system.outbox) return undefined;
  const relay = createRelay<TDatabase>({ ...settings, system: system.name, db: database.db, handlers: system.outbox, logger });
  relay.start();
  return relay;
}
