import { GraphQLError, type FormattedExecutionResult } from 'graphql';
import type { ChangeBus, ChangeEvent } from '../../platform/change-bus';
import type { Caller } from '../../platform/caller';
import type { Logger } from '../../platform/logger';
import { preview } from '../../platform/preview';
import { rightsOf, type RightsKey } from '../../platform/sharing';
import { gatewayError } from '../security/errors';
import { isPartnerCaller } from '../security/caller';
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
   * Answers waiting for one subscriber to read them (resolved, not yet sent); past it the subscriber
   * is too slow and is ended with `SUBSCRIBER_TOO_SLOW`. Events still being resolved do not count:
   * they wait for a system, whose timeouts bound them, not for the subscriber.
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

/**
 * Fields whose subscribers want each entity's latest state: an answer not yet sent is replaced by
 * a newer answer about the same entity (docs/subscriptions.md, "A subscriber that falls behind").
 * `countTaskChanged` is not among them: every status a count passes through matters to its screen.
 */
export const LATEST_STATE_FIELDS: ReadonlySet<string> = new Set([
  'workCenterStateChanged',
  'workOrderProgressed',
  'qualityHoldChanged',
  'stockStatusChanged',
  'purchaseOrderChanged',
]);

/**
 * The scopes a caller held to the partner contract is bound to: such a caller may follow only its
 * own (a supplier its own purchase orders); the plant's users follow any.
 */
const BOUND_SCOPES: Readonly<Record<string, (caller: Caller) => string | undefined>> = {
  supplierId: (caller) => caller.supplierId,
};

/**
 * Whether an answer is about an entity its callers may not see: the entity itself null with
 * FORBIDDEN (a row rule of its owner, e.g. another supplier's order). Such an answer is withheld:
 * telling a subscriber that something it may not see changed would already say too much.
 */
function isWithheld(result: FormattedExecutionResult, responseKey: string): boolean {
  if (result.data?.[responseKey] !== null) return false;
  return (
    result.errors?.some(
      (e) => e.path?.length === 1 && e.path[0] === responseKey && (e.extensions as { code?: unknown } | undefined)?.code === 'FORBIDDEN',
    ) ?? false
  );
}

/** One event's answer, running or done, for the subscribers of a group. */
interface Entry {
  readonly event: ChangeEvent;
  /** Its position among the events of its group, so that a subscriber gets only events offered after it opened. */
  readonly seq: number;
  readonly answer: Promise<FormattedExecutionResult>;
}

/** An answer handed to a subscriber and not yet taken by its transport. */
interface Ready {
  readonly result: FormattedExecutionResult;
  /** The entity it is about (field and key), for replacing it with a newer answer of a latest-state field. */
  readonly entity: string;
}

/**
 * The subscribers of one field and site with the same query, variables and rights: they get the
 * same answers, so each event runs once for the group and its answer is handed to all of them at once.
 */
interface Group {
  readonly topic: string;
  readonly shareKey: string;
  readonly eventQuery: EventQuery;
  readonly members: Set<Subscriber>;
  /** Answers of events in arrival order, running or not yet handed out. */
  readonly queue: Entry[];
  /** Events offered to the group so far. */
  dispatched: number;
  draining: boolean;
}

interface Subscriber {
  readonly holder: LiveCaller;
  readonly callerKey: string;
  readonly group: Group;
  /** The first event (group sequence) this subscriber gets. */
  readonly from: number;
  /** Admits the next event of its group, or ends the subscriber (rate limit) and returns false. */
  admit(): boolean;
  /** Hands it an answer of its group, or ends it if too many already wait for it (too slow). */
  deliver(result: FormattedExecutionResult, entity: string): boolean;
  end(final?: GraphQLError): void;
}

const callerKeyOf = (caller: Caller) => `${caller.kind}:${caller.subject}`;

const entityOf = (event: ChangeEvent) => `${event.field} ${JSON.stringify(event.key)}`;

/**
 * The gateway's subscription executor. `@apollo/gateway` executes no subscriptions, so each one
 * is held here and each event is resolved as an ordinary query (the subscriber's selection on the
 * changed entity, by key) through `execute`: the query plan, field authorization, the partner
 * contract, row rules, provenance and partial answers are those of queries.
 *
 * Subscribers with the same query, variables and rights form a group: an event runs once per
 * group, and its answer is handed to every member in one pass, in the order the events arrived.
 */
export function createLiveExecutor(options: {
  bus: ChangeBus;
  execute: EventExecutor;
  limits?: Partial<LiveLimits>;
  logger?: Logger;
  now?: () => number;
  /** Subscribers share an event's run only with equal keys; @default rightsOf (platform/sharing.ts) */
  rightsOf?: RightsKey;
}): LiveExecutor {
  const limits = { ...DEFAULT_LIVE_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const rightsKey = options.rightsOf ?? rightsOf;
  const { bus, execute, logger } = options;
  // Groups by "field site", so an event reaches only those who asked for it, then by share key.
  const byTopic = new Map<string, Map<string, Group>>();
  const openPerCaller = new Map<string, number>();
  const eventsPerCaller = new Map<string, { second: number; count: number }>();
  let unsubscribe: (() => Promise<void>) | undefined;
  let size = 0;

  const topic = (field: string, scope: string) => `${field} ${scope}`;

  function admitEvent(callerKey: string, second: number): boolean {
    const window = eventsPerCaller.get(callerKey);
    if (!window || window.second !== second) {
      eventsPerCaller.set(callerKey, { second, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= limits.maxEventsPerSecondPerCaller;
  }

  /** Runs one event's query for a group; failures become an error answer, never a rejection. */
  async function answer(eventQuery: EventQuery, caller: Caller, event: ChangeEvent): Promise<FormattedExecutionResult> {
    liveMetrics.executions.inc();
    try {
      return await execute(
        { query: eventQuery.query, variables: eventQuery.variablesFor(event), operationName: eventQuery.operationName },
        caller,
      );
    } catch (err) {
      logger?.warn({ err: (err as Error).message, field: eventQuery.field }, 'live event could not be resolved');
      return { errors: [{ message: 'the event could not be resolved', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
    }
  }

  /** Hands each answer of a group, in arrival order, to every member that was there when its event came. */
  async function drain(group: Group): Promise<void> {
    if (group.draining) return;
    group.draining = true;
    try {
      while (group.queue.length > 0) {
        const entry = group.queue[0]!;
        const result = await entry.answer;
        group.queue.shift();
        if (isWithheld(result, group.eventQuery.responseKey)) {
          liveMetrics.withheld.inc();
          continue;
        }
        const seconds = Math.max(0, now() - entry.event.writtenAt) / 1000;
        const entity = entityOf(entry.event);
        let handed = 0;
        for (const subscriber of group.members) {
          if (subscriber.from > entry.seq) continue;
          if (!subscriber.deliver(result, entity)) continue;
          liveMetrics.commitToResolved.observe(seconds);
          handed += 1;
        }
        if (handed > 0) liveMetrics.delivered.inc(handed);
      }
    } finally {
      group.draining = false;
    }
  }

  function dispatch(event: ChangeEvent): void {
    const groups = byTopic.get(topic(event.field, event.scope));
    liveMetrics.eventsReceived.inc();
    if (!groups) return;
    for (const group of [...groups.values()]) {
      // Each group runs this event once, at its arrival, as the first member still admitted.
      let runAs: Caller | undefined;
      for (const subscriber of [...group.members]) if (subscriber.admit()) runAs ??= subscriber.holder.caller;
      if (!runAs) continue;
      group.queue.push({ event, seq: group.dispatched, answer: answer(group.eventQuery, runAs, event) });
      group.dispatched += 1;
      void drain(group);
    }
  }

  function groupFor(eventQuery: EventQuery, caller: Caller): Group {
    const key = topic(eventQuery.field, eventQuery.scope);
    let groups = byTopic.get(key);
    if (!groups) byTopic.set(key, (groups = new Map()));
    const shareKey = `${rightsKey(caller)}\n${eventQuery.operationName ?? ''}\n${JSON.stringify(eventQuery.variables)}\n${eventQuery.query}`;
    let group = groups.get(shareKey);
    if (!group) {
      group = { topic: key, shareKey, eventQuery, members: new Set(), queue: [], dispatched: 0, draining: false };
      groups.set(shareKey, group);
    }
    return group;
  }

  function leave(subscriber: Subscriber): void {
    const { group } = subscriber;
    group.members.delete(subscriber);
    if (group.members.size > 0) return;
    const groups = byTopic.get(group.topic);
    // A group whose answers are still running keeps them; a new subscriber starts a new group.
    groups?.delete(group.shareKey);
    if (groups?.size === 0) byTopic.delete(group.topic);
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
    const boundTo = BOUND_SCOPES[eventQuery.scopeArgument];
    if (boundTo && isPartnerCaller(holder.caller) && boundTo(holder.caller) !== eventQuery.scope) {
      liveMetrics.refused.inc({ reason: 'scope' });
      const own = boundTo(holder.caller);
      return {
        ok: false,
        error: gatewayError(
          'FORBIDDEN',
          403,
          own
            ? `${eventQuery.field}(${eventQuery.scopeArgument}: ${preview(eventQuery.scope)}): a caller bound to ${eventQuery.scopeArgument} "${own}" follows only its own; expected "${own}"`
            : `${eventQuery.field}: this caller is held to the partner contract and bound to no ${eventQuery.scopeArgument}; it cannot follow one`,
        ),
      };
    }
    if (holder.expiresAt !== undefined && holder.expiresAt <= now()) {
      return { ok: false, error: gatewayError('UNAUTHENTICATED', 401, 'the token has expired; connect again with a fresh one') };
    }

    // Answers handed to this subscriber and not yet read, in order.
    const ready: Ready[] = [];
    const latestState = LATEST_STATE_FIELDS.has(eventQuery.field);
    let waiting: ((result: IteratorResult<FormattedExecutionResult, void>) => void) | undefined;
    let ended = false;
    let expiry: NodeJS.Timeout | undefined;

    const hand = (result: FormattedExecutionResult) => {
      const w = waiting;
      waiting = undefined;
      w!({ value: result, done: false });
    };

    const group = groupFor(eventQuery, holder.caller);
    const subscriber: Subscriber = {
      holder,
      callerKey,
      group,
      from: group.dispatched,
      admit() {
        if (ended) return false;
        if (!admitEvent(callerKey, Math.floor(now() / 1000))) {
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
        return true;
      },
      deliver(result, entity) {
        if (ended) return false;
        if (waiting) {
          hand(result);
          return true;
        }
        if (latestState) {
          // The entity's newer state replaces the one not yet sent; it goes in the order of its own change.
          const stale = ready.findIndex((r) => r.entity === entity);
          if (stale !== -1) {
            ready.splice(stale, 1);
            liveMetrics.superseded.inc();
          }
        }
        // Only answers waiting for the subscriber to take them count: events still being resolved
        // wait for a system, not for the subscriber (the subgraph timeouts bound how long).
        if (ready.length >= limits.maxBufferedPerSubscriber) {
          liveMetrics.ended.inc({ reason: 'too_slow' });
          subscriber.end(
            gatewayError(
              'SUBSCRIBER_TOO_SLOW',
              503,
              `${ready.length} answers were waiting for this subscriber to read them, the most kept (LIVE_BUFFER=${limits.maxBufferedPerSubscriber}); it was disconnected`,
            ),
          );
          // A subscriber this far behind would read the refusal last, if ever: its connection goes now.
          holder.disconnect?.(`SUBSCRIBER_TOO_SLOW: more than ${limits.maxBufferedPerSubscriber} answers waiting`);
          return false;
        }
        ready.push({ result, entity });
        return true;
      },
      end(final) {
        if (ended) return;
        ended = true;
        if (expiry) clearTimeout(expiry);
        leave(subscriber);
        const left = (openPerCaller.get(callerKey) ?? 1) - 1;
        if (left > 0) openPerCaller.set(callerKey, left);
        else {
          openPerCaller.delete(callerKey);
          eventsPerCaller.delete(callerKey);
        }
        size -= 1;
        liveMetrics.open.dec();
        if (final) {
          if (waiting) hand({ errors: [final.toJSON()] });
          else ready.push({ result: { errors: [final.toJSON()] }, entity: '' });
        } else if (waiting) {
          const w = waiting;
          waiting = undefined;
          w({ value: undefined, done: true });
        }
      },
    };

    group.members.add(subscriber);
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
        if (value) return Promise.resolve({ value: value.result, done: false });
        if (ended) return Promise.resolve({ value: undefined, done: true });
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
      for (const groups of [...byTopic.values()])
        for (const group of [...groups.values()]) for (const subscriber of [...group.members]) subscriber.end();
    },
  };
}
