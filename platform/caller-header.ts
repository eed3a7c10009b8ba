import { createHmac, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';
import type { Caller } from './caller';

/** The header in which the gateway vouches for the caller of a subgraph request. */
export const CALLER_HEADER = 'x-plantgraph-caller';

/** Environment variable naming the shared signing key (at least 32 bytes, hex or base64). */
export const CALLER_KEY_ENV = 'CALLER_SIGNING_KEY';

const VERSION = 'v1';
/** Audience of the headers the gateway sends to subgraphs. */
export const SUBGRAPH_AUDIENCE = 'plantgraph-subgraphs';
/** Audience of service tokens a process presents to the gateway (`Authorization: Service …`). */
export const GATEWAY_AUDIENCE = 'plantgraph-gateway';
const MIN_KEY_BYTES = 32;

interface Payload {
  sub: string;
  kind: Caller['kind'];
  roles: readonly string[];
  scopes: readonly string[];
  sup?: string;
  cus?: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
}

/**
 * The rights a signed header grants, as a canonical string: kind, roles, scopes, partner binding and
 * audience, not the subject, the times or the nonce. Two requests whose headers give the same
 * rights have the same answer (the rule in caller.ts). The signature is not checked: this reads a
 * header the gateway itself just signed. A value that is not such a header is its own key, so
 * only byte-identical values compare equal; no header at all is ''.
 */
export function callerRightsOfHeader(header: string | undefined): string {
  if (!header) return '';
  const payload = header.split('.')[1];
  if (!payload) return header;
  try {
    const { kind, roles, scopes, sup, cus, aud } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<Payload>;
    const sorted = (list: readonly string[] | undefined) => (Array.isArray(list) ? [...list].sort() : null);
    return JSON.stringify([kind, sorted(roles), sorted(scopes), sup ?? null, cus ?? null, aud]);
  } catch {
    return header;
  }
}

export type VerifyResult = { ok: true; caller: Caller } | { ok: false; reason: string };

/** Generates a fresh signing key, hex-encoded. */
export function generateCallerKey(): string {
  return randomBytes(32).toString('hex');
}

/** Decodes a key given as hex or base64; throws when it is too short to be safe. */
export function parseCallerKey(raw: string): Buffer {
  const key = /^[0-9a-f]+$/i.test(raw) && raw.length % 2 === 0 ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(`${CALLER_KEY_ENV} must hold at least ${MIN_KEY_BYTES} random bytes (hex or base64), got ${key.length}`);
  }
  return key;
}

/** The key from `CALLER_SIGNING_KEY`, or undefined when it is not set. */
export function callerKeyFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[CALLER_KEY_ENV] || undefined;
}

const NONCE_BYTES = 12;
// Nonces are cut from a buffer of random bytes refilled when used up: one call to the system's
// generator per 256 headers instead of one per header (about 4 µs each), same randomness.
const noncePool = Buffer.alloc(NONCE_BYTES * 256);
let nonceOffset = noncePool.length;

function nonce(): string {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const value = noncePool.toString('base64url', nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return value;
}

function mac(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('base64url');
}

export interface SignOptions {
  /**
   * How long the header stays valid; short, because it only has to cross one hop.
   * @default 30
   */
  ttlSeconds?: number;
  /**
   * Who may accept the header.
   * @default SUBGRAPH_AUDIENCE
   */
  audience?: string;
  /** Clock in milliseconds (tests). */
  now?: number;
}

/** Signs a caller into a header value: HMAC-SHA256 over the claims, an expiry and a one-time nonce. */
export function signCaller(caller: Caller, key: string | Buffer, options: SignOptions = {}): string {
  const secret = typeof key === 'string' ? parseCallerKey(key) : key;
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: Payload = {
    sub: caller.subject,
    kind: caller.kind,
    roles: caller.roles,
    scopes: caller.scopes,
    ...(caller.supplierId ? { sup: caller.supplierId } : {}),
    ...(caller.customerId ? { cus: caller.customerId } : {}),
    aud: options.audience ?? SUBGRAPH_AUDIENCE,
    iat,
    exp: iat + (options.ttlSeconds ?? 30),
    jti: nonce(),
  };
  const body = `${VERSION}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${body}.${mac(secret, body)}`;
}

export interface CallerVerifierOptions {
  key: string | Buffer;
  /**
   * The audience this verifier accepts.
   * @default SUBGRAPH_AUDIENCE
   */
  audience?: string;
  /** Clock in milliseconds (tests). */
  now?: () => number;
  /**
   * Tolerated clock difference between gateway and subgraph.
   * @default 5
   */
  clockSkewSeconds?: number;
}

/**
 * A verifier for caller headers. It remembers every nonce until its header expires, so a header
 * captured on the wire cannot be sent a second time to this process.
 */
export function createCallerVerifier(options: CallerVerifierOptions): (header: string | undefined) => VerifyResult {
  const secret = typeof options.key === 'string' ? parseCallerKey(options.key) : options.key;
  const now = options.now ?? Date.now;
  const skew = options.clockSkewSeconds ?? 5;
  const audience = options.audience ?? SUBGRAPH_AUDIENCE;
  const seen = new Map<string, number>();
  let nextSweep = 0;

  return (header) => {
    if (!header) return { ok: false, reason: `missing ${CALLER_HEADER} header: subgraphs answer only requests signed by the gateway` };
    const parts = header.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) return { ok: false, reason: `malformed ${CALLER_HEADER} header` };
    const body = `${parts[0]}.${parts[1]}`;
    const expected = Buffer.from(mac(secret, body));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, reason: `invalid signature in ${CALLER_HEADER} header` };
    }
    let payload: Payload;
    try {
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Payload;
    } catch {
      return { ok: false, reason: `malformed ${CALLER_HEADER} header` };
    }
    const seconds = Math.floor(now() / 1000);
    if (payload.aud !== audience) return { ok: false, reason: `${CALLER_HEADER} header is meant for another audience` };
    if (typeof payload.exp !== 'number' || payload.exp + skew < seconds) return { ok: false, reason: `${CALLER_HEADER} header has expired` };
    if (typeof payload.iat !== 'number' || payload.iat - skew > seconds) return { ok: false, reason: `${CALLER_HEADER} header is issued in the future` };
    if (seconds >= nextSweep) {
      for (const [jti, exp] of seen) if (exp + skew < seconds) seen.delete(jti);
      nextSweep = seconds + 10;
    }
    if (seen.has(payload.jti)) return { ok: false, reason: `${CALLER_HEADER} header was already used (replay)` };
    seen.set(payload.jti, payload.exp);
    const caller: Caller = Object.freeze({
      subject: payload.sub,
      kind: payload.kind,
      roles: Object.freeze([...payload.roles]),
      scopes: Object.freeze([...payload.scopes]),
      ...(payload.sup ? { supplierId: payload.sup } : {}),
      ...(payload.cus ? { customerId: payload.cus } : {}),
    });
    return { ok: true, caller };
  };
}

/** A caller for a process acting on its own behalf (the outbox relay, a scheduled job). */
export function serviceCaller(name: string, roles: readonly string[] = ['service'], scopes: readonly string[] = []): Caller {
  return Object.freeze({ subject: `service:${name}`, kind: 'service', roles, scopes });
}

/**
 * The `Authorization` value a process presents to the gateway to act as a service (the outbox
 * relay): `Service <token>`, signed with the shared `CALLER_SIGNING_KEY`, valid for one request.
 * Mint a fresh one for every request: the gateway refuses a token it has already seen.
 */
export function serviceAuthorization(name: string, key: string | Buffer, roles: readonly string[] = ['service']): string {
  return `Service ${signCaller(serviceCaller(name, roles), key, { audience: GATEWAY_AUDIENCE, ttlSeconds: 60 })}`;
}
