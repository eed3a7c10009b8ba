import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import {
  GraphQLError,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type FormattedExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { createHandler as createSseHandler } from 'graphql-sse';
import { CloseCode, handleProtocols, makeServer } from 'graphql-ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../platform/logger';
import { gatewayError } from '../security/errors';
import { eventQueryOf } from './event-query';
import { admit, credentialsOf, statusOf, type Credentials, type FrontDoor, type LiveRequest } from './live-door';
import type { LiveCaller, LiveExecutor } from './live-executor';
import { liveMetrics } from './live-metrics';

export interface LiveServerOptions {
  /** The gateway's front door (authentication, rate limits, partner gate, document limits). */
  door: FrontDoor;
  /** The API schema the gateway serves now; undefined before the first supergraph loads. */
  schema: () => GraphQLSchema | undefined;
  executor: LiveExecutor;
  logger: Logger;
  /**
   * Path of the GraphQL endpoint the transports share with queries.
   * @default '/graphql'
   */
  path?: string;
  /**
   * Interval of WebSocket pings (graphql-ws keep-alive); SSE streams send a comment every 12 s (graphql-sse).
   * @default 12_000
   */
  keepAliveMs?: number;
  /**
   * WebSocket connections written to without waiting in one turn of the event loop.
   * @default WS_BURST_WRITES
   */
  burstWrites?: number;
  /**
   * Largest subscribe message or SSE request body.
   * @default 1_048_576
   */
  maxBodyBytes?: number;
  /**
   * Lexical tokens read of a subscription document.
   * @default 15_000
   */
  maxTokens?: number;
}

export interface LiveServer {
  /** Whether a request is a GraphQL over SSE request (`Accept: text/event-stream` on the endpoint). */
  isSse(req: IncomingMessage): boolean;
  handleSse(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Takes a WebSocket upgrade of the endpoint (graphql-transport-ws); refuses any other. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Bytes written to WebSockets and not yet sent: what slow readers hold in this gateway's memory. */
  unsentBytes(): number;
  /** Completes every subscription, then closes every WebSocket with 1001. */
  stop(): Promise<void>;
}

type Prepared =
  | { ok: true; results: AsyncGenerator<FormattedExecutionResult, void, undefined>; document: DocumentNode; schema: GraphQLSchema }
  | { ok: false; errors: GraphQLError[]; status: number };

/**
 * Bytes a WebSocket may hold unsent before its next message waits for them to be written. Below
 * it, messages are queued without waiting, so that those written in the same turn leave in one
 * write; above it the subscriber's answers wait in its bounded buffer (`LIVE_BUFFER`) instead.
 */
export const WS_SEND_BUFFER_BYTES = 64 * 1024;

/**
 * Connections written to without waiting in one turn of the event loop, before the next ones wait
 * for the loop to turn: without a turn, the writes of an event reaching thousands of subscribers
 * would keep the loop from reading the systems' answers (and timing them out). A connection's
 * further messages in the same turn join its one write and are not counted: what costs is the
 * write (a system call and a wake-up of the reader), and the answers a subscriber may have waiting
 * are bounded (`LIVE_BUFFER`, `WS_SEND_BUFFER_BYTES`). Counting messages instead kept a gateway
 * that fell behind from catching up: the answers of a second event in the turn waited for the
 * next one and left in a write of their own.
 */
export const WS_BURST_WRITES = 2_000;

/**
 * Counts writes made without waiting in one turn of the event loop. `sent` is called after each:
 * undefined while the turn's burst is within `limit`, else a promise of the next turn (one for
 * all writers), when the count starts again.
 */
export function burstGate(limit: number = WS_BURST_WRITES): { sent(): Promise<void> | undefined } {
  let burst = 0;
  let turn: Promise<void> | undefined;
  const nextTurn = () =>
    (turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        burst = 0;
        turn = undefined;
        resolve();
      }),
    ));
  return {
    sent() {
      // The count starts again at the next turn of the loop; past the burst, wait for it.
      if (burst++ === 0) void nextTurn();
      return burst > limit ? nextTurn() : undefined;
    },
  };
}

/**
 * Writes one message to a WebSocket connection (`accept`): undefined when the next may follow at
 * once, else a promise of when it may.
 */
type Send = (data: string) => Promise<void> | undefined;

/** What a WebSocket subscription's answers need past graphql-ws's `onSubscribe`: its id, its answers, its connection. */
interface AnswerContext {
  readonly id: string;
  readonly results: AsyncGenerator<FormattedExecutionResult, void, undefined>;
  readonly send: Send;
}

/**
 * Answers as JSON, each written once: the live executor hands one answer object to every member
 * of a group, so thousands of subscribers share one serialization.
 */
const answerJson = new WeakMap<FormattedExecutionResult, string>();

function jsonOf(result: FormattedExecutionResult): string {
  let json = answerJson.get(result);
  if (json === undefined) answerJson.set(result, (json = JSON.stringify(result)));
  return json;
}

/**
 * Sends a subscription's answers as `next` messages of the graphql-transport-ws protocol, each
 * the answer's shared JSON inside the subscription's own envelope, instead of letting graphql-ws
 * copy and serialize every answer for every subscriber. graphql-ws gets an iterable that yields
 * nothing and ends when the answers end, so it still sends `complete` after the last answer; its
 * `return()` (the client's `complete`, a closed connection) ends the answers.
 */
export function sendAnswers(
  id: string,
  results: AsyncGenerator<FormattedExecutionResult, void, undefined>,
  send: Send,
  logger?: Logger,
): AsyncGenerator<never, void, undefined> {
  const envelope = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  const end: IteratorResult<never, void> = { value: undefined, done: true };
  let ended = false;
  let release: ((result: IteratorResult<never, void>) => void) | undefined;
  const finish = () => {
    ended = true;
    release?.(end);
    release = undefined;
  };
  void (async () => {
    try {
      for await (const result of results) {
        if (ended) break;
        const written = send(`${envelope}${jsonOf(result)}}`);
        if (written) await written;
      }
    } catch (err) {
      logger?.error({ err }, 'live answers could not be sent');
    } finally {
      finish();
    }
  })();
  const held: AsyncGenerator<never, void, undefined> = {
    next: () => (ended ? Promise.resolve(end) : new Promise((resolve) => (release = resolve))),
    async return() {
      finish();
      await results.return(undefined);
      return end;
    },
    async throw(err: unknown) {
      finish();
      await results.return(undefined);
      throw err;
    },
    [Symbol.asyncIterator]() {
      return held;
    },
  };
  return held;
}

const refused = (error: GraphQLError): Prepared => ({ ok: false, errors: [error], status: statusOf(error) });

/** The WebSocket close code for a refusal with an HTTP status (graphql-ws uses 4401 and 4403 alike). */
const closeCodeOf = (status: number) => (status >= 400 && status < 600 ? 4000 + status : 4400);

/** A close reason within the 123 bytes WebSocket allows. */
const reasonOf = (message: string) =>
  Buffer.byteLength(message) <= 123 ? message : `${Buffer.from(message).subarray(0, 120).toString('utf8')}…`;

/**
 * GraphQL over WebSocket (`graphql-transport-ws`, graphql-ws) and GraphQL over SSE (distinct
 * connections, graphql-sse) on the gateway's own port and path. Both transports admit the caller
 * through the front door and hand subscriptions to the live executor; queries and mutations
 * stay on plain POST.
 */
export function createLiveServer(options: LiveServerOptions): LiveServer {
  const { door, executor, logger } = options;
  const path = options.path ?? '/graphql';
  const maxBodyBytes = options.maxBodyBytes ?? 1_048_576;
  const maxTokens = options.maxTokens ?? 15_000;

  async function prepare(
    socket: Socket,
    credentials: Credentials,
    request: LiveRequest,
    disconnect: (reason: string) => void,
  ): Promise<Prepared> {
    let holder: LiveCaller;
    try {
      holder = await admit(door, socket, credentials, request);
    } catch (err) {
      if (err instanceof GraphQLError) return refused(err);
      throw err;
    }
    const schema = options.schema();
    if (!schema) return refused(gatewayError('AUTHENTICATION_UNAVAILABLE', 503, 'the gateway has not loaded its schema yet; try again'));
    let document: DocumentNode;
    try {
      document = parse(request.query, { maxTokens });
    } catch (err) {
      return refused(gatewayError('GRAPHQL_VALIDATION_FAILED', 400, (err as Error).message));
    }
    const errors = validate(schema, document);
    if (errors.length > 0)
      return { ok: false, errors: errors.map((e) => gatewayError('GRAPHQL_VALIDATION_FAILED', 400, e.message)), status: 400 };
    const operation = getOperationAST(document, request.operationName);
    if (!operation)
      return refused(gatewayError('BAD_REQUEST', 400, 'the document holds several operations and names none: send operationName'));
    if (operation.operation !== 'subscription') {
      return refused(
        gatewayError(
          'BAD_REQUEST',
          400,
          `only subscriptions are served on this transport; send the ${operation.operation} with POST ${path}`,
        ),
      );
    }
    const built = eventQueryOf(schema, document, operation, request.variables ?? {});
    if (!built.ok)
      return { ok: false, errors: built.errors ? [...built.errors] : [gatewayError('BAD_REQUEST', 400, built.message)], status: 400 };
    const opened = executor.open(built.eventQuery, { ...holder, disconnect });
    if (!opened.ok) return refused(opened.error);
    return { ok: true, results: opened.results, document, schema };
  }

  // ---- GraphQL over WebSocket ----
  type Extra = {
    socket: WebSocket;
    request: IncomingMessage;
    send: Send;
    holder?: LiveCaller;
    credentials?: Credentials;
    expiry?: NodeJS.Timeout;
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxBodyBytes, handleProtocols });
  wss.on('error', (err) => logger.error({ err }, 'live WebSocket server error'));
  const closeSocket = (socket: WebSocket, code: number, reason: string) => {
    socket.close(code, reasonOf(reason));
    // A peer that reads nothing never answers the close frame.
    setTimeout(() => socket.terminate(), 2_000).unref();
  };
  // graphql-ws's protocol on this gateway's own WebSocket glue (what graphql-ws/use/ws does, but
  // for how messages are written: see `accept`).
  const protocol = makeServer<Record<string, unknown> | undefined, Extra>({
    connectionInitWaitTimeout: 10_000,
    onConnect: async (ctx) => {
      const credentials = credentialsOf(ctx.connectionParams ?? undefined, ctx.extra.request.headers);
      try {
        ctx.extra.holder = await admit(door, ctx.extra.request.socket as Socket, credentials);
      } catch (err) {
        if (!(err instanceof GraphQLError)) throw err;
        liveMetrics.refused.inc({ reason: String(err.extensions.code ?? 'refused').toLowerCase() });
        closeSocket(ctx.extra.socket, closeCodeOf(statusOf(err)), `${err.extensions.code}: ${err.message}`);
        return false;
      }
      ctx.extra.credentials = credentials;
      const expiresAt = ctx.extra.holder.expiresAt;
      if (expiresAt !== undefined) {
        // A moment after the executor ends the subscriptions, so that their reason is sent first.
        const closeAt = expiresAt + 250;
        ctx.extra.expiry = setTimeout(
          () => closeSocket(ctx.extra.socket, 4401, 'UNAUTHENTICATED: the token has expired; connect again with a fresh one'),
          Math.max(0, Math.min(closeAt - Date.now(), 2 ** 31 - 1)),
        );
        ctx.extra.expiry.unref();
      }
      liveMetrics.connections.inc({ transport: 'websocket' });
      return true;
    },
    onSubscribe: async (ctx, id, payload) => {
      const prepared = await prepare(
        ctx.extra.request.socket as Socket,
        ctx.extra.credentials ?? {},
        {
          query: payload.query,
          operationName: payload.operationName ?? undefined,
          variables: payload.variables ?? undefined,
        },
        (reason) => closeSocket(ctx.extra.socket, 4503, reason),
      );
      if (!prepared.ok) return prepared.errors;
      const context: AnswerContext = { id, results: prepared.results, send: ctx.extra.send };
      const args: ExecutionArgs = {
        schema: prepared.schema,
        document: prepared.document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: context,
      };
      return args;
    },
    subscribe: (args) => {
      const { id, results, send } = args.contextValue as AnswerContext;
      return sendAnswers(id, results, send, logger) as never;
    },
    execute: () => ({
      errors: [
        gatewayError('BAD_REQUEST', 400, `only subscriptions are served over WebSocket; send queries and mutations with POST ${path}`),
      ],
    }),
    onClose: (ctx) => {
      if (ctx.extra.expiry) clearTimeout(ctx.extra.expiry);
      if (ctx.extra.holder) liveMetrics.connections.dec({ transport: 'websocket' });
    },
  });

  // One timer pings every connection; one that has not answered the previous ping is cut.
  const keepAliveMs = options.keepAliveMs ?? 12_000;
  const unanswered = new WeakSet<WebSocket>();
  const keepAlive =
    keepAliveMs > 0 && Number.isFinite(keepAliveMs)
      ? setInterval(() => {
          for (const client of wss.clients) {
            if (unanswered.has(client)) {
              client.terminate();
              continue;
            }
            if (client.readyState !== WebSocket.OPEN) continue;
            unanswered.add(client);
            client.ping();
          }
        }, keepAliveMs)
      : undefined;
  keepAlive?.unref();

  const burst = burstGate(options.burstWrites);

  function accept(client: WebSocket, request: IncomingMessage, raw: Duplex): void {
    // Messages sent in one turn of the event loop leave the socket in one write at its end: the
    // answers of every event resolved in that turn, not only of one (a write costs a system call
    // and a wake-up of the reader, and a gateway behind resolves several events per turn).
    let corked = false;
    const uncork = () => {
      corked = false;
      raw.uncork();
    };
    const send: Send = (data) => {
      if (client.readyState !== WebSocket.OPEN) return;
      const opensWrite = !corked;
      if (opensWrite) {
        corked = true;
        raw.cork();
        setImmediate(uncork);
      }
      if (client.bufferedAmount < WS_SEND_BUFFER_BYTES) {
        client.send(data);
        return opensWrite ? burst.sent() : undefined;
      }
      // A peer that reads slowly: the next message waits for this one to be written.
      return new Promise<void>((resolve) => client.send(data, () => resolve()));
    };
    const closed = protocol.opened(
      {
        protocol: client.protocol,
        send,
        close: (code, reason) => client.close(code, reason),
        onMessage: (handle) =>
          client.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (err) {
              logger.error({ err }, 'live WebSocket message failed');
              client.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket: client, request, send },
    );
    client.on('pong', () => unanswered.delete(client));
    client.once('error', (err) => {
      logger.warn({ err: err.message }, 'live WebSocket error');
      client.close(CloseCode.InternalServerError, 'Internal server error');
    });
    client.once('close', (code, reason) => void closed(code, String(reason)));
  }

  // ---- GraphQL over SSE (distinct connections) ----
  const sse = createSseHandler<IncomingMessage, { res: ServerResponse }>({
    onSubscribe: async (req, params) => {
      const raw = req.raw;
      const prepared = await prepare(
        raw.socket as Socket,
        credentialsOf(undefined, raw.headers),
        {
          query: String(params.query ?? ''),
          operationName: params.operationName ?? undefined,
          variables: params.variables ?? undefined,
        },
        (reason) => {
          logger.info({ reason }, 'live subscriber disconnected');
          req.context.res.destroy();
        },
      );
      if (!prepared.ok) {
        return [
          JSON.stringify({ errors: prepared.errors.map((e) => e.toJSON()) }),
          { status: prepared.status, statusText: 'Refused', headers: { 'content-type': 'application/json; charset=utf-8' } },
        ];
      }
      return prepared.results as never;
    },
  });

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          req.removeAllListeners('data');
          reject(gatewayError('BAD_REQUEST', 413, `the request body is larger than the limit of ${maxBodyBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.once('error', reject);
    });
  }

  return {
    isSse(req) {
      const accept = String(req.headers.accept ?? '');
      const url = req.url ?? '';
      const pathname = url.split('?', 1)[0];
      // A token header would ask for graphql-sse's single-connection mode, which is not served.
      return (
        pathname === path &&
        (req.method === 'POST' || req.method === 'GET') &&
        accept.includes('text/event-stream') &&
        !req.headers['x-graphql-event-stream-token']
      );
    },
    async handleSse(req, res) {
      liveMetrics.connections.inc({ transport: 'sse' });
      try {
        const [body, init] = await sse({
          method: req.method!,
          url: req.url!,
          headers: {
            get: (key) => {
              const v = req.headers[key];
              return Array.isArray(v) ? v.join('\n') : v;
            },
          },
          body: () => readBody(req),
          raw: req,
          context: { res },
        });
        const headers = { ...(init.headers as Record<string, string>) };
        // nginx buffers responses unless told otherwise; a stream of events must go out as it comes.
        if (body && typeof body !== 'string') headers['x-accel-buffering'] = 'no';
        res.writeHead(init.status, init.statusText, headers);
        if (!body || typeof body === 'string') {
          res.end(body ?? undefined);
          return;
        }
        res.once('close', () => void body.return(undefined));
        for await (const chunk of body) {
          // Waiting for the socket keeps the backlog in the subscriber's bounded buffer, not in the response.
          if (!res.write(chunk) && !res.destroyed) await Promise.race([once(res, 'drain'), once(res, 'close')]);
          if (res.destroyed) break;
        }
        res.end();
      } catch (err) {
        if (err instanceof GraphQLError && !res.headersSent) {
          res.writeHead(statusOf(err), { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ errors: [err.toJSON()] }));
          return;
        }
        logger.error({ err }, 'live SSE request failed');
        if (!res.headersSent)
          res
            .writeHead(500, { 'content-type': 'application/json; charset=utf-8' })
            .end(JSON.stringify({ errors: [{ message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
        else res.destroy();
      } finally {
        liveMetrics.connections.dec({ transport: 'sse' });
      }
    },
    handleUpgrade(req, socket, head) {
      const pathname = (req.url ?? '').split('?', 1)[0];
      if (pathname !== path) {
        socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (client) => accept(client, req, socket));
    },
    unsentBytes() {
      let bytes = 0;
      for (const client of wss.clients) bytes += client.bufferedAmount;
      return bytes;
    },
    async stop() {
      await executor.stop();
      // Let graphql-ws send the complete messages the ended subscriptions produced before the sockets close.
      await new Promise((resolve) => setImmediate(resolve));
      if (keepAlive) clearInterval(keepAlive);
      for (const client of wss.clients) closeSocket(client, 1001, 'the gateway is shutting down; reconnect to another replica');
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}
