import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { audienceKey } from './dedup';
import { BufferedResponse } from './pooled-fetcher';

/** Counts of what the entity batcher did, for tests and the benchmark. */
export interface EntityBatchStats {
  /** Entity fetches the query plans asked for. */
  requests: number;
  /** Subgraph requests sent for them. */
  sent: number;
}

export interface EntityBatchOptions {
  /**
   * Most representations in one subgraph request; a batch that reaches it is sent at once.
   * @default 1000
   */
  maxRepresentations?: number;
}

// The planner's entity fetches: `{"query":"query …_entities(representations: …)…","variables":{…}}`.
const ENTITIES = /^\{"query":"\s*query\b[^"]*_entities\(/;

interface EntityBody {
  query: string;
  variables: { representations: unknown[]; [name: string]: unknown };
  [field: string]: unknown;
}

interface Waiting {
  representations: unknown[];
  signal?: AbortSignal;
  resolve(response: FetcherResponse): void;
  reject(err: unknown): void;
}

interface Batch {
  url: string;
  /** The first request's init: its headers (request id, signed caller) go with the batch. */
  init: FetcherRequestInit;
  body: EntityBody;
  waiting: Waiting[];
  representations: number;
}

interface GraphQLErrorShape {
  path?: unknown[];
  [field: string]: unknown;
}

function parseEntityBody(body: string): EntityBody | undefined {
  try {
    const parsed = JSON.parse(body) as EntityBody;
    return Array.isArray(parsed?.variables?.representations) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A signal that aborts once every one of `signals` has; none when a request has no signal. */
function allAborted(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  if (signals.some((s) => s === undefined)) return undefined;
  const controller = new AbortController();
  let live = signals.length;
  for (const signal of signals as AbortSignal[]) {
    const onAbort = () => {
      if (--live === 0) controller.abort(signal.reason);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  return controller.signal;
}

/** An error on `_entities[i]…` belongs to the request owning index i, re-based; others to every request. */
function errorsFor(errors: GraphQLErrorShape[], start: number, length: number): GraphQLErrorShape[] {
  const own: GraphQLErrorShape[] = [];
  for (const error of errors) {
    const path = error.path;
    if (Array.isArray(path) && path[0] === '_entities' && typeof path[1] === 'number') {
      if (path[1] >= start && path[1] < start + length) own.push({ ...error, path: ['_entities', path[1] - start, ...path.slice(2)] });
    } else {
      own.push(error);
    }
  }
  return own;
}

/**
 * Sends the entity fetches that concurrent requests make to one subgraph as one request: fetches
 * with the same operation, the same variables but `representations`, the same headers and a
 * caller with the same rights, issued in the same turn of the event loop, are sent together with
 * their representations concatenated, and the answer's `_entities` (and the errors on them) are
 * divided back. A subgraph answers a request of twenty entities for little more than one of a
 * single entity (its own HTTP, parsing and execution are paid once, and its batched loaders send
 * one SQL statement), so this takes load off subgraphs when many callers ask about different
 * entities at once, where merging identical requests cannot help.
 *
 * A fetch alone in its turn is sent unchanged. Root fields and mutations are never batched.
 */
export function entityBatchFetcher(inner: Fetcher, options: EntityBatchOptions = {}): { fetcher: Fetcher; stats: EntityBatchStats } {
  const maxRepresentations = options.maxRepresentations ?? 1000;
  const stats: EntityBatchStats = { requests: 0, sent: 0 };
  const pending = new Map<string, Batch>();

  const send = (key: string, batch: Batch): void => {
    if (pending.get(key) !== batch) return;
    pending.delete(key);
    stats.sent += 1;
    const { waiting, url } = batch;
    if (waiting.length === 1) {
      inner(url, batch.init).then(waiting[0]!.resolve, waiting[0]!.reject);
      return;
    }
    const representations = waiting.flatMap((w) => w.representations);
    const headers = { ...batch.init.headers };
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-length') delete headers[name];
    const init: FetcherRequestInit = {
      ...batch.init,
      headers,
      body: JSON.stringify({ ...batch.body, variables: { ...batch.body.variables, representations } }),
      signal: allAborted(waiting.map((w) => w.signal)),
    };
    inner(url, init).then(
      async (response) => {
        const text = await response.text();
        const headers = Object.fromEntries(response.headers);
        let answer: { data?: { _entities?: unknown }; errors?: GraphQLErrorShape[] } | undefined;
        try {
          answer = JSON.parse(text);
        } catch {
          answer = undefined;
        }
        const entities = answer?.data?._entities;
        if (response.status !== 200 || !Array.isArray(entities) || entities.length !== representations.length) {
          // Not an answer that divides (a failure of the whole request): every request gets it whole.
          const body = Buffer.from(text, 'utf8');
          for (const w of waiting) w.resolve(new BufferedResponse(url, response.status, response.statusText, headers, body));
          return;
        }
        let start = 0;
        for (const w of waiting) {
          const length = w.representations.length;
          const part: Record<string, unknown> = { ...answer, data: { ...answer!.data, _entities: entities.slice(start, start + length) } };
          const errors = errorsFor(answer!.errors ?? [], start, length);
          if (errors.length > 0) part.errors = errors;
          else delete part.errors;
          w.resolve(new BufferedResponse(url, response.status, response.statusText, headers, Buffer.from(JSON.stringify(part), 'utf8')));
          start += length;
        }
      },
      (err) => {
        for (const w of waiting) w.reject(err);
      },
    );
  };

  const fetcher: Fetcher = (url, init = {}) => {
    const text = init.body;
    if (init.method !== 'POST' || typeof text !== 'string' || !ENTITIES.test(text)) return inner(url, init);
    const body = parseEntityBody(text);
    if (!body) return inner(url, init);
    stats.requests += 1;
    const { representations, ...others } = body.variables;
    const key = `${audienceKey(url, init.headers)}\n${JSON.stringify({ ...body, variables: others })}`;
    return new Promise<FetcherResponse>((resolve, reject) => {
      let batch = pending.get(key);
      if (!batch) {
        batch = { url, init, body, waiting: [], representations: 0 };
        pending.set(key, batch);
        const created = batch;
        setImmediate(() => send(key, created));
      }
      const signal = init.signal ?? undefined;
      // A request whose own time ran out stops waiting; the batch goes on for the others.
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      batch.waiting.push({ representations, signal, resolve, reject });
      batch.representations += representations.length;
      if (batch.representations >= maxRepresentations) send(key, batch);
    });
  };

  return { fetcher, stats };
}
