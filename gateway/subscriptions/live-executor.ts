import { GraphQLError, type FormattedExecutionResult } from 'graphql';
import type { ChangeBus, ChangeEvent } from '../../platform/change-bus';
import type { Caller } from '../../platform/caller';
import type { Logger } from '../../platform/logger';
import { gatewayError } from '../security/errors';
import type { EventQuery } from './event-query';
import { liveMetrics } from './live-metrics';

/** Limits of live subscriptions, per caller and per subscriber. */
export interface LiveLimits {
  /**
   * Subscriptions one caller may hold open on one replica.
   * @default 20 (`LIVE_MAX_SUBSCRIPTIONS`)
   */
  maxSubscriptionsPerCaller: number;
  /**
   * Events one caller may receive per second on one replica, over all its subscriptions; a
   * subscription that would pass it is ended with `RATE_LIMITED`.
   * @default 200 (`LIVE_MAX_EVENTS_PER_SECOND`)
   */
  maxEventsPerSecondPerCaller: number;
  /**
   * Events waiting for one subscriber (to be read or sent); past it the subscriber is too slow and is ended with `SUBSCRIBER_TOO_SLOW`.
   * @default 64 (`LIVE_BUFFER`)
   */
  maxBufferedPerSubscriber: number;
}

export const DEFAULT_LIVE_LIMITS: LiveLimits = Object.freeze({
  maxSubscriptionsPerCaller: 20,
  maxEventsPerSecondPerCaller: 200,
  maxBufferedPerSubscriber: 64,
});

/** Who holds a subscription, as the front door admitted it. */
export interface LiveCaller {
  readonly caller: Caller;
  /** When the caller's credential expires (ms since the epoch); the subscription ends then. */
  readonly expiresAt?: number;
  /** Cuts the subscriber's connection with a reason (a slow subscriber whose buffer is full). */
  readonly disconnect?: (reason: string) => void;
}

/** Runs one event's query through the gateway's own pipeline for the subscriber. */
export type EventExecutor = (
  request: { query: string; variables: Record<string, unknown>; operationName?: string },
  caller: Caller,
) => Promise<FormattedExecutionResult>;

export type OpenResult =
  { ok: true; results: AsyncGenerator<FormattedExecutionResult, void, undefined> } | { ok: false; error: GraphQLError };

export interface LiveExecutor {
  /** Subscribes to the change bus; events published before are not seen. */
  start(): Promise<void>;
  /** Opens a subscription: its results, one per event of its field and site, until it is returned or ended. */
  open(eventQuery: EventQuery, holder: LiveCaller): OpenResult;
  /** Subscriptions open now. */
  readonly size: number;
  /** Completes every subscription and leaves the bus. */
  stop(): Promise<void>;
}

interface Subscriber {
  readonly eventQuery: EventQuery;
  readonly holder: LiveCaller;
  readonly callerKey: string;
  /** Subscribers with the same query, variables and rights get the same answer: one execution serves them all. */
  readonly shareKey: string;
  /** Takes an event with its answer (run at most once per share key); false when the subscriber was ended instead. */
  offer(event: ChangeEvent, answer: () => Promise<FormattedExecutionResult>): boolean;
  end(final?: GraphQLError): void;
}

const callerKeyOf = (caller: Caller) => `${caller.kind}:${caller.subject}`;

/**
 * What an answer may depend on (caller.ts: rights, never identity): the kind, roles, scopes and
 * the supplier or customer a caller is bound to.
 */
const rightsOf = (caller: Caller) =>
  JSON.stringify([caller.kind, [...caller.roles].sort(), [...caller.scopes].sort(), caller.supplierId ?? null, caller.customerId ?? null]);

/**
 * The gateway's subscription executor. `@apollo/gateway` executes no subscriptions, so each one
 * is held here and each event is resolved as an ordinary query (the subscriber's selection on the
 * changed entity, by key) through `execute`: the query plan, field authorization, the partner
 * contract, row rules, provenance and partial answers are those of queries.
 */
export function createLiveExecutor(options: {
  bus: ChangeBus;
  execute: EventExecutor;
  limits?: Partial<LiveLimits>;
  logger?: Logger;
  now?: () => number;
}): LiveExecutor {
  const limits = { ...DEFAULT_LIVE_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const { bus, execute, logger } = options;
  // Subscribers by "field site", so an event reaches only those who asked for it.
  const byTopic = new Map<string, Set<Subscriber>>();
  const openPerCaller = new Map<string, number>();
  const eventsPerCaller = new Map<string, { second: number; count: number }>();
  let unsubscribe: (() => Promise<void>) | undefined;
  let size = 0;

  const topic = (field: string, siteId: string) => `${field} ${siteId}`;

  function admitEvent(callerKey: string): boolean {
    const second = Math.floor(now() / 1000);
    const window = eventsPerCaller.get(callerKey);
    if (!window || window.second !== second) {
      eventsPerCaller.set(callerKey, { second, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= limits.maxEventsPerSecondPerCaller;
  }

  /** Runs one event's query for a subscriber; failures become an error answer, never a rejection. */
  async function answer(eventQuery: EventQuery, caller: Caller, event: ChangeEvent): Promise<FormattedExecutionResult> {
    liveMetrics.executions.inc();
    try {
      return await execute(
        { query: eventQuery.query, variables: eventQuery.variablesFor(event.key), operationName: eventQuery.operationName },
        caller,
      );
    } catch (err) {
      logger?.warn({ err: (err as Error).message, field: eventQuery.field }, 'live event could not be resolved');
      return { errors: [{ message: 'the event could not be resolved', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
    }
  }

  function dispatch(event: ChangeEvent): void {
    const subscribers = byTopic.get(topic(event.field, event.siteId));
    liveMetrics.eventsReceived.inc();
    if (!subscribers) return;
    // Each distinct (query, variables, rights) runs once for this event, at its arrival.
    const shared = new Map<string, Promise<FormattedExecutionResult>>();
    for (const subscriber of [...subscribers]) {
      subscriber.offer(event, () => {
        let pending = shared.get(subscriber.shareKey);
        if (!pending) shared.set(subscriber.shareKey, (pending = answer(subscriber.eventQuery, subscriber.holder.caller, event)));
        return pending;
      });
    }
  }

  function open(eventQuery: EventQuery, holder: LiveCaller): OpenResult {
    const callerKey = callerKeyOf(holder.caller);
    const held = openPerCaller.get(callerKey) ?? 0;
    if (held >= limits.maxSubscriptionsPerCaller) {
      liveMetrics.refused.inc({ reason: 'subscriptions_per_caller' });
      return {
        ok: false,
        error: gatewayError(
          'RATE_LIMITED',
          429,
          `this caller holds ${held} subscriptions on this gateway, the most allowed (LIVE_MAX_SUBSCRIPTIONS=${limits.maxSubscriptionsPerCaller}); complete one first`,
        ),
      };
    }
    if (holder.expiresAt !== undefined && holder.expiresAt <= now()) {
      return { ok: false, error: gatewayError('UNAUTHENTICATED', 401, 'the token has expired; connect again with a fresh one') };
    }

    // Answers of events wait here in arrival order (each already running); `ready` holds those not yet read.
    const events: { event: ChangeEvent; answer: Promise<FormattedExecutionResult> }[] = [];
    const ready: FormattedExecutionResult[] = [];
    let waiting: ((result: IteratorResult<FormattedExecutionResult, void>) => void) | undefined;
    let resolving = false;
    let ended = false;
    let finalError: GraphQLError | undefined;
    let expiry: NodeJS.Timeout | undefined;

    const deliver = (result: FormattedExecutionResult) => {
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w({ value: result, done: false });
      } else ready.push(result);
    };

    const subscriber: Subscriber = {
      eventQuery,
      holder,
      callerKey,
      shareKey: `${rightsOf(holder.caller)}\n${eventQuery.operationName ?? ''}\n${JSON.stringify(eventQuery.variables)}\n${eventQuery.query}`,
      offer(event, answerOf) {
        if (ended) return false;
        if (!admitEvent(callerKey)) {
          liveMetrics.ended.inc({ reason: 'rate_limited' });
          subscriber.end(
            gatewayError(
              'RATE_LIMITED',
              429,
              `this caller received more than ${limits.maxEventsPerSecondPerCaller} events in one second on this gateway (LIVE_MAX_EVENTS_PER_SECOND); the subscription was ended`,
            ),
          );
          return false;
        }
        if (events.length + ready.length >= limits.maxBufferedPerSubscriber) {
          liveMetrics.ended.inc({ reason: 'too_slow' });
          const error = gatewayError(
            'SUBSCRIBER_TOO_SLOW',
            503,
            `${events.length + ready.length} events were waiting for this subscriber, the most kept (LIVE_BUFFER=${limits.maxBufferedPerSubscriber}); it was disconnected`,
          );
          subscriber.end(error);
          // A subscriber this far behind would read the refusal last, if ever: its connection goes now.
          holder.disconnect?.(`SUBSCRIBER_TOO_SLOW: more than ${limits.maxBufferedPerSubscriber} events waiting`);
          return false;
        }
        events.push({ event, answer: answerOf() });
        void drain();
        return true;
      },
      end(final) {
        if (ended) return;
        ended = true;
        finalError = final;
        events.length = 0;
        if (expiry) clearTimeout(expiry);
        const set = byTopic.get(topic(eventQuery.field, eventQuery.siteId));
        set?.delete(subscriber);
        if (set?.size === 0) byTopic.delete(topic(eventQuery.field, eventQuery.siteId));
        const left = (openPerCaller.get(callerKey) ?? 1) - 1;
        if (left > 0) openPerCaller.set(callerKey, left);
        else {
          openPerCaller.delete(callerKey);
          eventsPerCaller.delete(callerKey);
        }
        size -= 1;
        liveMetrics.open.dec();
        if (final) deliver({ errors: [final.toJSON()] });
        if (waiting && !final) {
          const w = waiting;
          waiting = undefined;
          w({ value: undefined, done: true });
        }
      },
    };

    async function drain(): Promise<void> {
      if (resolving) return;
      resolving = true;
      try {
        while (!ended && events.length > 0) {
          const { event, answer: pending } = events[0]!;
          const result = await pending;
          events.shift();
          if (ended) break;
          liveMetrics.delivered.inc();
          liveMetrics.commitToResolved.observe(Math.max(0, now() - event.writtenAt) / 1000);
          deliver(result);
        }
      } finally {
        resolving = false;
      }
    }

    let set = byTopic.get(topic(eventQuery.field, eventQuery.siteId));
    if (!set) byTopic.set(topic(eventQuery.field, eventQuery.siteId), (set = new Set()));
    set.add(subscriber);
    openPerCaller.set(callerKey, held + 1);
    size += 1;
    liveMetrics.open.inc();
    if (holder.expiresAt !== undefined) {
      // setTimeout takes at most 2^31-1 ms; tokens live far less (TOKEN_MAX_LIFETIME).
      expiry = setTimeout(
        () => {
          liveMetrics.ended.inc({ reason: 'token_expired' });
          subscriber.end(
            gatewayError('UNAUTHENTICATED', 401, 'the token has expired; the subscription was ended; subscribe again with a fresh one'),
          );
        },
        Math.min(holder.expiresAt - now(), 2 ** 31 - 1),
      );
      expiry.unref();
    }

    const results: AsyncGenerator<FormattedExecutionResult, void, undefined> = {
      next() {
        const value = ready.shift();
        if (value) return Promise.resolve({ value, done: false });
        if (ended) {
          if (finalError) finalError = undefined;
          return Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve) => (waiting = resolve));
      },
      return() {
        subscriber.end();
        ready.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
      throw(err) {
        subscriber.end();
        return Promise.reject(err);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return { ok: true, results };
  }

  return {
    async start() {
      unsubscribe ??= await bus.subscribe(dispatch);
    },
    open,
    get size() {
      return size;
    },
    async stop() {
      await unsubscribe?.();
      unsubscribe = undefined;
      for (const set of [...byTopic.values()]) for (const subscriber of [...set]) subscriber.end();
    },
  };
}
