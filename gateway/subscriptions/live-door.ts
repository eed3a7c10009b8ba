import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { decodeJwt } from 'jose';
import { GraphQLError } from 'graphql';
import type { Caller } from '../../platform/caller';
import { preview } from '../../platform/preview';
import { callerOf, type SecurityContext } from '../security/caller';
import { isOriginAllowed, type CorsPolicy } from '../security/cors';
import type { LiveCaller } from './live-executor';
import { liveMetrics } from './live-metrics';

/** The credentials of a live connection: the headers of its HTTP request, or those a WebSocket client sends in `connection_init`. */
export type Credentials = Readonly<Record<string, string>>;

/** What a live transport asks of the gateway's front door. */
export type FrontDoor = (req: IncomingMessage) => Promise<SecurityContext>;

/** A document with its operation name and variables, as a subscriber sends it. */
export interface LiveRequest {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

// Only an introspection field: the door's partner gate lets it through, so a connection is
// authenticated (and counted) without being judged as an operation yet.
const CONNECT_PROBE: LiveRequest = { query: '{ __typename }' };

/**
 * Builds the request the front door reads: a GET of `/graphql` carrying the document in its query
 * string (where the door reads documents of GET requests), the connection's credentials as
 * headers and its socket for the client address. The door then does for a live operation what it
 * does for any request: authentication, rate limits, the partner document gate, document limits.
 */
export function doorRequest(socket: Socket, credentials: Credentials, request: LiveRequest = CONNECT_PROBE): IncomingMessage {
  const req = new IncomingMessage(socket);
  req.method = 'GET';
  const search = new URLSearchParams({ query: request.query });
  if (request.operationName) search.set('operationName', request.operationName);
  if (request.variables) search.set('variables', JSON.stringify(request.variables));
  req.url = `/graphql?${search}`;
  req.headers = { ...credentials };
  return req;
}

/** When a bearer token expires, in ms since the epoch; undefined for partner keys and service tokens. */
export function expiryOf(credentials: Credentials): number | undefined {
  const match = /^bearer\s+(\S+)$/i.exec(credentials.authorization ?? '');
  if (!match) return undefined;
  try {
    const { exp } = decodeJwt(match[1]!);
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The connection's credentials from a WebSocket client's `connection_init` payload, else from the upgrade request. */
export function credentialsOf(params: Readonly<Record<string, unknown>> | undefined, headers: IncomingMessage['headers']): Credentials {
  const pick = (...names: string[]): string | undefined => {
    for (const name of names) {
      const value = params?.[name];
      if (typeof value === 'string' && value) return value;
    }
    return undefined;
  };
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const token = pick('token');
  const authorization = pick('authorization', 'Authorization') ?? (token ? `Bearer ${token}` : undefined) ?? header('authorization');
  const apiKey = pick('x-api-key', 'apiKey') ?? header('x-api-key');
  const forwarded = header('x-forwarded-for');
  return {
    ...(authorization && { authorization }),
    ...(apiKey && { 'x-api-key': apiKey }),
    ...(forwarded && { 'x-forwarded-for': forwarded }),
  };
}

/** Admits a caller through the front door; the refusal is the door's own GraphQLError (401, 403, 429 …). */
export async function admit(door: FrontDoor, socket: Socket, credentials: Credentials, request?: LiveRequest): Promise<LiveCaller> {
  const context = await door(doorRequest(socket, credentials, request));
  const caller: Caller | undefined = callerOf(context);
  if (!caller) throw new GraphQLError('the caller could not be established', { extensions: { code: 'UNAUTHENTICATED' } });
  return { caller, expiresAt: expiryOf(credentials) };
}

/** The HTTP status a door refusal carries, 400 when it names none. */
export function statusOf(err: GraphQLError): number {
  return (err.extensions.http as { status?: number } | undefined)?.status ?? 400;
}

/** The policy of a gateway given none: its own origin only (as its CORS handler's default). */
const OWN_ORIGIN_ONLY: CorsPolicy = { origins: [], credentials: false, maxAgeSeconds: 600 };

/**
 * Refuses a WebSocket upgrade from a browser page whose origin the gateway's CORS policy does not
 * admit (its own origin, `CORS_ORIGINS`, loopback pages outside production), with 403 before any
 * WebSocket exists; returns whether it refused. Browsers apply no CORS to WebSockets: without this
 * check a page on any site could open a live connection carrying whatever the browser or a proxy
 * adds by itself (cookies a proxy turns into a token, client certificates). Clients outside a
 * browser send no `Origin` and are not concerned.
 */
export function refuseUpgradeFromOrigin(req: IncomingMessage, socket: Duplex, policy: CorsPolicy = OWN_ORIGIN_ONLY): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || isOriginAllowed(policy, origin, req.headers.host)) return false;
  liveMetrics.refused.inc({ reason: 'origin' });
  const body = JSON.stringify({
    errors: [
      {
        message: `the origin ${preview(origin)} may not open a live connection to this gateway; its operator lists allowed origins in CORS_ORIGINS`,
        extensions: { code: 'FORBIDDEN' },
      },
    ],
  });
  socket.end(
    'HTTP/1.1 403 Forbidden\r\ncontent-type: application/json; charset=utf-8\r\nvary: Origin\r\nconnection: close\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  return true;
}
