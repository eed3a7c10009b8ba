import { EventEmitter } from 'node:events';
import Redis from 'ioredis';

/**
 * A committed change of one entity, as a system announces it: which live field it concerns, the
 * site, and the entity's key. It carries no field values: a subscriber's fields are read from
 * their authoritative systems when the event is resolved, never copied into the event.
 */
export interface ChangeEvent {
  /** The subscription field the change feeds, e.g. `countTaskChanged`. */
  readonly field: string;
  /**
   * What the live field's one argument selects: the site (`siteId`) for the plant's fields, the
   * supplier (`supplierId`) for `purchaseOrderChanged`. A subscriber hears the events of its scope.
   */
  readonly scope: string;
  /** The arguments of the query field that reads the entity by key, e.g. `{ id: "CT0000001" }`. */
  readonly key: Readonly<Record<string, string>>;
  /** The system whose transaction wrote the change. */
  readonly system: string;
  /** Its sequence number in that system's event table. */
  readonly seq: number;
  /** When the change was written, in milliseconds since the epoch (inside its transaction). */
  readonly writtenAt: number;
}

/** Carries change events from the systems that write them to every gateway replica. */
export interface ChangeBus {
  /** Whether events cross processes (Redis) or stay in this one. */
  readonly shared: boolean;
  /** Sends an event to every current subscriber of every replica; rejects when the transport is down. */
  publish(event: ChangeEvent): Promise<void>;
  /** Calls `listener` for every event published from now on; returns the unsubscribe function. */
  subscribe(listener: (event: ChangeEvent) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** The Redis channel every replica listens on unless told otherwise. */
export const DEFAULT_CHANGE_CHANNEL = 'plantgraph:changes';

function isChangeEvent(value: unknown): value is ChangeEvent {
  const event = value as Partial<ChangeEvent> | null;
  return (
    !!event && typeof event.field === 'string' && typeof event.scope === 'string' && typeof event.key === 'object' && event.key !== null
  );
}

/**
 * Redis pub/sub: at most once to the replicas connected at the moment of publishing, which is
 * what a live screen needs (a replica that was away has no subscriber waiting for the past).
 * One connection publishes, one more is opened for the first subscriber.
 */
export function redisChangeBus(url: string, options: { channel?: string; onError?: (err: Error) => void } = {}): ChangeBus {
  const channel = options.channel ?? DEFAULT_CHANGE_CHANNEL;
  const onError = options.onError ?? (() => undefined);
  const publisher = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  publisher.on('error', onError);
  let subscriber: Redis | undefined;
  const listeners = new Set<(event: ChangeEvent) => void>();
  return {
    shared: true,
    async publish(event) {
      await publisher.publish(channel, JSON.stringify(event));
    },
    async subscribe(listener) {
      if (!subscriber) {
        subscriber = new Redis(url, { maxRetriesPerRequest: null });
        subscriber.on('error', onError);
        subscriber.on('message', (_channel: string, message: string) => {
          let event: unknown;
          try {
            event = JSON.parse(message);
          } catch {
            return;
          }
          if (isChangeEvent(event)) for (const l of listeners) l(event);
        });
        await subscriber.subscribe(channel);
      }
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
      };
    },
    async close() {
      listeners.clear();
      subscriber?.disconnect();
      publisher.disconnect();
    },
  };
}

/** Within one process (`plantgraph start`, tests): an event emitter, nothing leaves the process. */
export function localChangeBus(): ChangeBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    shared: false,
    async publish(event) {
      emitter.emit('change', event);
    },
    async subscribe(listener) {
      emitter.on('change', listener);
      return async () => {
        emitter.off('change', listener);
      };
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/** Redis when a URL is given, else a bus within this process. */
export function createChangeBus(
  redisUrl: string | undefined,
  options: { channel?: string; onError?: (err: Error) => void } = {},
): ChangeBus {
  return redisUrl ? redisChangeBus(redisUrl, options) : localChangeBus();
}
