import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { ApolloGateway, type SupergraphManager } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { createGraphQLHttpHandler } from '../platform/http';
import { close } from '../platform/listen';
import type { Logger } from '../platform/logger';
import { createOpsServer, opsRoutes } from '../platform/ops';
import type { SystemName } from '../platform/systems';
import { enforceScalars } from './scalars';
import { fileSupergraph } from './supergraph';
import { createExplorer, type ExplorerOptions } from './explorer/explorer';
import { loadReliabilityConfig, type ReliabilityConfig } from './reliability/policy';
import { SubgraphHealth } from './reliability/subgraph-health';
import type { SendHook } from './subgraph-data-source';
import { fetchChain, gatewayPlugins, subgraphServices } from './pipelines';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { GatewayTracing } from './observability/tracing';
import { createProvenanceTracker } from './authority/provenance';
import { createGatewaySecurity, type GatewaySecurityOptions } from './security';
import { loadSecurityConfig } from './security/config';
import { resolveSecurity } from './security/setup';
import { createGatewayPerformance, loadPerformanceConfig, type PerformanceConfig } from './performance';
import { shortenMessage } from '../platform/preview';
import { createGatewayUsage, loadUsageConfig, type UsageOptions } from './usage';
import { createGatewayLive, type GatewayLive, type GatewayLiveOptions } from './subscriptions';
import { refuseUpgradeFromOrigin } from './subscriptions/live-door';

export interface GatewayOptions {
  /** Path of the supergraph file (watched), or a ready-made supergraph manager. */
  supergraph: string | SupergraphManager;
  /** Subgraph URLs that replace those written in the supergraph. */
  subgraphUrls?: Partial<Record<SystemName, string>>;
  logger: Logger;
  /** Reports each supergraph reload (file supergraphs only). */
  onSupergraphReload?: Parameters<typeof fileSupergraph>[0]['onReload'];
  /**
   * Timeouts, retries and circuit breakers per subgraph.
   * @default loadReliabilityConfig({}) (3 s timeout, 2 retries, breaker opens after 5 failures, probes after 1 s, then up to every 5 s)
   */
  reliability?: ReliabilityConfig;
  /** The HTTP client for subgraph requests (a keep-alive pool, deduplication); must honour `init.signal`. */
  fetcher?: Fetcher;
  /** Hooks run before every subgraph request (signed caller header, trace context). */
  beforeSend?: readonly SendHook[];
  /** OpenTelemetry traces (`createGatewayTracing`); none when absent. */
  tracing?: GatewayTracing;
  /**
   * The browser explorer at GET /graphql: where its built files are, headers its page sends, sign-in.
   * @default files from dist/explorer, authority from authority.json beside a supergraph file, no sign-in
   */
  explorer?: Pick<ExplorerOptions, 'assetsDir' | 'headers' | 'authorityFile' | 'signIn'>;
  /**
   * Authentication, field authorization, limits, rate limits and the signed caller header.
   * @default resolved from the environment (`AUTH_MODE`, `OIDC_*`, `CALLER_SIGNING_KEY`, `REDIS_URL`)
   */
  security?: GatewaySecurityOptions;
  /**
   * The subgraph connection pool and merging of identical in-flight queries (unused when `fetcher` is given).
   * @default loadPerformanceConfig() (`SUBGRAPH_CONNECTIONS`, `SUBGRAPH_DEDUP`, `OPERATION_DEDUP`, `SUBGRAPH_BATCH`, `SUBGRAPH_BATCH_CONCURRENCY`)
   */
  performance?: PerformanceConfig;
  /**
   * Usage recording (operations and fields by client, into the gateway database) and per-operation metrics.
   * @default loadUsageConfig() (`USAGE`, `USAGE_RETENTION`), written to the security options' partner database
   */
  usage?: UsageOptions;
  /**
   * Live subscriptions (GraphQL over WebSocket and SSE): limits and the change bus.
   * @default loadLiveConfig() and a bus on `REDIS_URL` (in process without it)
   */
  live?: GatewayLiveOptions;
}

export interface GatewayServer {
  readonly httpServer: Server;
  readonly gateway: ApolloGateway;
  /** Breakers and readiness of each subgraph. */
  readonly health: SubgraphHealth;
  /** `/health`, `/ready` with details and `/metrics` without a token, for a private address (`OPS_HOST`, `OPS_PORT`); it does not listen. */
  readonly opsServer: Server;
  /** Live subscriptions: `stop()` completes them and closes their connections (a draining gateway calls it first). */
  readonly live: Pick<GatewayLive, 'stop' | 'executor'>;
  stop(): Promise<void>;
}

/** Builds the gateway's HTTP server; it does not listen. */
export async function createGatewayServer(options: GatewayOptions): Promise<GatewayServer> {
  const { logger, subgraphUrls = {} } = options;
  const supergraphSdl =
    typeof options.supergraph === 'string'
      ? fileSupergraph({ path: options.supergraph, logger, onReload: options.onSupergraphReload })
      : options.supergraph;

  const securityOptions = options.security ?? (await resolveSecurity(loadSecurityConfig(), logger)).options;
  const security = createGatewaySecurity(securityOptions, logger);
  const provenance = createProvenanceTracker();
  const health = new SubgraphHealth(options.reliability ?? loadReliabilityConfig({}), logger);
  const fetchPath = createGatewayPerformance(options.performance ?? loadPerformanceConfig(), { rightsOf: security.sharedRightsOf });
  // A fetcher given by the caller replaces the pool and every step above it but the seal.
  const chain = fetchChain({
    performance: options.fetcher ? undefined : fetchPath,
    fetcher: options.fetcher,
    sealCaller: security.sealCaller,
  });
  const usage = createGatewayUsage({ database: securityOptions.partnerDatabase?.db, ...(options.usage ?? loadUsageConfig()) }, logger);
  // @apollo/gateway otherwise reports usage to Apollo and probes cloud metadata addresses at
  // construction; a plant's gateway sends nothing off its own network unless told to.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger,
    buildService: subgraphServices({
      provenance,
      apollo: (): ApolloServer<any> => apollo,
      health,
      subgraphUrls,
      chain,
      // The caller header is addressed to the system here and sealed over the final body by the chain's last step.
      beforeSend: (system) => [
        security.signCallerFor(system),
        ...(options.tracing ? [options.tracing.propagate] : []),
        ...(options.beforeSend ?? []),
      ],
      logger,
    }),
  });

  // Registered first: every schema the gateway loads checks Date and DateTime inputs itself.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => enforceScalars(apiSchema));
  security.attach(gateway);
  // Before the gateway starts, so that subscriptions are checked against its first schema too.
  const live = createGatewayLive(gateway, (req) => security.context(req), logger, { ...options.live, rightsOf: security.sharedRightsOf });
  // Subscribed before the gateway starts, so that the explorer sees the first supergraph too.
  const explorer = createExplorer({
    gateway,
    logger,
    authorityFile: typeof options.supergraph === 'string' ? path.join(path.dirname(options.supergraph), 'authority.json') : undefined,
    authorize: (req) => security.authorizeExplorer(req),
    usageDatabase: securityOptions.partnerDatabase?.db,
    ...options.explorer,
  });

  const apollo = new ApolloServer({
    gateway,
    includeStacktraceInErrorResponses: false,
    // graphql-js quotes an invalid variable value whole: a refusal never sends a large input back.
    formatError: (formatted) => ({ ...formatted, message: shortenMessage(formatted.message) }),
    // The process owns its signals: it stops every server, then the pools, then PostgreSQL.
    stopOnTerminationSignals: false,
    parseOptions: security.parseOptions,
    hideSchemaDetailsFromClientErrors: security.hideSchemaDetails,
    // On in every mode for callers who passed the door; INTROSPECTION=off refuses it through a validation rule.
    introspection: true,
    validationRules: security.validationRules,
    persistedQueries: security.persistedQueries,
    // In the order of gateway/pipelines.ts.
    plugins: gatewayPlugins({
      operationMerge: fetchPath.operationMerge,
      security: security.plugins,
      logger,
      sharingOf: fetchPath.sharingOf,
      usage: usage.plugin,
      provenance,
      tracing: options.tracing?.plugin,
    }),
  });
  await apollo.start();
  await live.start(apollo);

  const ops = opsRoutes({
    token: securityOptions.opsToken,
    health: security.health,
    // The gateway stays ready while a system is down: it serves the rest and reports which one.
    ready: async () => {
      const { status, systems } = await health.check();
      return { ready: true, status, details: { systems } };
    },
  });
  const handler = createGraphQLHttpHandler({
    apollo,
    wrap: options.tracing?.wrap,
    context: (req) => security.context(req),
    routes: {
      ...security.routes,
      'GET /': (_req, res) => {
        res.writeHead(302, { location: '/graphql' });
        res.end();
      },
      ...ops.public,
    },
  });
  // CORS first: a preflight is answered before any route, token or rate limit.
  const httpServer = createServer((req, res) =>
    security.cors(
      req,
      res,
      () => void (live.isSse(req) ? live.handleSse(req, res) : explorer.matches(req) ? explorer.handle(req, res) : handler(req, res)),
    ),
  );
  httpServer.keepAliveTimeout = 65_000;
  // Browsers apply no CORS to WebSockets: a page's upgrade is held to the origins CORS admits.
  httpServer.on('upgrade', (req, socket, head) => {
    if (!refuseUpgradeFromOrigin(req, socket, securityOptions.cors)) live.handleUpgrade(req, socket, head);
  });
  const opsServer = createOpsServer(ops.ops);

  return {
    httpServer,
    gateway,
    health,
    opsServer,
    live,
    async stop() {
      if (opsServer.listening) await close(opsServer);
      // Subscriptions complete first: their streams would otherwise hold the server open.
      await live.stop();
      await close(httpServer);
      await apollo.stop();
      // Before security stops: the last usage batch goes to the database it closes.
      await usage.stop();
      await fetchPath.stop();
      await security.stop();
    },
  };
}
