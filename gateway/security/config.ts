import path from 'node:path';
import { StartupError } from '../../platform/listen';
import { CALLER_KEY_ENV, parseCallerKey } from '../../platform/caller-header';
import { DEFAULT_AUDIENCE } from './dev-issuer';

/** Security settings of a gateway process, from the environment. */
export interface SecurityConfig {
  readonly mode: 'jwt' | 'none';
  /** `OIDC_ISSUER`; absent outside production means: use the development issuer under the data dir. */
  readonly issuer?: string;
  readonly audience: string;
  /** `OIDC_JWKS_URL` (default `<issuer>/.well-known/jwks.json`). */
  readonly jwksUrl?: string;
  /** `OIDC_JWKS_FILE`: the issuer's key set from a file instead of a URL. */
  readonly jwksFile?: string;
  /** `CALLER_SIGNING_KEY`; absent outside production means: generate one under the data dir. */
  readonly callerKey?: string;
  /** `GATEWAY_DATABASE_URL`, else the gateway database next to `DATABASE_URL`'s. */
  readonly databaseUrl?: string;
  readonly redisUrl?: string;
  readonly ratePerMinute: number;
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

/** Reads `AUTH_MODE`, `OIDC_*`, `CALLER_SIGNING_KEY`, `REDIS_URL`, `RATE_LIMIT_PER_MINUTE`; production without an issuer fails. */
export function loadSecurityConfig(env: NodeJS.ProcessEnv = process.env): SecurityConfig {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const rawMode = env.AUTH_MODE || 'jwt';
  if (rawMode !== 'jwt' && rawMode !== 'none') problems.push(`AUTH_MODE must be "jwt" (the default) or "none", got "${rawMode}"`);
  const mode = rawMode === 'none' ? 'none' : 'jwt';
  const issuer = env.OIDC_ISSUER || undefined;
  if (production && mode === 'jwt' && !issuer) {
    problems.push('OIDC_ISSUER is required in production (the issuer of user tokens; set OIDC_AUDIENCE and OIDC_JWKS_URL too), or set AUTH_MODE=none explicitly');
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
    problems.push(`${CALLER_KEY_ENV} is required in production: the key the gateway signs caller headers with (the same in every subgraph)`);
  }
  const ratePerMinute = positiveInt(env, 'RATE_LIMIT_PER_MINUTE', 600, problems);
  if (problems.length) throw new StartupError(`gateway: ${problems.join('; ')}`);
  return Object.freeze({
    mode,
    issuer,
    audience: env.OIDC_AUDIENCE || DEFAULT_AUDIENCE,
    jwksUrl: env.OIDC_JWKS_URL || (issuer && !env.OIDC_JWKS_FILE ? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json` : undefined),
    jwksFile: env.OIDC_JWKS_FILE || undefined,
    callerKey,
    databaseUrl: env.GATEWAY_DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    ratePerMinute,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    production,
  });
}
