import type { IncomingMessage, ServerResponse } from 'node:http';
import createCors from 'cors';
import { sendGraphQLError } from '../../platform/http';
import { preview } from '../../platform/preview';

/** Which browser origins may call the gateway, besides the gateway's own (the explorer's). */
export interface CorsPolicy {
  /**
   * Allowed origins, each normalised as `scheme://host[:port]`; `'loopback'` allows any http(s)
   * origin on localhost, 127.0.0.1 or [::1] (the default outside production).
   */
  readonly origins: readonly string[] | 'loopback';
  /** `Access-Control-Allow-Credentials: true` (cookies, TLS client certificates); off by default. */
  readonly credentials: boolean;
  /** How long a browser may reuse a preflight answer, in seconds. */
  readonly maxAgeSeconds: number;
}

/** Headers a browser app may send: authentication, the client's name, trace context, idempotency. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-api-key',
  'apollographql-client-name',
  'apollographql-client-version',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'traceparent',
  'tracestate',
  'baggage',
  'x-request-id',
  'idempotency-key',
];

/** Response headers a browser app may read: the request's id, when to retry, where the time went. */
export const CORS_EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'server-timing'];

export const CORS_METHODS = ['GET', 'POST', 'OPTIONS'];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `scheme://host[:port]` of an origin, or undefined when it is not an http(s) origin alone. */
export function normaliseOrigin(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // An origin has no path, query, fragment or credentials: "https://app.example.com/" is accepted, "/app" is not.
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) return undefined;
  return url.origin;
}

function isBoolean(raw: string): raw is 'true' | 'false' {
  return raw === 'true' || raw === 'false';
}

/** Reads `CORS_ORIGINS`, `CORS_CREDENTIALS` and `CORS_MAX_AGE`, adding each problem to `problems`. */
export function parseCorsPolicy(env: NodeJS.ProcessEnv, production: boolean, problems: string[]): CorsPolicy {
  const raw = env.CORS_ORIGINS?.trim();
  let origins: readonly string[] | 'loopback' = production ? [] : 'loopback';
  if (raw) {
    const listed: string[] = [];
    for (const entry of raw
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)) {
      const origin = entry === '*' ? undefined : normaliseOrigin(entry);
      if (origin) listed.push(origin);
      else
        problems.push(
          `CORS_ORIGINS must list origins such as https://app.example.com (scheme, host and port only, no "*"), got ${preview(entry)}`,
        );
    }
    origins = Object.freeze(listed);
  }
  const credentials = env.CORS_CREDENTIALS?.trim() || 'false';
  if (!isBoolean(credentials)) problems.push(`CORS_CREDENTIALS must be "true" or "false" (the default), got ${preview(credentials)}`);
  const maxAgeRaw = env.CORS_MAX_AGE?.trim() || '600';
  const maxAgeSeconds = Number(maxAgeRaw);
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 0 || maxAgeSeconds > 86_400) {
    problems.push(`CORS_MAX_AGE must be a number of seconds from 0 to 86400, got ${preview(maxAgeRaw)}`);
  }
  return Object.freeze({ origins, credentials: credentials === 'true', maxAgeSeconds });
}

/** Whether `origin` may call: it is listed, or it is the gateway's own (the Host the browser addressed). */
export function isOriginAllowed(policy: CorsPolicy, origin: string, host: string | undefined): boolean {
  const normal = normaliseOrigin(origin);
  if (!normal) return false;
  const url = new URL(normal);
  if (host && url.host === host.toLowerCase()) return true;
  if (policy.origins === 'loopback') return LOOPBACK_HOSTS.has(url.hostname);
  return policy.origins.includes(normal);
}

export type CorsHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * CORS for every route of the gateway, answered by the `cors` package: an allowed origin gets its
 * origin reflected with `Vary: Origin`, a preflight is answered here (no token, no rate limit),
 * a preflight from any other origin gets 403 without CORS headers, so the browser refuses.
 */
export function createCorsHandler(policy: CorsPolicy): CorsHandler {
  const base = {
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: policy.credentials,
    maxAge: policy.maxAgeSeconds,
  };
  // The options delegate sees the request: the gateway's own origin depends on its Host header.
  const cors = createCors<IncomingMessage>((req, callback) => {
    const origin = req.headers.origin;
    const allowed = origin !== undefined && isOriginAllowed(policy, origin, req.headers.host);
    // Another origin gets `Vary: Origin` alone (an empty list), no Access-Control-* header.
    callback(null, allowed ? { ...base, origin: [origin] } : { origin: [] });
  });
  return (req, res, next) => {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method'] !== undefined;
    // Not a preflight: the request goes on to its route (an OPTIONS without one still gets 405 there).
    if (req.method === 'OPTIONS' && !preflight) return next();
    if (preflight && !isOriginAllowed(policy, origin, req.headers.host)) {
      res.setHeader('vary', 'Origin');
      return sendGraphQLError(
        res,
        403,
        'FORBIDDEN',
        `the origin ${preview(origin)} may not call this gateway from a browser; its operator lists allowed origins in CORS_ORIGINS`,
      );
    }
    cors(req, res, next);
  };
}
