import { StartupError } from '../../platform/listen';
import { systemPort, type SystemName } from '../../platform/systems';

export interface SubgraphConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
}

/** One subgraph process's configuration: `PORT` (default its registry port), `HOST`, `DATABASE_URL`. */
export function loadSubgraphConfig(system: SystemName, env: NodeJS.ProcessEnv = process.env): SubgraphConfig {
  const problems: string[] = [];
  const rawPort = env.PORT;
  const port = rawPort ? Number(rawPort) : systemPort(4000, system);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) problems.push(`PORT must be a port number, got "${rawPort}"`);
  const databaseUrl = env.DATABASE_URL ?? '';
  if (!databaseUrl) problems.push(`DATABASE_URL is required: the ${system} database, e.g. postgres://postgres@127.0.0.1:5432/plantgraph_${system}`);
  if (problems.length) throw new StartupError(`${system} subgraph: ${problems.join('; ')}`);
  return Object.freeze({ port, host: env.HOST || '127.0.0.1', databaseUrl });
}
