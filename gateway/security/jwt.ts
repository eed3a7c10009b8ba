import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Caller } from '../../platform/caller';
import { setBounded } from '../../platform/bounded-map';

export interface IssuerOptions {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud`. */
  audience: string;
  /**
   * Where the issuer publishes its keys; fetched and cached by jose. Without it (and without
   * `jwks`), the keys are found through the issuer's discovery document (`jwks_uri`).
   */
  jwksUrl?: string;
  /** The issuer's public keys given directly (the development issuer, an offline key set). */
  jwks?: { keys: JWK[] };
  /**
   * Longest lifetime a token may have, from `iat` (or from now, without `iat`) to `exp`, in seconds.
   * @default 86_400 (`TOKEN_MAX_LIFETIME`)
   */
  maxLifetimeSeconds?: number;
}

/** The longest token lifetime accepted unless configured otherwise: one day. */
export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 86_400;

/** A verified caller, or why not; `status` 503 when the issuer's keys cannot be fetched (the token may be fine). */
export type TokenResult = { ok: true; caller: Caller } | { ok: false; message: string; status?: number };

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}

/** The caller a token stands for, or why the token cannot stand for one. */
export type ClaimsResult = { ok: true; caller: Caller } | { ok: false; message: string };

/** A short, printable picture of a claim value for error messages: never more than a prefix of it. */
function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'string' ? 'a string' : `a ${typeof value}`;
  return `${kind} (${text.length > 40 ? `${text.slice(0, 40)}…` : text})`;
}

/**
 * A binding claim (`supplier_id`, `customer_id`) must be a non-empty string when present: an
 * array, a number or "" would otherwise drop the binding and leave an unbound internal user.
 */
function bindingClaim(payload: JWTPayload, name: string): { ok: true; value?: string } | { ok: false; message: string } {
  if (!(name in payload) || payload[name] === undefined) return { ok: true };
  const value = payload[name];
  if (typeof value === 'string' && value.trim() !== '') return { ok: true, value };
  return {
    ok: false,
    message: `the token was rejected: claim "${name}" must be one non-empty string (one ${name === 'supplier_id' ? 'supplier' : 'customer'}), got ${describeValue(value)}`,
  };
}

/** Maps the claims of a verified token onto a caller: `sub`, `roles`, `scope`/`scp`, `supplier_id`, `customer_id`. */
export function callerFromClaims(payload: JWTPayload): ClaimsResult {
  if (typeof payload.sub !== 'string' || payload.sub.trim() === '') {
    return {
      ok: false,
      message: `the token was rejected: claim "sub" must name the user as a non-empty string, got ${payload.sub === undefined ? 'nothing' : describeValue(payload.sub)}`,
    };
  }
  const supplier = bindingClaim(payload, 'supplier_id');
  if (!supplier.ok) return supplier;
  const customer = bindingClaim(payload, 'customer_id');
  if (!customer.ok) return customer;
  const realmRoles = (payload.realm_access as { roles?: unknown } | undefined)?.roles;
  return {
    ok: true,
    caller: Object.freeze({
      subject: payload.sub,
      kind: 'user' as const,
      roles: Object.freeze([...new Set([...stringList(payload.roles), ...stringList(realmRoles)])]),
      scopes: Object.freeze([...new Set([...stringList(payload.scope), ...stringList(payload.scp)])]),
      ...(supplier.value ? { supplierId: supplier.value } : {}),
      ...(customer.value ? { customerId: customer.value } : {}),
    }),
  };
}

/** Checks that a token expires, and not later than the longest lifetime allowed. */
function lifetimeProblem(payload: JWTPayload, maxLifetimeSeconds: number): string | undefined {
  if (typeof payload.exp !== 'number') return 'the token was rejected: claim "exp" is missing; tokens must expire';
  const from = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000);
  const lifetime = payload.exp - from;
  if (lifetime > maxLifetimeSeconds) {
    return `the token was rejected: it lives ${lifetime} s (iat to exp), longer than the ${maxLifetimeSeconds} s this gateway accepts (TOKEN_MAX_LIFETIME)`;
  }
  return undefined;
}

/** The issuer's discovery document, as OpenID Connect Discovery 1.0 names it. */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/** Raised when the issuer's discovery document cannot be read or names no key set. */
class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
}

/**
 * The issuer's keys through its discovery document: `jwks_uri` read on first use and kept; a
 * failed read is tried again on the next token. An issuer without a discovery document (404)
 * publishes its keys at the conventional `/.well-known/jwks.json`.
 */
function discoveredKeys(issuer: string, timeoutMs = 5_000): JWTVerifyGetKey {
  let remote: Promise<JWTVerifyGetKey> | undefined;
  const load = async (): Promise<JWTVerifyGetKey> => {
    const url = discoveryUrl(issuer);
    const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (response.status === 404) return createRemoteJWKSet(new URL(`${issuer.replace(/\/$/, '')}/.well-known/jwks.json`));
    if (!response.ok) throw new DiscoveryError(`the discovery document at ${url} answered HTTP ${response.status}`);
    const document = (await response.json()) as { jwks_uri?: unknown };
    if (typeof document.jwks_uri !== 'string') throw new DiscoveryError(`the discovery document at ${url} names no jwks_uri`);
    return createRemoteJWKSet(new URL(document.jwks_uri));
  };
  return async (header, token) => {
    remote ??= load().catch((err: unknown) => {
      remote = undefined;
      throw err;
    });
    return (await remote)(header, token);
  };
}

/** Verifies bearer tokens against the issuer's key set, issuer and audience. */
export function createTokenVerifier(options: IssuerOptions): (token: string) => Promise<TokenResult> {
  let keys: JWTVerifyGetKey;
  if (options.jwks) keys = createLocalJWKSet(options.jwks);
  else if (options.jwksUrl) keys = createRemoteJWKSet(new URL(options.jwksUrl));
  else keys = discoveredKeys(options.issuer);
  // A token is immutable: once its signature checks out, it stands for the same caller until it
  // expires, so a client sending it on every request pays for one signature check, not one each.
  const verified = new Map<string, { caller: Caller; exp: number }>();
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_TOKEN_MAX_LIFETIME_SECONDS;
  return async (token) => {
    const known = verified.get(token);
    if (known && known.exp > Date.now() / 1000) return { ok: true, caller: known.caller };
    if (known) verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, keys, { issuer: options.issuer, audience: options.audience, clockTolerance: 5 });
      const tooLong = lifetimeProblem(payload, maxLifetime);
      if (tooLong) return { ok: false, message: tooLong };
      const claims = callerFromClaims(payload);
      if (!claims.ok) return claims;
      setBounded(verified, token, { caller: claims.caller, exp: payload.exp! }, 10_000);
      return claims;
    } catch (err) {
      if (err instanceof errors.JWTExpired) {
        const exp = typeof err.payload.exp === 'number' ? new Date(err.payload.exp * 1000).toISOString() : 'an earlier time';
        return { ok: false, message: `the token has expired (at ${exp}); get a new one` };
      }
      if (err instanceof errors.JWTClaimValidationFailed) {
        return {
          ok: false,
          message: `the token was rejected: claim "${err.claim}" ${err.reason === 'check_failed' ? 'does not match' : 'is missing'} (expected issuer ${options.issuer}, audience ${options.audience})`,
        };
      }
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed) {
        return { ok: false, message: 'the token signature is not valid for this issuer' };
      }
      if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError)) {
        return {
          ok: false,
          status: 503,
          message: `cannot verify tokens now: the issuer's keys${options.jwksUrl ? ` at ${options.jwksUrl}` : options.jwks ? '' : ` (through ${discoveryUrl(options.issuer)})`} are unreachable`,
        };
      }
      return { ok: false, message: `the token is not valid: ${err.message}` };
    }
  };
}
