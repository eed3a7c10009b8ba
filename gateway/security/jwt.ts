import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Caller } from '../../platform/caller';
import { setBounded } from '../../platform/bounded-map';

export interface IssuerOptions {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud`. */
  audience: string;
  /** Where the issuer publishes its keys; fetched and cached by jose. */
  jwksUrl?: string;
  /** The issuer's public keys given directly (the development issuer, an offline key set). */
  jwks?: { keys: JWK[] };
}

/** A verified caller, or why not; `status` 503 when the issuer's keys cannot be fetched (the token may be fine). */
export type TokenResult = { ok: true; caller: Caller } | { ok: false; message: string; status?: number };

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}

/** Maps the claims of a verified token onto a caller: `roles`, `scope`/`scp`, `supplier_id`, `customer_id`. */
export function callerFromClaims(payload: JWTPayload): Caller {
  const realmRoles = (payload.realm_access as { roles?: unknown } | undefined)?.roles;
  const supplierId = typeof payload.supplier_id === 'string' ? payload.supplier_id : undefined;
  const customerId = typeof payload.customer_id === 'string' ? payload.customer_id : undefined;
  return Object.freeze({
    subject: payload.sub ?? 'unknown',
    kind: 'user' as const,
    roles: Object.freeze([...new Set([...stringList(payload.roles), ...stringList(realmRoles)])]),
    scopes: Object.freeze([...new Set([...stringList(payload.scope), ...stringList(payload.scp)])]),
    ...(supplierId ? { supplierId } : {}),
    ...(customerId ? { customerId } : {}),
  });
}

/** Verifies bearer tokens against the issuer's key set, issuer and audience. */
export function createTokenVerifier(options: IssuerOptions): (token: string) => Promise<TokenResult> {
  let keys: JWTVerifyGetKey;
  if (options.jwks) keys = createLocalJWKSet(options.jwks);
  else if (options.jwksUrl) keys = createRemoteJWKSet(new URL(options.jwksUrl));
  else throw new Error('an issuer needs jwksUrl or jwks');
  // A token is immutable: once its signature checks out, it stands for the same caller until it
  // expires, so a client sending it on every request pays for one signature check, not one each.
  const verified = new Map<string, { caller: Caller; exp: number }>();
  return async (token) => {
    const known = verified.get(token);
    if (known && known.exp > Date.now() / 1000) return { ok: true, caller: known.caller };
    if (known) verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, keys, { issuer: options.issuer, audience: options.audience, clockTolerance: 5 });
      const caller = callerFromClaims(payload);
      if (typeof payload.exp === 'number') {
        setBounded(verified, token, { caller, exp: payload.exp }, 10_000);
      }
      return { ok: true, caller };
    } catch (err) {
      if (err instanceof errors.JWTExpired) {
        const exp = typeof err.payload.exp === 'number' ? new Date(err.payload.exp * 1000).toISOString() : 'an earlier time';
        return { ok: false, message: `the token has expired (at ${exp}); get a new one` };
      }
      if (err instanceof errors.JWTClaimValidationFailed) {
        return { ok: false, message: `the token was rejected: claim "${err.claim}" ${err.reason === 'check_failed' ? 'does not match' : 'is missing'} (expected issuer ${options.issuer}, audience ${options.audience})` };
      }
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed) {
        return { ok: false, message: 'the token signature is not valid for this issuer' };
      }
      if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError)) {
        return { ok: false, status: 503, message: `cannot verify tokens now: the issuer's keys${options.jwksUrl ? ` at ${options.jwksUrl}` : ''} are unreachable` };
      }
      return { ok: false, message: `the token is not valid: ${err.message}` };
    }
  };
}
