import path from 'node:path';
import { StartupError } from '../platform/listen';
import { createLogger } from '../platform/logger';
import { implementedSystems } from '../subgraphs/catalog';
import { migrateDownAll, migrateToLatest } from '../platform/db/migrate';
import { bulkLoad } from '../subgraphs/kit/seed/load';
import { createProgress } from '../subgraphs/kit/seed/progress';
import { scalePlan } from '../subgraphs/kit/seed/world';
import { composeGraph, writeComposedGraph } from './compose';
import { openSystemDatabases } from './databases';
import { loadStartConfig, startStack } from './start';
import { outbox } from './outbox';
import { partner } from './partner';
import { documents } from './documents';
import { check } from './check';
import { token } from './token';
import { usage } from './usage';
import { writeDocs } from './docs';
import { option } from './options';

const USAGE = `usage: plantgraph <command> [options]

commands:
  start                     PostgreSQL (embedded unless DATABASE_URL), every subgraph and the gateway
  seed [--scale N] [--reset] deterministic seed data at scale N (default 1); --reset empties first
  compose                   writes schema/ (subgraphs, supergraph, authority map) from the code, after the authority checks
  migrate [--down]          applies (or reverts) every system's migrations
  token --role R            a development token (JWT) from the local issuer, alone on stdout
  partner create|list|revoke  partner API keys (create prints the key alone on stdout)
  documents publish <manifest.json> --scope S | list | revoke <id|name>
                            partner documents (an Apollo persisted-query manifest), checked against the partner contract
  outbox status|list|retry  commands waiting in the systems' outboxes; retry sends every parked one of a system again
  usage [--since 30d] [--field Type.field] [--client NAME] [--json]
                            operations and fields by client for the period, and the fields nobody used
  check [--proposed <supergraph>] [--against <file|url>] [--window 30d] [--json] [--allow-missing-usage]
                            schema changes against the deployed graph; exit 1 when a breaking change hits recorded use or a partner document
  docs                      rewrites the generated parts of docs/ (the variables table of docs/operations.md)
`;

async function start(): Promise<void> {
  const logger = createLogger('plantgraph');
  const config = loadStartConfig();
  const stack = await startStack(config, logger);
  process.stdout.write(
    `Plantgraph is running.\n  GraphQL:  ${stack.url}\n  Explorer: ${stack.url} (open in a browser)\n  Stop with Ctrl-C.\n`,
  );
  if (stack.token)
    process.stdout.write(`  Token (admin, 8 h; more with "npx plantgraph token --role R"):\n    Authorization: Bearer ${stack.token}\n`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping…\n');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

async function seed(args: string[]): Promise<void> {
  const raw = option(args, '--scale') ?? '1';
  const scale = Number(raw);
  const plan = scalePlan(Number.isInteger(scale) ? scale : NaN);
  const config = loadStartConfig();
  const systems = implementedSystems();
  const dbs = await openSystemDatabases({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPort: config.pgPort, systems });
  try {
    const progress = createProgress();
    const started = Date.now();
    const reset = args.includes('--reset');
    for (const system of systems) {
      const db = dbs.databases[system.name]!.db;
      if (reset) {
        await migrateDownAll(db, system.migrations, system.name);
        await migrateToLatest(db, system.migrations, system.name);
      } else if (!(await system.isEmpty(db))) {
        throw new StartupError(
          `${system.name}: the database already holds data; run "plantgraph seed --scale ${plan.scale} --reset" to replace it`,
        );
      }
    }
    // Each system has its own database: the six loads run side by side. Every load ends (commits
    // or rolls back) before the databases close; the first failure is then reported.
    const loads = await Promise.allSettled(
      systems.map(async (system) => {
        await bulkLoad(dbs.databases[system.name]!.db, (db) => system.seed(db, plan, progress));
        progress.finish(`${system.name}: seeded at scale ${plan.scale}`);
      }),
    );
    const failed = loads.find((load): load is PromiseRejectedResult => load.status === 'rejected');
    if (failed) throw failed.reason;
    process.stdout.write(`seeded ${systems.length} systems at scale ${plan.scale} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    await dbs.close();
  }
}

async function compose(): Promise<void> {
  const graph = await composeGraph(implementedSystems());
  const written = writeComposedGraph(graph, path.resolve('schema'));
  for (const file of written) process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  for (const warning of graph.warnings) process.stderr.write(`warning: ${warning}\n`);
}

async function migrate(args: string[]): Promise<void> {
  const config = loadStartConfig();
  const systems = implementedSystems();
  const dbs = await openSystemDatabases({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, pgPort: config.pgPort, systems });
  try {
    if (args.includes('--down')) {
      for (const system of [...systems].reverse()) await migrateDownAll(dbs.databases[system.name]!.db, system.migrations, system.name);
      process.stdout.write('reverted every migration\n');
    } else {
      process.stdout.write('every system is migrated\n');
    }
  } finally {
    await dbs.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'start':
      return start();
    case 'seed':
      return seed(args);
    case 'compose':
      return compose();
    case 'migrate':
      return migrate(args);
    case 'docs':
      for (const file of writeDocs(process.cwd())) process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
      return;
    case 'token':
      process.stdout.write(`${await token(args)}\n`);
      return;
    case 'partner':
      process.stdout.write(`${await partner(args)}\n`);
      return;
    case 'documents':
      // Building the partner contract constructs an ApolloGateway, which would otherwise report telemetry.
      process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
      process.stdout.write(`${await documents(args)}\n`);
      return;
    case 'usage':
      process.stdout.write(`${await usage(args)}\n`);
      return;
    case 'outbox':
      process.stdout.write(`${await outbox(args)}\n`);
      return;
    case 'check': {
      // Loading each supergraph constructs an ApolloGateway, which would otherwise report telemetry.
      process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
      const outcome = await check(args);
      process.stdout.write(`${outcome.output}\n`);
      process.exitCode = outcome.exitCode;
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      throw new StartupError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err) => {
  const message = err instanceof StartupError || err instanceof RangeError ? err.message : ((err as Error).stack ?? String(err));
  process.stderr.write(`plantgraph: ${message}\n`);
  process.exit(1);
});
