import path from 'node:path';
import { StartupError } from '../../platform/listen';
import { CALLER_KEY_ENV, parseCallerKey } from '../../platform/caller-header';
import { DEFAULT_AUDIENCE } from './dev-issuer';
import { parseTrustedProxies } from './client-address';
import { DEFAULT_TOKEN_MAX_LIFETIME_SECONDS } from './jwt';
import { parseCorsPolicy, type CorsPolicy } from './cors';
import { durationMs } from '../../platform/duration';

/** Security settings of a gateway process, from the environment. */
export interface SecurityConfig {
  readonly mode: 'jwt' | 'none';
  /** `OIDC_ISSUER`; absent outside production means: use the development issuer under the data dir. */
  readonly issuer?: string;
  readonly audience: string;
  /** `OIDC_JWKS_URL` (default: `jwks_uri` of the issuer's discovery document). */
  readonly jwksUrl?: string;
  /** `OIDC_JWKS_FILE`: the issuer's key set from a file instead of a URL. */
  readonly jwksFile?: string;
  /** `OIDC_CLIENT_ID`: the explorer's public client at the issuer; the explorer offers sign-in when it is set. */
  readonly clientId?: string;
  /** `OIDC_SCOPES`: what the explorer's sign-in asks for (default `openid profile offline_access`). */
  readonly scopes: string;
  /** `CALLER_SIGNING_KEY`; absent outside production means: generate one under the data dir. */
  readonly callerKey?: string;
  /** `GATEWAY_DATABASE_URL`, else the gateway database next to `DATABASE_URL`'s. */
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  readonly ratePerMinute: number;
  /** `AUTH_FAILURES_PER_MINUTE`: failed authentications one client address may cause per minute (default 30). */
  readonly authFailuresPerMinute: number;
  /** `TRUSTED_PROXIES`: proxies whose `X-Forwarded-For` names the client (addresses, CIDR ranges). */
  readonly trustedProxies: readonly string[];
  /** `TOKEN_MAX_LIFETIME`: the longest lifetime of a user token accepted, in seconds (default 1 day). */
  readonly tokenMaxLifetimeSeconds: number;
  /** `OPS_TOKEN`: the bearer token that opens `/metrics` and the details of `/ready` on the public listener. */
  readonly opsToken?: string;
  /** `CORS_ORIGINS`, `CORS_CREDENTIALS`, `CORS_MAX_AGE`: browser origins allowed besides the gateway's own. */
  readonly cors: CorsPolicy;
  /** `INTROSPECTION`: `on` (the default, in every mode) lets authenticated callers introspect the schema they may use. */
  readonly introspection: boolean;
  readonly dataDir: string;
  readonly production: boolean;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) problems.push(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** Reads a duration such as "3600", "90m", "8h" or "1d" as seconds. */
function duration(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const seconds = (durationMs(raw) ?? 0) / 1000;
  if (!seconds) problems.push(`${name} must be a positive duration such as 3600, 90m, 8h or 1d, got "${raw.slice(0, 40)}"`);
  return seconds;
}

/** Reads `AUTH_MODE`, `OIDC_*` (with `OIDC_CLIENT_ID`, `OIDC_SCOPES`), `CALLER_SIGNING_KEY`, `REDIS_URL`, `RATE_LIMIT_PER_MINUTE`, `AUTH_FAILURES_PER_MINUTE`, `TRUSTED_PROXIES`, `TOKEN_MAX_LIFETIME`, `OPS_TOKEN`, `CORS_*`, `INTROSPECTION`; production without an issuer fails. */
export function loadSecurityConfig(env: NodeJS.ProcessEnv = process.env): SecurityConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const rawMode = env.AUTH_MODE || 'jwt';
  if (rawMode !== 'jwt' && rawMode !== 'none') problems.push(`AUTH_MODE must be "jwt" (the default) or "none", got "${rawMode}"`);
  const mode = rawMode === 'none' ? 'none' : 'jwt';
  const issuer = env.OIDC_ISSUER || undefined;
  if (production && mode === 'jwt' && !issuer) {
    problems.push(
      'OIDC_ISSUER is required in production (the issuer of user tokens; set OIDC_AUDIENCE and OIDC_JWKS_URL too), or set AUTH_MODE=none explicitly',
    );
  }
  if (env.OIDC_JWKS_URL) {
    try {
      new URL(env.OIDC_JWKS_URL);
    } catch {
      problems.push(`OIDC_JWKS_URL must be a URL, got "${env.OIDC_JWKS_URL}"`);
    }
  }
  const callerKey = env[CALLER_KEY_ENV] || undefined;
  if (callerKey) {
    try {
      parseCallerKey(callerKey);
    } catch (err) {
      problems.push((err as Error).message);
    }
  } else if (production) {
    problems.push(
      `${CALLER_KEY_ENV} is required in production: the key the gateway signs caller headers with (the same in every subgraph)`,
    );
  }
  const ratePerMinute = positiveInt(env, 'RATE_LIMIT_PER_MINUTE', 600, problems);
  const authFailuresPerMinute = positiveInt(env, 'AUTH_FAILURES_PER_MINUTE', 30, problems);
  const tokenMaxLifetimeSeconds = duration(env, 'TOKEN_MAX_LIFETIME', DEFAULT_TOKEN_MAX_LIFETIME_SECONDS, problems);
  const proxies = parseTrustedProxies(env.TRUSTED_PROXIES);
  if (!proxies.ok) problems.push(proxies.message);
  const clientId = env.OIDC_CLIENT_ID || undefined;
  if (clientId && !issuer)
    problems.push("OIDC_CLIENT_ID (the explorer's sign-in) needs OIDC_ISSUER: the development issuer has no sign-in page");
  const scopes = (env.OIDC_SCOPES || 'openid profile offline_access').trim().split(/\s+/).join(' ');
  if (clientId && !scopes.split(' ').includes('openid'))
    problems.push(`OIDC_SCOPES must include "openid" (the explorer's sign-in is OpenID Connect), got "${scopes.slice(0, 80)}"`);
  const opsToken = env.OPS_TOKEN || undefined;
  if (opsToken && opsToken.length < 16) problems.push(`OPS_TOKEN must be at least 16 characters (a random secret), got ${opsToken.length}`);
  const cors = parseCorsPolicy(env, production, problems);
  const introspection = env.INTROSPECTION?.trim().toLowerCase() || 'on';
  if (introspection !== 'on' && introspection !== 'off')
    problems.push(`INTROSPECTION must be "on" (the default) or "off", got "${introspection.slice(0, 40)}"`);
  if (problems.length) throw new StartupError(`gateway: ${problems.join('; ')}`);
  return Object.freeze({
    mode,
    issuer,
    audience: env.OIDC_AUDIENCE || DEFAULT_AUDIENCE,
    jwksUrl: env.OIDC_JWKS_URL || undefined,
    jwksFile: env.OIDC_JWKS_FILE || undefined,
    clientId,
    scopes,
    callerKey,
    databaseUrl: env.GATEWAY_DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    ratePerMinute,
    authFailuresPerMinute,
    trustedProxies: Object.freeze(proxies.ok ? [...proxies.proxies] : []),
    tokenMaxLifetimeSeconds,
    opsToken,
    cors,
    introspection: introspection === 'on',
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    production,
  });
}
