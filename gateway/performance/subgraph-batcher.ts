import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { MEMBER_REQUEST_IDS_HEADER, REQUEST_ID_HEADER } from '../../platform/http';
import { isEntitiesBody, isQueryBody } from '../apollo-internals';
import { audienceKey } from '../../platform/sharing';
import { BufferedResponse, ParsedResponse } from './pooled-fetcher';
import { combinedVariables, rootBatchTemplate, splitRootAnswer, type RootBatchTemplate } from './root-batch';

/** Counts of what the batcher did, for tests and the benchmark. */
export interface SubgraphBatchStats {
  /** Batchable fetches (entity fetches and root queries) the query plans asked for. */
  requests: number;
  /** Subgraph requests sent for them. */
  sent: number;
  /** Of `requests`, those that waited because their subgraph had `concurrency` requests in flight. */
  queued: number;
}

/** `SUBGRAPH_BATCH_ALIASES`: which fetches asked with other variables are combined as aliased fields. */
export type BatchAliases = 'all' | 'roots' | 'off';

export interface SubgraphBatchOptions {
  /**
   * Most representations in one entity request; a batch that reaches it is closed.
   * @default 1000
   */
  maxRepresentations?: number;
  /**
   * Most fetches combined into one request; a batch that reaches it is closed.
   * @default 32
   */
  maxOperations?: number;
  /**
   * Requests in flight to one subgraph before batchable fetches wait: while a subgraph is that
   * busy, new fetches gather into batches that go as soon as one of its requests is answered.
   * Below it a batch goes at the end of the turn it was opened in.
   * @default 8
   */
  concurrency?: number;
  /**
   * Which fetches asked with other variables may go as one document of aliased fields
   * (root-batch.ts): `roots`, root queries only; `all`, also entity fetches whose other variables
   * (field arguments beside `representations`) differ; `off`, none (root queries are then not
   * batched, entity fetches only with the same other variables). Entity fetches with the same
   * other variables always go as one `_entities` request, their representations concatenated.
   *
   * Aliasing copies the operation's selection once per member, and a subgraph that compiles its
   * queries (graphql-jit) runs every copy as code of its own, a new text for every member count:
   * on entity fetches answering many rows each (q05's audits, about 1,300 per member) the copies
   * cost the subgraph more CPU per member than separate requests (docs/performance.md).
   * @default 'roots'
   */
  aliases?: BatchAliases;
  /**
   * Query texts whose batchability is remembered.
   * @default 2000
   */
  maxTemplates?: number;
  /** Told of every combined request as it goes, with its members' requests (metrics, notes, traces). */
  onBatch?: (url: string, members: readonly FetcherRequestInit[]) => void;
}

/** A member's request id, as the data source set it. */
export function requestIdOf(init: FetcherRequestInit): string | undefined {
  return init.headers?.[REQUEST_ID_HEADER];
}

interface RequestBody {
  query: string;
  variables?: Record<string, unknown>;
  [field: string]: unknown;
}

interface Member {
  init: FetcherRequestInit;
  body: RequestBody;
  /** Entity fetches: its representations, and its other variables as JSON. */
  representations?: unknown[];
  others?: string;
  signal?: AbortSignal;
  resolve(response: FetcherResponse): void;
  reject(err: unknown): void;
}

interface Batch {
  key: string;
  url: string;
  kind: 'entities' | 'root';
  template?: RootBatchTemplate;
  members: Member[];
  /** Representations (entities) or members (root) so far. */
  size: number;
  /** Still waiting after the end of the turn it was opened in: its subgraph was busy. */
  waited: boolean;
}

interface Subgraph {
  inFlight: number;
  /** Batches open for more members, by key, oldest first. */
  open: Map<string, Batch>;
  /** Batches that reached their size limit, oldest first. */
  full: Batch[];
  /** Whether a flush is already scheduled for the end of this turn. */
  scheduled: boolean;
}

interface GraphQLErrorShape {
  path?: unknown[];
  [field: string]: unknown;
}

function parseBody(text: string): RequestBody | undefined {
  try {
    const parsed = JSON.parse(text) as RequestBody;
    return typeof parsed?.query === 'string' ? parsed : undefined;
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

/** An error on `_entities[i]…` belongs to the member owning index i, re-based; others to every member. */
function entityErrorsFor(errors: GraphQLErrorShape[], start: number, length: number): GraphQLErrorShape[] {
  const own: GraphQLErrorShape[] = [];
  for (const error of errors) {
    const path = error.path;
    if (Array.isArray(path) && path[0] === '_entities' && typeof path[1] === 'number') {
      if (path[1] >= start && path[1] < start + length) own.push({ ...error, path: ['_entities', path[1] - start, ...path.slice(2)] });
    } else {
      // Each member gets its own copy: the gateway may keep and change what it is given.
      own.push(structuredClone(error));
    }
  }
  return own;
}

function withoutContentLength(headers: FetcherRequestInit['headers']): Record<string, string> {
  const copy = { ...headers };
  for (const name of Object.keys(copy)) if (name.toLowerCase() === 'content-length') delete copy[name];
  return copy;
}

function parseAnswer(text: string): Record<string, any> | undefined {
  try {
    const answer = JSON.parse(text);
    return answer && typeof answer === 'object' ? answer : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends the fetches that concurrent requests make to one subgraph in fewer requests. Entity
 * fetches with the same operation and the same other variables go as one `_entities` request with
 * their representations concatenated; root queries with the same text and other variables, and
 * entity fetches whose other variables differ, go as one document, each member's fields aliased
 * and its variables renamed (root-batch.ts). Members
 * must have the same headers (but the per-request ones) and callers with the same rights, as for
 * merging (the sharing rule, platform/sharing.ts): a subgraph answers by the caller's rights, never by who asks. Answers, and
 * the errors in them, are divided back to their members.
 *
 * A batch goes at the end of the turn it was opened in, unless its subgraph already has
 * `concurrency` requests in flight: then it keeps gathering members until one of them is
 * answered. A subgraph busy with CPU work answers one request of twenty members for a fraction of
 * twenty requests (HTTP, context, execution are paid once, and its loaders send one SQL statement
 * per batch), so under load the gateway sends fewer, larger requests, and when idle it adds no
 * wait. A batch of one is sent unchanged. Mutations are never batched.
 */
export function subgraphBatchFetcher(inner: Fetcher, options: SubgraphBatchOptions = {}): { fetcher: Fetcher; stats: SubgraphBatchStats } {
  const maxRepresentations = options.maxRepresentations ?? 1000;
  const maxOperations = options.maxOperations ?? 32;
  const concurrency = options.concurrency ?? 8;
  const maxTemplates = options.maxTemplates ?? 2000;
  const aliases = options.aliases ?? 'roots';
  const stats: SubgraphBatchStats = { requests: 0, sent: 0, queued: 0 };
  const subgraphs = new Map<string, Subgraph>();
  const templates = new Map<string, RootBatchTemplate | null>();

  const subgraphOf = (url: string): Subgraph => {
    let subgraph = subgraphs.get(url);
    if (!subgraph) {
      subgraph = { inFlight: 0, open: new Map(), full: [], scheduled: false };
      subgraphs.set(url, subgraph);
    }
    return subgraph;
  };

  const templateOf = (query: string): RootBatchTemplate | undefined => {
    let template = templates.get(query);
    if (template === undefined) {
      template = rootBatchTemplate(query) ?? null;
      // Query texts come from a bounded set of plans; a full table starts over rather than grow.
      if (templates.size >= maxTemplates) templates.clear();
      templates.set(query, template);
    }
    return template ?? undefined;
  };

  /** Sends through the pool, counting the request in flight for its subgraph. */
  const send = (url: string, init: FetcherRequestInit): Promise<FetcherResponse> => {
    const subgraph = subgraphOf(url);
    subgraph.inFlight += 1;
    const done = () => {
      subgraph.inFlight -= 1;
      flush(url, subgraph);
    };
    const response = inner(url, init);
    response.then(done, done);
    return response;
  };

  /** Sends waiting batches, oldest first, while the subgraph has room. */
  const flush = (url: string, subgraph: Subgraph): void => {
    while (subgraph.inFlight < concurrency) {
      let batch = subgraph.full.shift();
      if (!batch) {
        const oldest = subgraph.open.values().next();
        if (oldest.done) return;
        batch = oldest.value;
        subgraph.open.delete(batch.key);
      }
      dispatch(url, batch);
    }
  };

  const scheduleFlush = (url: string, subgraph: Subgraph): void => {
    if (subgraph.scheduled) return;
    subgraph.scheduled = true;
    setImmediate(() => {
      subgraph.scheduled = false;
      flush(url, subgraph);
      // What is left waits for the subgraph to answer one of its requests.
      for (const batch of subgraph.open.values()) batch.waited = true;
      for (const batch of subgraph.full) batch.waited = true;
    });
  };

  const dispatch = (url: string, batch: Batch): void => {
    // Members whose own time ran out have already been rejected.
    const members = batch.members.filter((m) => !m.signal?.aborted);
    if (members.length === 0) return;
    stats.sent += 1;
    if (batch.waited) stats.queued += members.length;
    if (members.length === 1) {
      send(url, members[0]!.init).then(members[0]!.resolve, members[0]!.reject);
      return;
    }
    if (batch.kind === 'root') {
      sendRoots(url, members, batch.template!);
      return;
    }
    // Entity fetches with the same other variables share one `_entities` field; fetches whose
    // other variables differ (field arguments) are combined as aliased root fields instead.
    const groups = new Map<string, Member[]>();
    for (const m of members) groups.set(m.others!, [...(groups.get(m.others!) ?? []), m]);
    if (groups.size === 1) {
      sendEntities(url, members);
      return;
    }
    const template = aliases === 'all' ? templateOf(members[0]!.body.query) : undefined;
    if (template) {
      sendRoots(url, members, template);
      return;
    }
    stats.sent += groups.size - 1;
    for (const group of groups.values()) {
      if (group.length === 1) send(url, group[0]!.init).then(group[0]!.resolve, group[0]!.reject);
      else sendEntities(url, group);
    }
  };

  const combinedInit = (url: string, members: Member[], body: RequestBody): FetcherRequestInit => {
    options.onBatch?.(
      url,
      members.map((m) => m.init),
    );
    // The batch goes with the first member's headers (its request id, its signed caller) and
    // names every member's request id, so each finds the request in the subgraph's log.
    const headers = withoutContentLength(members[0]!.init.headers);
    const ids = members.map((m) => requestIdOf(m.init)).filter((id) => id !== undefined);
    if (ids.length) headers[MEMBER_REQUEST_IDS_HEADER] = ids.join(',');
    return { ...members[0]!.init, headers, body: JSON.stringify(body), signal: allAborted(members.map((m) => m.signal)) };
  };

  const whole = (members: Member[], url: string, response: FetcherResponse, text: string) => {
    const headers = Object.fromEntries(response.headers);
    const body = Buffer.from(text, 'utf8');
    for (const m of members) m.resolve(new BufferedResponse(url, response.status, response.statusText, headers, body));
  };

  const answerEach = (members: Member[], url: string, response: FetcherResponse, parts: Record<string, unknown>[]) => {
    const headers = Object.fromEntries(response.headers);
    members.forEach((m, i) => m.resolve(new ParsedResponse(url, response.status, response.statusText, headers, parts[i])));
  };

  const sendEntities = (url: string, members: Member[]): void => {
    const first = members[0]!.body;
    const representations = members.flatMap((m) => m.representations!);
    const init = combinedInit(url, members, { ...first, variables: { ...first.variables, representations } });
    send(url, init).then(
      async (response) => {
        const text = await response.text();
        const answer = parseAnswer(text);
        const entities = answer?.data?._entities;
        if (response.status !== 200 || !Array.isArray(entities) || entities.length !== representations.length) {
          // Not an answer that divides (a failure of the whole request): every member gets it whole.
          whole(members, url, response, text);
          return;
        }
        let start = 0;
        const parts = members.map((m) => {
          const length = m.representations!.length;
          const { data: _data, errors: _errors, ...rest } = answer!;
          const part: Record<string, unknown> = { ...structuredClone(rest), data: { _entities: entities.slice(start, start + length) } };
          const errors = entityErrorsFor(answer!.errors ?? [], start, length);
          if (errors.length > 0) part.errors = errors;
          start += length;
          return part;
        });
        answerEach(members, url, response, parts);
      },
      (err) => {
        for (const m of members) m.reject(err);
      },
    );
  };

  const sendRoots = (url: string, members: Member[], template: RootBatchTemplate): void => {
    const first = members[0]!.body;
    const init = combinedInit(url, members, {
      ...first,
      query: template.combined(members.length),
      variables: combinedVariables(members.map((m) => m.body.variables)),
    });
    send(url, init).then(
      async (response) => {
        const text = await response.text();
        if (response.status >= 500) {
          // The subgraph failed, not a member: every member gets the failure as it came.
          whole(members, url, response, text);
          return;
        }
        const answer = parseAnswer(text);
        const parts = response.status === 200 && answer ? splitRootAnswer(answer, members.length) : undefined;
        if (!parts) {
          // One member's variables were refused, or a non-null root field nulled the whole answer:
          // nothing to divide, so each member is asked on its own and gets its own answer.
          stats.sent += members.length;
          for (const m of members) send(url, m.init).then(m.resolve, m.reject);
          return;
        }
        answerEach(members, url, response, parts);
      },
      (err) => {
        for (const m of members) m.reject(err);
      },
    );
  };

  const fetcher: Fetcher = (url, init = {}) => {
    const text = init.body;
    if (init.method !== 'POST' || typeof text !== 'string' || !isQueryBody(text)) return send(url, init);
    const body = parseBody(text);
    if (!body) return send(url, init);
    let kind: Batch['kind'];
    let template: RootBatchTemplate | undefined;
    let representations: unknown[] | undefined;
    let others: string | undefined;
    if (isEntitiesBody(text) && Array.isArray(body.variables?.representations)) {
      kind = 'entities';
      const { representations: given, ...rest } = body.variables!;
      representations = given as unknown[];
      others = JSON.stringify(rest);
    } else {
      template = aliases === 'off' ? undefined : templateOf(body.query);
      if (!template) return send(url, init);
      kind = 'root';
    }
    stats.requests += 1;
    const { variables: _variables, ...rest } = body;
    const key = `${kind}\n${audienceKey(url, init.headers)}\n${JSON.stringify(rest)}`;
    const subgraph = subgraphOf(url);
    return new Promise<FetcherResponse>((resolve, reject) => {
      let batch = subgraph.open.get(key);
      if (!batch) {
        batch = { key, url, kind, template, members: [], size: 0, waited: false };
        subgraph.open.set(key, batch);
      }
      const signal = init.signal ?? undefined;
      // A request whose own time ran out stops waiting; the batch goes on for the others.
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      batch.members.push({ init, body, representations, others, signal, resolve, reject });
      batch.size += kind === 'entities' ? representations!.length : 1;
      if (batch.members.length >= maxOperations || (kind === 'entities' && batch.size >= maxRepresentations)) {
        subgraph.open.delete(key);
        subgraph.full.push(batch);
        flush(url, subgraph);
      }
      scheduleFlush(url, subgraph);
    });
  };

  return { fetcher, stats };
}
