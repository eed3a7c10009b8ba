import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Logger } from './logger';

/** A plain route beside `/graphql`, keyed `"GET /health"`. */
export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface GraphQLHttpHandlerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Builds the per-request context (loaders live here, never at module scope). */
  context: (req: IncomingMessage, res: ServerResponse) => Promise<TContext>;
  /** Extra routes, keyed by method and path. */
  routes?: Record<string, Route>;
  /**
   * Largest request body accepted; larger bodies get HTTP 413.
   * @default 1_048_576
   */
  maxBodyBytes?: number;
  /**
   * Deepest nesting of arrays and objects a JSON body may have (the body itself is level 1);
   * deeper bodies get HTTP 400 before anything parses their variables.
   * @default 32
   */
  maxBodyDepth?: number;
  /**
   * Path of the GraphQL endpoint.
   * @default '/graphql'
   */
  path?: string;
  /** Writes one access line per request (method, path, status, duration, request id); none when absent. */
  logger?: Logger;
  /** Runs around each request, after its id is assigned (a trace span, for one). */
  wrap?: (req: IncomingMessage, res: ServerResponse, next: () => Promise<void>) => Promise<void>;
}

/** The header that carries a request's id end to end; generated when a client sends none. */
export const REQUEST_ID_HEADER = 'x-request-id';

const ACCEPTABLE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The request's id: the client's `x-request-id` when it is a sane token, a new UUID otherwise.
 * It is written back onto the request headers (so everything downstream reads one value) and
 * onto the response.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(given) ? given[0] : given;
  const id = candidate && ACCEPTABLE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
  req.headers[REQUEST_ID_HEADER] = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/**
 * The header on a combined subgraph request listing the request ids of every operation it
 * carries (comma-separated), so each one finds it in the subgraph's log. Informational only: it
 * is not signed and never changes an answer.
 */
export const MEMBER_REQUEST_IDS_HEADER = 'x-plantgraph-member-request-ids';

/** Most ids read from `MEMBER_REQUEST_IDS_HEADER`; more than a batch carries is not a batch's. */
const MAX_MEMBER_REQUEST_IDS = 64;

/** The member request ids a request lists, when its header is present: sane tokens only, at most 64. */
export function memberRequestIdsOf(req: IncomingMessage): string[] | undefined {
  const given = req.headers[MEMBER_REQUEST_IDS_HEADER];
  if (typeof given !== 'string' || given.length > MAX_MEMBER_REQUEST_IDS * 130) return undefined;
  const ids = given
    .split(',', MAX_MEMBER_REQUEST_IDS)
    .map((id) => id.trim())
    .filter((id) => ACCEPTABLE_REQUEST_ID.test(id));
  return ids.length ? ids : undefined;
}

/** Writes a JSON body with a status. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A GraphQL-shaped error response for failures that happen before GraphQL execution. */
export function sendGraphQLError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

class BodyTooLargeError extends Error {}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The bytes of each request body as received, for checks that must see them unparsed (the
// digest a subgraph's caller header is sealed over).
const rawBodies = new WeakMap<IncomingMessage, Buffer>();

/** The body of a request as it arrived, once the handler has read it; undefined before, and for GET. */
export function requestBodyOf(req: IncomingMessage): Buffer | undefined {
  return rawBodies.get(req);
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      rawBodies.set(req, raw);
      resolve(raw.toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Whether a parsed JSON value nests arrays and objects deeper than `limit` levels; walks without recursion. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Whether the `variables` of a GET request parse to JSON nested deeper than the body allows at that place. */
function getVariablesNestTooDeep(url: URL, maxBodyDepth: number): boolean {
  const text = url.searchParams.get('variables');
  if (!text) return false;
  try {
    return nestsDeeperThan(JSON.parse(text), maxBodyDepth - 1);
  } catch {
    return false; // Apollo Server answers malformed variables itself.
  }
}

function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Serves an Apollo Server and a few plain routes on Node's own `http` module. */
export function createGraphQLHttpHandler<TContext extends BaseContext>(options: GraphQLHttpHandlerOptions<TContext>) {
  const { apollo, context, routes = {}, maxBodyBytes = 1_048_576, maxBodyDepth = 32, path = '/graphql', logger, wrap } = options;

  return async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = assignRequestId(req, res);
    return wrap ? wrap(req, res, () => handle(req, res, requestId)) : handle(req, res, requestId);
  };

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendGraphQLError(res, 400, 'BAD_REQUEST', `the request target "${String(req.url).slice(0, 100)}" is not a valid path`);
    }
    const method = (req.method ?? 'GET').toUpperCase();
    if (logger) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
        // Probes and scrapes come every few seconds; they would drown the requests that matter.
        const level = url.pathname === path ? 'info' : 'debug';
        const memberRequestIds = memberRequestIdsOf(req);
        logger[level](
          {
            requestId,
            ...(memberRequestIds && { memberRequestIds }),
            method,
            path: url.pathname,
            status: res.statusCode,
            durationMs: Math.round(durationMs * 10) / 10,
          },
          'request',
        );
      });
    }
    try {
      const route = routes[`${method} ${url.pathname}`];
      if (route) return await route(req, res);
      if (url.pathname !== path) {
        return sendJson(res, 404, { error: `no route for ${method} ${url.pathname}; GraphQL is served at POST ${path}` });
      }

      if (method !== 'GET' && method !== 'POST') {
        res.setHeader('allow', 'GET, POST');
        return sendGraphQLError(
          res,
          405,
          'METHOD_NOT_ALLOWED',
          `${method} is not supported on ${path}; send queries with POST (or GET for queries only)`,
        );
      }

      let body: unknown = undefined;
      if (method === 'POST') {
        const text = await readBody(req, maxBodyBytes);
        const contentType = String(req.headers['content-type'] ?? '');
        if (contentType.includes('json')) {
          try {
            body = text.length ? JSON.parse(text) : undefined;
          } catch {
            return sendGraphQLError(
              res,
              400,
              'BAD_REQUEST',
              'the request body is not valid JSON; expected {"query": "...", "variables": {...}}',
            );
          }
          if (nestsDeeperThan(body, maxBodyDepth)) {
            logger?.warn({ requestId, maxBodyDepth }, 'request body refused: nested too deep');
            return sendGraphQLError(
              res,
              400,
              'BAD_REQUEST',
              `the request body nests objects and arrays more than ${maxBodyDepth} levels deep; expected variables at most ${maxBodyDepth - 2} levels deep`,
            );
          }
          if (isPlainObject(body) && body.query === undefined && body.extensions === undefined) {
            return sendGraphQLError(
              res,
              400,
              'BAD_REQUEST',
              `the request body has no "query"; expected {"query": "...", "variables": {...}}, got the keys [${Object.keys(body).join(', ')}]`,
            );
          }
        } else {
          body = text;
        }
      } else if (getVariablesNestTooDeep(url, maxBodyDepth)) {
        logger?.warn({ requestId, maxBodyDepth }, 'request variables refused: nested too deep');
        return sendGraphQLError(res, 400, 'BAD_REQUEST', `the variables nest objects and arrays more than ${maxBodyDepth - 1} levels deep`);
      }

      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method, headers: toHeaderMap(req), search: url.search, body },
        context: () => context(req, res),
      });
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        return sendGraphQLError(res, 413, 'PAYLOAD_TOO_LARGE', `the request body is larger than the limit of ${maxBodyBytes} bytes`);
      }
      logger?.error({ requestId, err }, 'request failed');
      if (!res.headersSent) {
        sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'internal server error');
      } else {
        res.end();
      }
    }
  }
}
