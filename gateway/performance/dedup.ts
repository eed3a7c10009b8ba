import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { isQueryBody } from '../apollo-internals';
import { audienceKey } from '../../platform/sharing';

/** Counts of what the deduplicating fetcher did, for tests and metrics. */
export interface DedupStats {
  /** Requests sent to a subgraph. */
  sent: number;
  /** Requests answered by a request already in flight. */
  merged: number;
}

export interface DedupOptions {
  /** Told of every fetch answered by one in flight, with both requests (metrics, notes, traces). */
  onMerged?: (url: string, follower: FetcherRequestInit, leader: FetcherRequestInit) => void;
}

export interface DedupFetcher {
  readonly fetcher: Fetcher;
  readonly stats: DedupStats;
}

/**
 * What makes two subgraph requests the same question with the same answer: the audience key (URL,
 * headers but the answer-neutral ones, the caller's rights: platform/sharing.ts) and the body;
 * undefined for anything but a query.
 */
export function queryRequestKey(url: string, init: FetcherRequestInit): string | undefined {
  if (init.method !== 'POST' || typeof init.body !== 'string' || !isQueryBody(init.body)) return undefined;
  return `${audienceKey(url, init.headers)}\n${init.body}`;
}

/**
 * Merges identical subgraph queries in flight: a second request with the same URL, body, headers
 * and caller rights waits for the first one's answer instead of being sent. Mutations are never
 * merged, nor requests of callers whose rights differ (roles, scopes, partner binding); nothing is
 * kept once the answer arrives, so this is not a cache. The inner fetcher must return responses
 * that can be read more than once via `clone()`.
 */
export function dedupFetcher(inner: Fetcher, options: DedupOptions = {}): DedupFetcher {
  const inFlight = new Map<string, { request: Promise<FetcherResponse>; readers: number; init: FetcherRequestInit }>();
  const stats: DedupStats = { sent: 0, merged: 0 };

  const fetcher: Fetcher = (url, init = {}) => {
    const key = queryRequestKey(url, init);
    if (key === undefined) {
      stats.sent += 1;
      return inner(url, init);
    }
    const pending = inFlight.get(key);
    if (pending) {
      stats.merged += 1;
      pending.readers += 1;
      options.onMerged?.(url, init, pending.init);
      // Each reader gets its own response object over the one body.
      return pending.request.then((response) => response.clone());
    }
    stats.sent += 1;
    const request = inner(url, init);
    const entry = { request, readers: 1, init };
    inFlight.set(key, entry);
    const forget = () => {
      if (inFlight.get(key) === entry) inFlight.delete(key);
    };
    request.then(forget, forget);
    // By the time this runs the request is no longer joinable, so the count is final: a reader
    // alone takes the response itself; when others share it, every reader reads a clone.
    return request.then((response) => (entry.readers === 1 ? response : response.clone()));
  };

  return { fetcher, stats };
}
