import { listen, StartupError } from '../platform/listen';
import { createLogger } from '../platform/logger';
import { loadGatewayConfig } from './config';
import { createGatewayServer } from './server';

/** The gateway alone: `PORT`, `HOST`, `SUPERGRAPH_PATH`, `<SYSTEM>_URL`. */
async function main(): Promise<void> {
  const logger = createLogger('gateway');
  const config = loadGatewayConfig();
  const server = await createGatewayServer({ supergraph: config.supergraphPath, subgraphUrls: config.subgraphUrls, logger });
  const port = await listen(server.httpServer, config.port, config.host, 'gateway');
  logger.info({ url: `http://${config.host}:${port}/graphql` }, 'gateway listening');
  const shutdown = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof StartupError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
