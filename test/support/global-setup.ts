import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { assertReachable } from '../../platform/db/database';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../platform/db/embedded';
import { generateCallerKey } from '../../platform/caller-header';
import { writeFileSync } from 'node:fs';
import { loadDevIssuer } from '../../gateway/security/dev-issuer';
import { freePortBlock } from '../../platform/ports';

declare global {
  var __plantgraphTestPostgres: EmbeddedPostgres | undefined;
}

/** With REDIS_URL set the suite needs that Redis: fail rather than skip when it does not answer. */
async function assertRedisReachable(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`test suite (REDIS_URL): cannot reach Redis at ${url}: ${(err as Error).message}`, { cause: err });
  } finally {
    redis.disconnect();
  }
}

/**
 * The suite's PostgreSQL: the server named by DATABASE_URL when it is set (it must be reachable:
 * the suite fails rather than skips), otherwise a throw-away embedded PostgreSQL.
 */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  // Tests that build an ApolloGateway of their own must not report usage off the machine either.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  await setUpTestSecurity();
  if (process.env.REDIS_URL) await assertRedisReachable(process.env.REDIS_URL);
  if (process.env.DATABASE_URL) {
    await assertReachable(process.env.DATABASE_URL, 'test suite (DATABASE_URL)');
    process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
    process.stdout.write(`\ntests run against PostgreSQL at DATABASE_URL\n`);
    return;
  }
  const parent = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-test-'));
  chmodSync(parent, 0o755); // PostgreSQL runs as its own user when the suite runs as root
  const dataDir = path.join(parent, 'pg');
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePortBlock([0]), ephemeral: true });
  globalThis.__plantgraphTestPostgres = pg;
  process.env.TEST_DATABASE_URL = pg.url;
  process.env.TEST_EMBEDDED_DATA_DIR = dataDir;
  process.stdout.write(`\ntests run against an embedded PostgreSQL (pid ${pg.pid})\n`);
}

/**
 * Authentication stays on in tests: a throw-away issuer (whose public keys every gateway reads
 * from OIDC_JWKS_FILE) and a caller signing key shared by the suite's gateways and subgraphs.
 * test/support/stack.ts mints tokens from the same issuer.
 */
async function setUpTestSecurity(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-test-issuer-'));
  const issuer = await loadDevIssuer(dir, { issuer: 'urn:plantgraph:test-issuer', audience: 'plantgraph' });
  const jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify(issuer.jwks));
  process.env.PLANTGRAPH_TEST_ISSUER_DIR = dir;
  process.env.OIDC_ISSUER = issuer.issuer;
  process.env.OIDC_AUDIENCE = issuer.audience;
  process.env.OIDC_JWKS_FILE = jwksFile;
  process.env.CALLER_SIGNING_KEY = generateCallerKey();
  // Gateways built from the environment open /metrics and the details of /ready to this token.
  process.env.OPS_TOKEN = randomBytes(24).toString('hex');
}
