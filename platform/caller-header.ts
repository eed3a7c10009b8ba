import { createHash, createHmac, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';
import type { Caller } from './caller';
import { memoryNonceStore, type NonceStore } from './nonce-store';

/** The header in which the gateway vouches for the caller of a subgraph request. */
export const CALLER_HEADER = 'x-plantgraph-caller';

/** Environment variable naming the shared signing key (at least 32 bytes, hex or base64). */
export const CALLER_KEY_ENV = 'CALLER_SIGNING_KEY';

// v2.<claims>.<ticket>.<mac>: the claims say who calls and for whom the header is meant; the
// ticket says when, once (nonce) and for which request body; the MAC covers both.
const VERSION = 'v2';
/** Audience of headers signed without a named target; no subgraph accepts it (each accepts its own system name). */
export const SUBGRAPH_AUDIENCE = 'plantgraph-subgraphs';
/** Audience of service tokens a process presents to the gateway (`Authorization: Service …`). */
export const GATEWAY_AUDIENCE = 'plantgraph-gateway';
const MIN_KEY_BYTES = 32;
/** How long a sealed subgraph header stays valid: it only has to cross one hop. */
export const SEALED_TTL_SECONDS = 10;

interface Claims {
  sub: string;
  kind: Caller['kind'];
  roles: readonly string[];
  scopes: readonly string[];
  sup?: string;
  cus?: string;
  aud: string;
}

interface Ticket {
  iat: number;
  exp: number;
  jti: string;
  /** SHA-256 of the request content the header was sealed for (base64url). */
  bdy?: string;
}

/**
 * The rights a header grants, as a canonical string: kind, roles, scopes, partner binding and
 * audience, not the subject, the times, the nonce or the body. Two requests whose headers give the
 * same rights have the same answer (the rule in caller.ts). The signature is not checked: this
 * reads a header the gateway itself just made, sealed or not. A value that is not such a header
 * is its own key, so only byte-identical values compare equal; no header at all is ''.
 */
export function callerRightsOfHeader(header: string | undefined): string {
  if (!header) return '';
  const claims = header.split('.')[1];
  if (!claims) return header;
  try {
    const { kind, roles, scopes, sup, cus, aud } = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Partial<Claims>;
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

/** The digest a header carries of the request content it was sealed for. */
export function contentDigest(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('base64url');
}

function asKey(key: string | Buffer): Buffer {
  return typeof key === 'string' ? parseCallerKey(key) : key;
}

/**
 * The claims part of a header, unsealed (`v2.<claims>`): who calls and which system the header is
 * for. The gateway sets it before a subgraph fetch and seals it at the last step before the wire,
 * once the body is final (`sealCaller`); no subgraph accepts it unsealed.
 */
export function callerClaims(caller: Caller, audience: string): string {
  const claims: Claims = {
    sub: caller.subject,
    kind: caller.kind,
    roles: caller.roles,
    scopes: caller.scopes,
    ...(caller.supplierId ? { sup: caller.supplierId } : {}),
    ...(caller.customerId ? { cus: caller.customerId } : {}),
    aud: audience,
  };
  return `${VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
}

/** Whether a header value is claims still to be sealed (`callerClaims`). */
export function isUnsealed(header: string): boolean {
  return header.startsWith(`${VERSION}.`) && header.indexOf('.', VERSION.length + 1) === -1;
}

export interface SealOptions {
  /**
   * How long the header stays valid.
   * @default SEALED_TTL_SECONDS (10)
   */
  ttlSeconds?: number;
  /** Clock in milliseconds (tests). */
  now?: number;
}

/**
 * Seals unsealed claims into a header for one request: the time it was issued, an expiry, a
 * one-time nonce and, when `content` is given, the SHA-256 of the request body, all under one
 * HMAC-SHA256. `claims` must come from `callerClaims`.
 */
export function sealCaller(claims: string, content: string | Buffer | undefined, key: string | Buffer, options: SealOptions = {}): string {
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const ticket: Ticket = { iat, exp: iat + (options.ttlSeconds ?? SEALED_TTL_SECONDS), jti: nonce() };
  if (content !== undefined) ticket.bdy = contentDigest(content);
  const signed = `${claims}.${Buffer.from(JSON.stringify(ticket)).toString('base64url')}`;
  return `${signed}.${mac(asKey(key), signed)}`;
}

export interface SignOptions extends SealOptions {
  /**
   * Who may accept the header: a subgraph accepts only its own system name.
   * @default SUBGRAPH_AUDIENCE
   */
  audience?: string;
  /** The request body the header is for; a subgraph refuses a header sealed for another body (or none). */
  body?: string | Buffer;
}

/** Signs a caller into a header value in one step (`callerClaims`, then `sealCaller`). */
export function signCaller(caller: Caller, key: string | Buffer, options: SignOptions = {}): string {
  return sealCaller(callerClaims(caller, options.audience ?? SUBGRAPH_AUDIENCE), options.body, key, {
    ...options,
    ttlSeconds: options.ttlSeconds ?? 30,
  });
}

export interface CheckOptions {
  /** The audience accepted: a subgraph's system name, or GATEWAY_AUDIENCE. */
  audience: string;
  /** The request content received; when given, the header must carry its digest. */
  content?: string | Buffer;
  /** Clock in milliseconds. */
  now: number;
  /** Tolerated clock difference between signer and verifier, in seconds. */
  clockSkewSeconds: number;
}

export type CheckResult = { ok: true; caller: Caller; nonce: string; expiresAtMs: number } | { ok: false; reason: string };

const short = (value: unknown) => JSON.stringify(String(value).slice(0, 40));

/** Checks a header's signature, audience, window and body digest; not its nonce (the verifiers do). */
export function checkCallerHeader(header: string | undefined, key: Buffer, options: CheckOptions): CheckResult {
  if (!header) return { ok: false, reason: `missing ${CALLER_HEADER} header: subgraphs answer only requests signed by the gateway` };
  const parts = header.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    return {
      ok: false,
      reason: `malformed ${CALLER_HEADER} header: expected ${VERSION}.<claims>.<ticket>.<signature>, got ${parts.length} parts starting ${short(parts[0])}`,
    };
  }
  const signed = `${parts[0]}.${parts[1]}.${parts[2]}`;
  const expected = Buffer.from(mac(key, signed));
  const given = Buffer.from(parts[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: `invalid signature in ${CALLER_HEADER} header` };
  }
  let claims: Claims;
  let ticket: Ticket;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Claims;
    ticket = JSON.parse(Buffer.from(parts[2]!, 'base64url').toString('utf8')) as Ticket;
  } catch {
    return { ok: false, reason: `malformed ${CALLER_HEADER} header: its claims or ticket are not JSON` };
  }
  const seconds = Math.floor(options.now / 1000);
  const skew = options.clockSkewSeconds;
  if (claims.aud !== options.audience) {
    return {
      ok: false,
      reason: `${CALLER_HEADER} header is meant for another audience: expected ${short(options.audience)}, got ${short(claims.aud)}`,
    };
  }
  if (typeof ticket.exp !== 'number' || ticket.exp + skew < seconds) return { ok: false, reason: `${CALLER_HEADER} header has expired` };
  if (typeof ticket.iat !== 'number' || ticket.iat - skew > seconds)
    return { ok: false, reason: `${CALLER_HEADER} header is issued in the future` };
  if (options.content !== undefined) {
    if (!ticket.bdy)
      return {
        ok: false,
        reason: `${CALLER_HEADER} header is not bound to a request body: the gateway seals each header over the body it sends`,
      };
    if (ticket.bdy !== contentDigest(options.content))
      return { ok: false, reason: `${CALLER_HEADER} header was signed for another request body` };
  }
  if (typeof ticket.jti !== 'string' || !ticket.jti) return { ok: false, reason: `malformed ${CALLER_HEADER} header: no nonce` };
  const caller: Caller = Object.freeze({
    subject: claims.sub,
    kind: claims.kind,
    roles: Object.freeze([...claims.roles]),
    scopes: Object.freeze([...claims.scopes]),
    ...(claims.sup ? { supplierId: claims.sup } : {}),
    ...(claims.cus ? { customerId: claims.cus } : {}),
  });
  return { ok: true, caller, nonce: ticket.jti, expiresAtMs: (ticket.exp + skew) * 1000 };
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
   * Tolerated clock difference between signer and verifier.
   * @default 5
   */
  clockSkewSeconds?: number;
}

const replayed = (): VerifyResult => ({ ok: false, reason: `${CALLER_HEADER} header was already used (replay)` });

/**
 * A verifier that remembers nonces in this process (the gateway's check of service tokens). When
 * `content` is given the header must have been sealed over it.
 */
export function createCallerVerifier(
  options: CallerVerifierOptions,
): (header: string | undefined, content?: string | Buffer) => VerifyResult {
  const secret = asKey(options.key);
  const now = options.now ?? Date.now;
  const audience = options.audience ?? SUBGRAPH_AUDIENCE;
  const clockSkewSeconds = options.clockSkewSeconds ?? 5;
  const nonces = memoryNonceStore(now);
  return (header, content) => {
    const checked = checkCallerHeader(header, secret, { audience, content, now: now(), clockSkewSeconds });
    if (!checked.ok) return checked;
    return nonces.claimNow(checked.nonce, checked.expiresAtMs) ? { ok: true, caller: checked.caller } : replayed();
  };
}

export interface RequestCallerVerifierOptions extends CallerVerifierOptions {
  /** The system this process is: the only audience it accepts. */
  audience: string;
  /** Where nonces are remembered, shared by the system's replicas. */
  nonces: NonceStore;
}

/**
 * A subgraph's verifier: the header must name this system, be sealed over the request content
 * received, be inside its window and carry a nonce no replica has seen. Rejects only when the
 * nonce store cannot be reached.
 */
export function createRequestCallerVerifier(
  options: RequestCallerVerifierOptions,
): (header: string | undefined, content: string | Buffer) => Promise<VerifyResult> {
  const secret = asKey(options.key);
  const now = options.now ?? Date.now;
  const clockSkewSeconds = options.clockSkewSeconds ?? 5;
  return async (header, content) => {
    const checked = checkCallerHeader(header, secret, { audience: options.audience, content, now: now(), clockSkewSeconds });
    if (!checked.ok) return checked;
    return (await options.nonces.claim(checked.nonce, checked.expiresAtMs)) ? { ok: true, caller: checked.caller } : replayed();
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
