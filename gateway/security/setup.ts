import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../platform/logger';
import { generateCallerKey } from '../../platform/caller-header';
import type { SecurityConfig } from './config';
import { loadDevIssuer, type DevIssuer } from './dev-issuer';
import type { GatewaySecurityOptions } from './index';
import { openGatewayDatabase } from './partners/store';

/** The signing key kept under the data dir for development, created on first use. */
export function devCallerKey(dataDir: string): string {
  const file = path.join(dataDir, 'caller-signing.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = generateCallerKey();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** Where the development issuer keeps its key. */
export function devIssuerDir(dataDir: string): string {
  return path.join(dataDir, 'issuer');
}

export interface ResolvedSecurity {
  readonly options: GatewaySecurityOptions;
  /** The development issuer, when no `OIDC_ISSUER` is configured (never in production). */
  readonly devIssuer?: DevIssuer;
}

/** Turns the configuration into the gateway's security options: issuer keys, signing key, partner database. */
export async function resolveSecurity(
  config: SecurityConfig,
  logger: Logger,
  extra: { partnerDatabaseUrl?: string } = {},
): Promise<ResolvedSecurity> {
  let devIssuer: DevIssuer | undefined;
  let issuer: GatewaySecurityOptions['issuer'];
  if (config.mode === 'jwt') {
    if (config.issuer) {
      const jwks = config.jwksFile
        ? (JSON.parse(readFileSync(config.jwksFile, 'utf8')) as NonNullable<GatewaySecurityOptions['publishJwks']>)
        : undefined;
      issuer = {
        issuer: config.issuer,
        audience: config.audience,
        jwksUrl: config.jwksUrl,
        jwks,
        maxLifetimeSeconds: config.tokenMaxLifetimeSeconds,
      };
    } else {
      devIssuer = await loadDevIssuer(devIssuerDir(config.dataDir), { audience: config.audience });
      issuer = {
        issuer: devIssuer.issuer,
        audience: devIssuer.audience,
        jwks: devIssuer.jwks,
        maxLifetimeSeconds: config.tokenMaxLifetimeSeconds,
      };
      logger.info({ issuer: devIssuer.issuer }, 'using the local development issuer (set OIDC_ISSUER in production)');
    }
  }
  const callerKey = config.callerKey ?? devCallerKey(config.dataDir);
  const databaseUrl = config.databaseUrl ?? extra.partnerDatabaseUrl;
  const partnerDatabase = databaseUrl ? await openGatewayDatabase(databaseUrl) : undefined;
  if (!partnerDatabase) logger.warn('no gateway database (GATEWAY_DATABASE_URL or DATABASE_URL): partner API keys are refused');
  return {
    devIssuer,
    options: {
      mode: config.mode,
      issuer,
      publishJwks: devIssuer?.jwks,
      callerKey,
      partnerDatabase,
      hideSchemaDetails: config.production,
      rateLimit: {
        perMinute: config.ratePerMinute,
        redisUrl: config.redisUrl,
        authFailuresPerMinute: config.authFailuresPerMinute,
        trustedProxies: config.trustedProxies,
      },
      opsToken: config.opsToken,
      cors: config.cors,
      introspection: config.introspection,
    },
  };
}
