import { parseDurationSetting } from '../../platform/duration';
import { StartupError } from '../../platform/listen';
import { systemPort, type SystemName } from '../../platform/systems';

export interface SubgraphConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** The gateway the system's outbox relay delivers commands through (`GATEWAY_URL`). */
  readonly gatewayUrl?: string;
  /** Redis shared by the system's replicas, where nonces of accepted caller headers are kept (`REDIS_URL`); process memory without it. */
  readonly redisUrl?: string;
  /** How long an applied idempotency key is kept (`IDEMPOTENCY_RETENTION`, default `7d`): a repeat after that runs again. */
  readonly idempotencyRetentionMs: number;
}

/** One subgraph process's configuration: `PORT` (default its registry port), `HOST`, `DATABASE_URL`, `GATEWAY_URL`, `REDIS_URL`, `IDEMPOTENCY_RETENTION`. */
export function loadSubgraphConfig(system: SystemName, env: NodeJS.ProcessEnv = process.env): SubgraphConfig {
  const problems: string[] = [];
  const rawPort = env.PORT;
  const port = rawPort ? Number(rawPort) : systemPort(4000, system);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push(`PORT must be a port number, got "${rawPort}"`);
  const databaseUrl = env.DATABASE_URL ?? '';
  if (!databaseUrl)
    problems.push(`DATABASE_URL is required: the ${system} database, e.g. postgres://postgres@127.0.0.1:5432/plantgraph_${system}`);
  const gatewayUrl = env.GATEWAY_URL || undefined;
  if (gatewayUrl && !/^https?:\/\/[^/]+/.test(gatewayUrl))
    problems.push(`GATEWAY_URL must be the gateway's GraphQL URL, e.g. http://127.0.0.1:4000/graphql, got "${gatewayUrl}"`);
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\/[^/]+/.test(redisUrl))
    problems.push(`REDIS_URL must be a Redis URL, e.g. redis://127.0.0.1:6379, got "${redisUrl.slice(0, 60)}"`);
  let idempotencyRetentionMs = 0;
  try {
    idempotencyRetentionMs = parseDurationSetting(env.IDEMPOTENCY_RETENTION || '7d', 'IDEMPOTENCY_RETENTION');
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length) throw new StartupError(`${system} subgraph: ${problems.join('; ')}`);
  return Object.freeze({ port, host: env.HOST || '127.0.0.1', databaseUrl, gatewayUrl, redisUrl, idempotencyRetentionMs });
}
