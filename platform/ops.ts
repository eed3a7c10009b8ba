import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { registry } from './metrics';
import { sendGraphQLError, sendJson, type Route } from './http';

/** What a process reports about its readiness: a verdict anyone may read, details for operators. */
export interface Readiness {
  readonly ready: boolean;
  /** A word for the verdict ("ready", "degraded", "not ready"). */
  readonly status: string;
  /** Subgraph URLs, breaker states, database states: for operators only. */
  readonly details: Record<string, unknown>;
}

export interface OpsRoutesOptions {
  /**
   * The bearer token that opens `/metrics` and the details of `/ready` on the public listener.
   * @default none: they are served on the ops listener only
   */
  token?: string;
  /** Fields `/health` adds to `{ status: 'ok' }`; nothing internal. */
  health?: () => Record<string, unknown>;
  ready: () => Promise<Readiness>;
}

export interface OpsRoutes {
  /** `/health`, `/ready` and `/metrics` for the public listener: details behind the token. */
  readonly public: Record<string, Route>;
  /** The same three for the ops listener (a private address): everything, no token. */
  readonly ops: Record<string, Route>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

async function sendMetrics(res: Parameters<Route>[1]): Promise<void> {
  const text = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType });
  res.end(text);
}

/**
 * Operations endpoints: `/health` (alive, public), `/ready` (its status code and verdict public,
 * its details for operators) and `/metrics` (for operators). Operators present the ops token or
 * come through the ops listener.
 */
export function opsRoutes(options: OpsRoutesOptions): OpsRoutes {
  const expected = options.token ? digest(options.token) : undefined;
  const isOperator = (req: IncomingMessage): boolean => {
    if (!expected) return false;
    const match = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    return Boolean(match && timingSafeEqual(digest(match[1]!), expected));
  };
  const health: Route = (_req, res) => sendJson(res, 200, { status: 'ok', ...options.health?.() });
  const readyRoute =
    (full: (req: IncomingMessage) => boolean): Route =>
    async (req, res) => {
      const readiness = await options.ready();
      sendJson(
        res,
        readiness.ready ? 200 : 503,
        full(req) ? { status: readiness.status, ...readiness.details } : { status: readiness.status },
      );
    };
  return {
    public: {
      'GET /health': health,
      'GET /ready': readyRoute(isOperator),
      'GET /metrics': async (req, res) => {
        if (isOperator(req)) return sendMetrics(res);
        if (!expected)
          return sendGraphQLError(
            res,
            403,
            'FORBIDDEN',
            'metrics are served on the ops listener (OPS_PORT) only; set OPS_TOKEN to read them here',
          );
        res.setHeader('www-authenticate', 'Bearer');
        return sendGraphQLError(
          res,
          401,
          'UNAUTHENTICATED',
          req.headers.authorization ? 'the ops token is not valid' : 'metrics are for operators: send "Authorization: Bearer <OPS_TOKEN>"',
        );
      },
    },
    ops: {
      'GET /health': health,
      'GET /ready': readyRoute(() => true),
      'GET /metrics': (_req, res) => sendMetrics(res),
    },
  };
}

/** A server for the ops listener: the ops routes and nothing else; it does not listen. */
export function createOpsServer(routes: Record<string, Route>): Server {
  return createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes[`${(req.method ?? 'GET').toUpperCase()} ${pathname}`];
    if (!route)
      return sendJson(res, 404, {
        error: `the ops listener serves GET /health, /ready and /metrics, not ${String(req.method).slice(0, 10)} ${pathname.slice(0, 100)}`,
      });
    Promise.resolve(route(req, res)).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal server error' });
      else res.end();
    });
  });
}
