import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/** The local development issuer: `npm start` and `plantgraph token` share its key under the data dir. */
export const DEV_ISSUER = 'urn:plantgraph:dev-issuer';
/** The audience of every token the gateway accepts unless `OIDC_AUDIENCE` says otherwise. */
export const DEFAULT_AUDIENCE = 'plantgraph';

export interface TokenRequest {
  roles?: readonly string[];
  scopes?: readonly string[];
  subject?: string;
  supplierId?: string;
  customerId?: string;
  /**
   * Lifetime, as jose reads it ("8h", "15m") or seconds.
   * @default '8h'
   */
  expiresIn?: string | number;
}

export interface DevIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The public keys, as served at `/.well-known/jwks.json`. */
  readonly jwks: { keys: JWK[] };
  mint(request: TokenRequest): Promise<string>;
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Loads the development issuer's key from `dir`, creating it (readable by its owner only) on first use. */
export async function loadDevIssuer(dir: string, options: { issuer?: string; audience?: string } = {}): Promise<DevIssuer> {
  const file = path.join(dir, 'issuer-key.json');
  let stored: StoredKey;
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  } else {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `dev-${Date.now().toString(36)}`;
    stored = {
      kid,
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    };
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const privateKey = await importJWK(stored.privateJwk, 'ES256');
  const issuer = options.issuer ?? DEV_ISSUER;
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  return {
    issuer,
    audience,
    jwks: { keys: [stored.publicJwk] },
    async mint(request) {
      const claims: Record<string, unknown> = { roles: [...(request.roles ?? [])] };
      if (request.scopes?.length) claims.scope = request.scopes.join(' ');
      if (request.supplierId) claims.supplier_id = request.supplierId;
      if (request.customerId) claims.customer_id = request.customerId;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: stored.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(request.subject ?? `dev:${(request.roles ?? ['user']).join('+') || 'user'}`)
        .setIssuedAt()
        .setExpirationTime(request.expiresIn ?? '8h')
        .sign(privateKey);
    },
  };
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a `Host` header names this machine's loopback (`localhost`, `127.0.0.1`, `[::1]`, with or without a port). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return LOOPBACK_NAMES.has(name);
}

function isLoopbackAddress(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * The explorer page's headers under `npm start`: a development admin token, for a browser on this
 * machine only. A page reached under another name (DNS rebinding: evil.example resolving to
 * 127.0.0.1) or from another machine gets none, and so does production.
 */
export function devTokenHeaders(
  issuer: DevIssuer,
  options: { production: boolean },
): (req: IncomingMessage) => Promise<Record<string, string>> {
  return async (req): Promise<Record<string, string>> => {
    if (options.production || !isLoopbackHost(req.headers.host) || !isLoopbackAddress(req.socket.remoteAddress)) return {};
    return { authorization: `Bearer ${await issuer.mint({ roles: ['admin'], subject: 'dev:explorer' })}` };
  };
}
