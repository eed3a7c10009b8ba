import { close, listen, StartupError } from '../platform/listen';
import { createLogger } from '../platform/logger';
import { loadGatewayConfig } from './config';
import { createGatewayTracing } from './observability/tracing';
import { createGatewayServer } from './server';
import { heapBound, tuneBoundedHeap } from './heap-bound';
import { explorerSignInFromConfig } from './explorer/sign-in';
import { loadSecurityConfig } from './security/config';
import { gatewayDatabaseUrl } from './security/partners/store';
import { resolveSecurity } from './security/setup';

/** The gateway alone: `PORT`, `HOST`, `SUPERGRAPH_PATH`, `<SYSTEM>_URL`. */
async function main(): Promise<void> {
  // Before the supergraph and the caches fill the heap.
  const heapTuned = tuneBoundedHeap();
  const logger = createLogger('gateway');
  const config = loadGatewayConfig();
  // Security is configured before anything listens: production without an issuer stops here.
  const securityConfig = loadSecurityConfig();
  const security = await resolveSecurity(securityConfig, logger, {
    partnerDatabaseUrl: process.env.DATABASE_URL ? gatewayDatabaseUrl(process.env.DATABASE_URL) : undefined,
  });
  const tracing = config.otlpEndpoint ? createGatewayTracing({ endpoint: config.otlpEndpoint }) : undefined;
  if (tracing) logger.info({ endpoint: config.otlpEndpoint }, 'sending OpenTelemetry traces');
  const server = await createGatewayServer({
    tracing,
    security: security.options,
    explorer: { signIn: explorerSignInFromConfig(securityConfig) },
    supergraph: config.supergraphPath,
    subgraphUrls: config.subgraphUrls,
    logger,
    reliability: config.reliability,
    usage: config.usage,
  });
  const port = await listen(server.httpServer, config.port, config.host, 'gateway');
  const heap = heapBound();
  logger.info(
    { url: `http://${config.host}:${port}/graphql`, heapLimitMiB: heap.heapLimitMiB, containerLimitMiB: heap.containerLimitMiB, heapTuned },
    'gateway listening',
  );
  if (heap.problem) logger.warn({ heapLimitMiB: heap.heapLimitMiB, containerLimitMiB: heap.containerLimitMiB }, heap.problem);
  if (config.ops) {
    const opsPort = await listen(server.opsServer, config.ops.port, config.ops.host, 'gateway ops listener');
    logger.info({ url: `http://${config.ops.host}:${opsPort}/metrics` }, 'ops listener: /health, /ready and /metrics');
  }
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // A load balancer sees the port close and sends new requests to another replica, while the
    // requests already here are answered.
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'stopping: draining requests in flight');
    // Live subscriptions complete first (their clients reconnect elsewhere); open streams would hold the port.
    await server.live.stop();
    await close(server.httpServer, config.shutdownGraceMs);
    await server.stop();
    await tracing?.shutdown();
    logger.info('gateway stopped');
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof StartupError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
});
