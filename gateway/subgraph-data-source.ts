import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError, Kind, parse, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { REQUEST_ID_HEADER } from '../platform/http';
import { IDEMPOTENCY_KEY_HEADER } from '../platform/idempotency';
import type { Logger } from '../platform/logger';
import type { CircuitBreaker } from './reliability/breaker';
import { mutationOutcomesUnknown, subgraphFetchDuration, subgraphFetchErrors, subgraphRetries } from './reliability/metrics';
import { backoffDelay, type SubgraphPolicy } from './reliability/policy';
import { describeFailure } from './reliability/subgraph-health';
import { waitClockOf } from './performance/subgraph-wait';
import { isMutationText } from './apollo-internals';
import type { SubgraphFetchErrorCode } from './security/errors';

export type ProcessOptions = GraphQLDataSourceProcessOptions<Record<string, any>>;

/** Runs before each subgraph request is sent; may add headers (request id, signed caller, trace context). */
export type SendHook = (options: ProcessOptions) => void | Promise<void>;

export interface SubgraphDataSourceOptions {
  /** System name, as in the systems registry. */
  system: string;
  url: string;
  policy: SubgraphPolicy;
  breaker: CircuitBreaker;
  /**
   * The HTTP client; replaceable (a keep-alive pool, request deduplication). It must honour
   * `init.signal`, which carries the timeout.
   * @default globalThis.fetch
   */
  fetcher?: Fetcher;
  /** Hooks run in order before every request, after the request id is set. */
  beforeSend?: readonly SendHook[];
  logger?: Logger;
}

type Failure = { kind: 'unavailable'; reason: string; message: string; retryable: boolean; sent: boolean } | { kind: 'other' };

class SubgraphTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * The gateway's data source for one subgraph: a timeout on every request, retries with backoff for
 * queries (never mutations), a circuit breaker, and, when the system is unavailable, a response
 * whose fields are null with a `SUBGRAPH_UNAVAILABLE` error naming the system, so the rest of the
 * answer stands. A mutation that was sent but not answered gets `MUTATION_OUTCOME_UNKNOWN` instead:
 * it may have been applied, and only a retry with the same `Idempotency-Key` (which this source
 * passes on to the subgraph) can tell without applying it twice.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource {
  readonly system: string;
  private readonly policy: SubgraphPolicy;
  private readonly breaker: CircuitBreaker;
  private readonly hooks: readonly SendHook[];
  private readonly log?: Logger;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.url });
    this.system = options.system;
    this.policy = options.policy;
    this.breaker = options.breaker;
    this.hooks = options.beforeSend ?? [];
    this.log = options.logger;
    const inner: Fetcher = options.fetcher ?? (globalThis.fetch as unknown as Fetcher);
    const timeoutMs = options.policy.timeoutMs;
    // The signal closes the socket of a request that overran; the race in `attempt` bounds the wait
    // even for a fetcher that ignores signals.
    this.fetcher = (url, init) => inner(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  }

  /**
   * Carries the request id and, for a mutation, the client's idempotency key, then runs the
   * configured hooks; subclasses call `super.willSendRequest`.
   */
  override async willSendRequest(options: ProcessOptions): Promise<void> {
    if (options.kind === 'incoming operation') {
      const requestId = options.incomingRequestContext.request.http?.headers.get(REQUEST_ID_HEADER);
      if (requestId) options.request.http?.headers.set(REQUEST_ID_HEADER, requestId);
      // The subgraph keys each root field apart (by its response name), so one key serves every
      // mutation fetch of the operation.
      const key = idempotencyKeyOf(options);
      if (key !== undefined && isMutation(options)) options.request.http?.headers.set(IDEMPOTENCY_KEY_HEADER, key);
    }
    for (const hook of this.hooks) await hook(options);
  }

  override async process(options: ProcessOptions): Promise<GatewayGraphQLResponse> {
    const attempts = isMutation(options) ? 1 : 1 + this.policy.retries;
    for (let attempt = 1; ; attempt++) {
      if (!this.breaker.tryAcquire()) {
        subgraphFetchErrors.labels(this.system, 'circuit_open').inc();
        const retryAt = this.breaker.snapshot().retryAt;
        return this.unavailable(
          options,
          'circuit_open',
          `the circuit is open after repeated failures${retryAt ? `; next probe at ${retryAt}` : ''}`,
        );
      }
      const started = performance.now();
      try {
        const response = await this.attempt(options);
        this.breaker.recordSuccess();
        subgraphFetchDuration.labels(this.system, 'ok').observe((performance.now() - started) / 1000);
        return response;
      } catch (err) {
        const failure = classify(err);
        subgraphFetchDuration
          .labels(this.system, failure.kind === 'unavailable' ? failure.reason : 'error')
          .observe((performance.now() - started) / 1000);
        if (failure.kind === 'other') {
          // The system answered; the request itself was wrong. That says nothing about its health.
          this.breaker.release();
          subgraphFetchErrors.labels(this.system, 'response').inc();
          return this.rejected(err);
        }
        this.breaker.recordFailure(failure.message);
        subgraphFetchErrors.labels(this.system, failure.reason).inc();
        if (attempt < attempts && failure.retryable) {
          subgraphRetries.labels(this.system).inc();
          await sleep(backoffDelay(this.policy, attempt));
          continue;
        }
        if (failure.sent && isMutation(options)) {
          mutationOutcomesUnknown.labels(this.system, failure.reason).inc();
          this.log?.warn(
            { system: this.system, reason: failure.reason, requestId: requestIdOf(options) },
            `${this.system} did not answer a mutation: ${failure.message}`,
          );
          return this.outcomeUnknown(options, failure.reason, failure.message);
        }
        this.log?.warn(
          { system: this.system, reason: failure.reason, attempts: attempt, requestId: requestIdOf(options) },
          `${this.system} unavailable: ${failure.message}`,
        );
        return this.unavailable(options, failure.reason, failure.message);
      }
    }
  }

  private attempt(options: ProcessOptions): Promise<GatewayGraphQLResponse> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SubgraphTimeoutError(`no answer within ${this.policy.timeoutMs} ms`)), this.policy.timeoutMs);
    });
    // The request's wait on subgraphs, told apart from the gateway's own time (overhead metric).
    const clock = options.kind === 'incoming operation' ? waitClockOf(options.context) : undefined;
    clock?.start();
    return Promise.race([super.process(options), timeout]).finally(() => {
      clearTimeout(timer);
      clock?.end();
    });
  }

  /**
   * A subgraph that refused the request (HTTP 4xx) answers with its own errors and codes, not with
   * an INTERNAL_SERVER_ERROR that carries its internal URL and raw response.
   */
  private rejected(err: unknown): GatewayGraphQLResponse {
    if (!(err instanceof GraphQLError)) throw err;
    const response = err.extensions?.response as { status?: number; body?: { errors?: GraphQLFormattedError[] } } | undefined;
    if (!response) throw err;
    const given = Array.isArray(response.body?.errors) ? response.body!.errors : [];
    const errors: GraphQLFormattedError[] = given.length
      ? given.map((e) => ({ message: e.message, extensions: { code: e.extensions?.code ?? 'SUBGRAPH_REJECTED', system: this.system } }))
      : [
          {
            message: `${this.system} refused the request (HTTP ${response.status})`,
            extensions: { code: 'SUBGRAPH_REJECTED', system: this.system },
          },
        ];
    return { errors };
  }

  /** A response with no data and one error per field this fetch was to resolve. */
  private unavailable(options: ProcessOptions, reason: string, detail: string): GatewayGraphQLResponse {
    return fieldErrors(options, `${this.system} is unavailable (${detail}); its fields are null`, {
      code: 'SUBGRAPH_UNAVAILABLE',
      system: this.system,
      reason,
    });
  }

  /** A mutation the system received but did not answer: said plainly, with how to find out safely. */
  private outcomeUnknown(options: ProcessOptions, reason: string, detail: string): GatewayGraphQLResponse {
    const key = idempotencyKeyOf(options);
    const advice =
      key === undefined
        ? 'this request had no Idempotency-Key header, so check the state in the system before sending it again; send one with every mutation to retry safely'
        : 'retry with the same Idempotency-Key header to get its outcome without applying it twice';
    const message = `${this.system} received the mutation but did not answer (${detail}): it may or may not have been applied; ${advice}`;
    return fieldErrors(options, message, {
      code: 'MUTATION_OUTCOME_UNKNOWN',
      system: this.system,
      reason,
      ...(key === undefined ? {} : { idempotencyKey: key.slice(0, 64) }),
    });
  }
}

/** One error per field the fetch was to resolve, each on its path. */
function fieldErrors(
  options: ProcessOptions,
  message: string,
  extensions: { code: SubgraphFetchErrorCode } & Record<string, unknown>,
): GatewayGraphQLResponse {
  const errors: GraphQLFormattedError[] = errorPaths(options).map((path) =>
    path ? { message, path, extensions } : { message, extensions },
  );
  return { errors };
}

/** The client's `Idempotency-Key` header, when the fetch serves a client request that has one. */
function idempotencyKeyOf(options: ProcessOptions): string | undefined {
  if (options.kind !== 'incoming operation') return undefined;
  return options.incomingRequestContext.request.http?.headers.get(IDEMPOTENCY_KEY_HEADER) ?? undefined;
}

function requestIdOf(options: ProcessOptions): string | undefined {
  if (options.kind !== 'incoming operation') return undefined;
  return options.incomingRequestContext.request.http?.headers.get(REQUEST_ID_HEADER) ?? undefined;
}

/** The fetch's operation; `parseIfMissing` only on the failure path, where its cost does not matter. */
function operationOf(options: ProcessOptions, parseIfMissing = false) {
  let document: DocumentNode | undefined = options.kind === 'incoming operation' ? options.document : undefined;
  if (!document && parseIfMissing && options.request.query) {
    try {
      document = parse(options.request.query);
    } catch {
      return undefined;
    }
  }
  return document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
}

function isMutation(options: ProcessOptions): boolean {
  const operation = operationOf(options);
  if (operation && operation.kind === Kind.OPERATION_DEFINITION) return operation.operation === 'mutation';
  return isMutationText(options.request.query ?? '');
}

/**
 * Paths in the subgraph's own response, which the gateway maps onto the client's: an entity fetch
 * points at its first entity, a root fetch at each root field it asked for.
 */
function errorPaths(options: ProcessOptions): ((string | number)[] | undefined)[] {
  if (options.request.variables && 'representations' in options.request.variables) return [['_entities', 0]];
  const operation = operationOf(options, true);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [undefined];
  const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [(s.alias ?? s.name).value] : []));
  return fields.length ? fields.map((f) => [f]) : [undefined];
}

function classify(err: unknown): Failure {
  if (err instanceof GraphQLError) {
    const status = (err.extensions?.response as { status?: number } | undefined)?.status;
    if (typeof status === 'number' && status >= 500) {
      return {
        kind: 'unavailable',
        reason: 'http_5xx',
        message: `HTTP ${status}`,
        retryable: status === 502 || status === 503 || status === 504,
        sent: false,
      };
    }
    return { kind: 'other' };
  }
  const description = describeFailure(err);
  // `sent`: the request may have reached the system. Only a refused connection proves it did not;
  // an HTTP 5xx is an answer (the system says it did not serve the request).
  if (description === 'timeout')
    return { kind: 'unavailable', reason: 'timeout', message: 'no answer within the timeout', retryable: false, sent: true };
  if (description === 'connection refused')
    return { kind: 'unavailable', reason: 'refused', message: description, retryable: true, sent: false };
  if (description === 'connection reset')
    return { kind: 'unavailable', reason: 'reset', message: description, retryable: true, sent: true };
  const error = err as { name?: string; message?: string };
  if (error?.name === 'TypeError' && /fetch failed/.test(error.message ?? '')) {
    return { kind: 'unavailable', reason: 'network', message: description, retryable: true, sent: true };
  }
  return { kind: 'other' };
}
