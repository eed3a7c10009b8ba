/**
 * Every environment variable a Plantgraph process reads, in one declarative list.
 *
 * The configuration loaders (gateway/config.ts, gateway/security/config.ts, gateway/performance,
 * gateway/usage/config.ts, gateway/reliability/policy.ts, subgraphs/kit/config.ts,
 * subgraphs/kit/outbox/relay-config.ts, cli/start.ts, platform/logger.ts, …) parse and check the
 * values; this list says what each one is for. `npx plantgraph docs` writes it into
 * docs/operations.md, and test/docs/variables.test.ts fails when the code reads a variable that
 * is not declared here, when a declared one is read by nothing, or when the table is stale.
 */

/** A process that reads its configuration from the environment. */
export type VariableReader = 'gateway' | 'subgraph' | 'start' | 'commands';

/** What the readers are, as the table's legend names them. */
export const READERS: Readonly<Record<VariableReader, string>> = Object.freeze({
  gateway: '`node dist/gateway/main.js`, the gateway alone',
  subgraph: '`node dist/subgraphs/<system>/index.js`, one subgraph alone',
  start: '`npm start` (`plantgraph start`): everything in one process',
  commands: 'the other `plantgraph` commands (`seed`, `migrate`, `token`, `partner`, `documents`, `usage`, `check`, `outbox`)',
});

/** The table's sections, in order. */
export const TOPICS = [
  'Processes and storage',
  'Security',
  'Reliability',
  'Fetch path',
  'Usage recording',
  'Outbox relays',
  'Live subscriptions',
] as const;
export type VariableTopic = (typeof TOPICS)[number];

export interface Variable {
  /** The name; `<SYSTEM>` stands for each system's name in capitals (`ERP`, `MES`, …). */
  readonly name: string;
  /** The value used when the variable is unset, as an operator would write it; setting it changes nothing (a test checks). */
  readonly default?: string;
  /** The default in words, when it is not one literal value (derived from another setting, generated, …). */
  readonly defaultIs?: string;
  /** What it changes, in one sentence (Markdown, links relative to docs/). */
  readonly meaning: string;
  readonly readBy: readonly VariableReader[];
  readonly topic: VariableTopic;
}

const ALL_SERVERS: readonly VariableReader[] = ['gateway', 'subgraph', 'start'];
const GATEWAYS: readonly VariableReader[] = ['gateway', 'start'];
const SUBGRAPHS: readonly VariableReader[] = ['subgraph', 'start'];

/** The runtime variables, grouped by topic. */
export const VARIABLES: readonly Variable[] = Object.freeze([
  // Processes and storage
  {
    name: 'PORT',
    defaultIs: '`4000`; a subgraph alone: its own port (`4001` …)',
    topic: 'Processes and storage',
    readBy: ['gateway', 'subgraph', 'start', 'commands'],
    meaning:
      "the gateway's port; `npm start` gives the subgraphs PORT+1 … PORT+6 in the order erp, mes, crm, inventory, quality, audits, and a subgraph alone defaults to its own port in that order",
  },
  {
    name: 'HOST',
    default: '127.0.0.1',
    topic: 'Processes and storage',
    readBy: ['gateway', 'subgraph', 'start', 'commands'],
    meaning: 'the address every server binds',
  },
  {
    name: 'DATABASE_URL',
    topic: 'Processes and storage',
    readBy: ['gateway', 'subgraph', 'start', 'commands'],
    meaning:
      'a subgraph alone: its database (required, created and migrated at start); `npm start` and the commands: a server and database-name prefix (`…/plantgraph` uses `plantgraph_erp`, …), an embedded PostgreSQL when unset; the gateway: where its own database is, beside it',
  },
  {
    name: 'GATEWAY_DATABASE_URL',
    defaultIs: "beside `DATABASE_URL`'s databases",
    topic: 'Processes and storage',
    readBy: ['gateway', 'start', 'commands'],
    meaning: 'the gateway database: partner keys, partner documents, recorded usage',
  },
  {
    name: 'DATA_DIR',
    default: '.data',
    topic: 'Processes and storage',
    readBy: ['gateway', 'start', 'commands'],
    meaning: "the embedded PostgreSQL's data, the development issuer's key and the generated caller signing key",
  },
  {
    name: 'PG_PORT',
    defaultIs: '`PORT` + 10',
    topic: 'Processes and storage',
    readBy: ['start', 'commands'],
    meaning: "the embedded PostgreSQL's port",
  },
  {
    name: 'SUPERGRAPH_PATH',
    default: 'schema/supergraph.graphql',
    topic: 'Processes and storage',
    readBy: ['gateway', 'start', 'commands'],
    meaning:
      'the composed supergraph the gateway serves (reloaded when the file changes), and the one `documents` and `usage` check against',
  },
  {
    name: '<SYSTEM>_URL',
    topic: 'Processes and storage',
    readBy: GATEWAYS,
    meaning:
      'a subgraph running elsewhere (`ERP_URL=http://erp:4001/graphql`): the gateway calls it there, and `npm start` does not start that system itself',
  },
  {
    name: 'GATEWAY_URL',
    topic: 'Processes and storage',
    readBy: ['subgraph'],
    meaning:
      "the gateway's GraphQL URL, through which the subgraph's outbox relay delivers commands; without it commands wait in the outbox",
  },
  {
    name: 'REDIS_URL',
    topic: 'Processes and storage',
    readBy: ALL_SERVERS,
    meaning:
      "Redis shared by replicas: rate limits, caller-header nonces, users' persisted queries, the change events of live subscriptions ([subscriptions.md](subscriptions.md)); process memory when unset",
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    topic: 'Processes and storage',
    readBy: ['gateway', 'subgraph', 'start', 'commands'],
    meaning: 'the pino log level (`silent` by default under `NODE_ENV=test`)',
  },
  {
    name: 'NODE_ENV',
    topic: 'Processes and storage',
    readBy: ['gateway', 'subgraph', 'start', 'commands'],
    meaning:
      '`production` requires `OIDC_ISSUER` and `CALLER_SIGNING_KEY`, closes CORS to loopback origins and refuses `plantgraph token`; `test` silences logs',
  },
  {
    name: 'SHUTDOWN_GRACE_MS',
    default: '10000',
    topic: 'Processes and storage',
    readBy: ['gateway'],
    meaning: 'on SIGTERM or SIGINT, how long requests in flight may take before they are cut',
  },
  {
    name: 'OPS_PORT',
    topic: 'Processes and storage',
    readBy: ['gateway'],
    meaning:
      'turns on the ops listener on this port: `/health`, `/ready` with details and `/metrics` without a token ([front-door.md](front-door.md#operations-endpoints))',
  },
  { name: 'OPS_HOST', default: '127.0.0.1', topic: 'Processes and storage', readBy: ['gateway'], meaning: "the ops listener's address" },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    topic: 'Processes and storage',
    readBy: ['gateway'],
    meaning: 'an OTLP/HTTP collector (`http://127.0.0.1:4318`): traces are sent to it; no tracing when unset',
  },
  {
    name: 'APOLLO_TELEMETRY_DISABLED',
    default: 'true',
    topic: 'Processes and storage',
    readBy: ['gateway', 'start', 'commands'],
    meaning: 'read by `@apollo/gateway`; Plantgraph sets it to `true` unless it is given, so nothing is reported to Apollo',
  },
  {
    name: 'PLANTGRAPH_TOKEN',
    topic: 'Processes and storage',
    readBy: ['commands'],
    meaning:
      'the bearer token `plantgraph check --against <url>` introspects the deployed gateway with ([schema-checks.md](schema-checks.md))',
  },
  // Security
  {
    name: 'AUTH_MODE',
    default: 'jwt',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning:
      '`none` turns authentication and authorization off (every caller is an anonymous admin), for measuring and testing only; the gateway warns at start and on `/health` ([security.md](security.md))',
  },
  {
    name: 'OIDC_ISSUER',
    defaultIs: 'the development issuer under `DATA_DIR`',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: 'the issuer of user tokens; required in production',
  },
  {
    name: 'OIDC_AUDIENCE',
    default: 'plantgraph',
    topic: 'Security',
    readBy: ['gateway', 'start', 'commands'],
    meaning: 'the audience tokens must name',
  },
  {
    name: 'OIDC_JWKS_URL',
    defaultIs: "the issuer's `jwks_uri`",
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: 'where the issuer publishes its keys; set it only to override discovery',
  },
  { name: 'OIDC_JWKS_FILE', topic: 'Security', readBy: GATEWAYS, meaning: "the issuer's key set from a file instead of a URL" },
  {
    name: 'OIDC_CLIENT_ID',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning:
      "the explorer's public client at the issuer; the explorer offers sign-in when it is set ([explorer-sign-in.md](explorer-sign-in.md))",
  },
  {
    name: 'OIDC_SCOPES',
    default: 'openid profile offline_access',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: "what the explorer's sign-in asks for; must include `openid`",
  },
  {
    name: 'TOKEN_MAX_LIFETIME',
    default: '1d',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: 'the longest `iat`→`exp` of a user token accepted (seconds, or `90m`, `8h`, `1d`)',
  },
  {
    name: 'CALLER_SIGNING_KEY',
    defaultIs: 'generated under `DATA_DIR`',
    topic: 'Security',
    readBy: ALL_SERVERS,
    meaning:
      '32+ random bytes, hex or base64, the same for the gateway and every subgraph: the key of the signed caller header ([caller-header.md](caller-header.md)); required in production',
  },
  {
    name: 'RATE_LIMIT_PER_MINUTE',
    default: '600',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: 'requests per caller (per client address under `AUTH_MODE=none`) in any 60 s',
  },
  {
    name: 'AUTH_FAILURES_PER_MINUTE',
    default: '30',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: 'failed authentications one client address may cause in any 60 s before it is refused',
  },
  {
    name: 'TRUSTED_PROXIES',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: 'addresses and CIDR ranges of proxies whose `X-Forwarded-For` names the client',
  },
  {
    name: 'OPS_TOKEN',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: 'the bearer token (16+ characters) that opens `/metrics` and the details of `/ready` on the public port',
  },
  {
    name: 'CORS_ORIGINS',
    defaultIs: 'loopback origins; none in production',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: 'comma-separated origins allowed to call the gateway from a browser ([cors-and-introspection.md](cors-and-introspection.md))',
  },
  {
    name: 'CORS_CREDENTIALS',
    default: 'false',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: '`true` adds `Access-Control-Allow-Credentials: true`',
  },
  {
    name: 'CORS_MAX_AGE',
    default: '600',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: 'seconds a browser may reuse a preflight answer (0 to 86400)',
  },
  {
    name: 'INTROSPECTION',
    default: 'on',
    topic: 'Security',
    readBy: GATEWAYS,
    meaning: '`off` refuses `__schema` and `__type` to every caller',
  },
  // Reliability
  {
    name: 'SUBGRAPH_TIMEOUT_MS',
    default: '3000',
    topic: 'Reliability',
    readBy: GATEWAYS,
    meaning: 'the longest wait for one subgraph request ([reliability.md](reliability.md))',
  },
  {
    name: '<SYSTEM>_TIMEOUT_MS',
    defaultIs: '`SUBGRAPH_TIMEOUT_MS`',
    topic: 'Reliability',
    readBy: GATEWAYS,
    meaning: 'the same for one system (`ERP_TIMEOUT_MS`)',
  },
  {
    name: 'SUBGRAPH_RETRIES',
    default: '2',
    topic: 'Reliability',
    readBy: GATEWAYS,
    meaning: 'extra attempts for a query that was refused, reset or answered 502/503/504; mutations are sent once',
  },
  {
    name: 'SUBGRAPH_RETRY_DELAY_MS',
    default: '50',
    topic: 'Reliability',
    readBy: GATEWAYS,
    meaning: 'the first backoff delay, doubled on each retry, with jitter',
  },
  {
    name: 'BREAKER_FAILURE_THRESHOLD',
    default: '5',
    topic: 'Reliability',
    readBy: GATEWAYS,
    meaning: "consecutive failures that open a system's circuit",
  },
  {
    name: 'BREAKER_PROBE_MS',
    default: '1000',
    topic: 'Reliability',
    readBy: GATEWAYS,
    meaning: 'how long an open circuit fails fast before its first probe',
  },
  {
    name: 'BREAKER_RESET_MS',
    default: '5000',
    topic: 'Reliability',
    readBy: GATEWAYS,
    meaning: 'the longest wait between probes (each failed probe doubles the wait)',
  },
  {
    name: 'IDEMPOTENCY_RETENTION',
    default: '7d',
    topic: 'Reliability',
    readBy: SUBGRAPHS,
    meaning: 'how long each subgraph keeps applied idempotency keys ([idempotency.md](idempotency.md#operations))',
  },
  // Fetch path
  {
    name: 'SUBGRAPH_CONNECTIONS',
    default: '64',
    topic: 'Fetch path',
    readBy: GATEWAYS,
    meaning: 'keep-alive sockets per subgraph ([performance.md](performance.md))',
  },
  {
    name: 'SUBGRAPH_DEDUP',
    default: 'on',
    topic: 'Fetch path',
    readBy: GATEWAYS,
    meaning: 'identical in-flight subgraph queries of callers with the same rights share one fetch',
  },
  {
    name: 'OPERATION_DEDUP',
    default: 'on',
    topic: 'Fetch path',
    readBy: GATEWAYS,
    meaning: 'identical queries in flight of callers with the same rights share one execution',
  },
  {
    name: 'SUBGRAPH_BATCH',
    default: 'on',
    topic: 'Fetch path',
    readBy: GATEWAYS,
    meaning: 'concurrent entity fetches and root queries to one subgraph go as one request',
  },
  {
    name: 'SUBGRAPH_BATCH_CONCURRENCY',
    default: '8',
    topic: 'Fetch path',
    readBy: GATEWAYS,
    meaning: 'requests in flight to one subgraph before batchable fetches wait and gather',
  },
  {
    name: 'SUBGRAPH_BATCH_ALIASES',
    default: 'roots',
    topic: 'Fetch path',
    readBy: GATEWAYS,
    meaning:
      'which fetches asked with other variables go as aliased fields of one request: `roots` (root queries), `all` (entity fetches too), `off` ([performance.md](performance.md#q05-at-scale-10))',
  },
  // Usage recording
  {
    name: 'USAGE',
    default: 'on',
    topic: 'Usage recording',
    readBy: GATEWAYS,
    meaning: '`off` records no operations and fields in the gateway database ([usage.md](usage.md))',
  },
  {
    name: 'USAGE_RETENTION',
    default: '30d',
    topic: 'Usage recording',
    readBy: GATEWAYS,
    meaning: 'recorded usage older than this is deleted',
  },
  // Outbox relays
  {
    name: 'OUTBOX_MAX_ATTEMPTS',
    default: '500',
    topic: 'Outbox relays',
    readBy: SUBGRAPHS,
    meaning: 'failed delivery attempts before a command is parked ([reliability.md](reliability.md))',
  },
  {
    name: 'OUTBOX_RETRY_BASE_MS',
    default: '1000',
    topic: 'Outbox relays',
    readBy: SUBGRAPHS,
    meaning: "the delay after a command's first failed attempt, doubled on each",
  },
  {
    name: 'OUTBOX_RETRY_MAX_MS',
    default: '60000',
    topic: 'Outbox relays',
    readBy: SUBGRAPHS,
    meaning: 'the longest delay between attempts, and so the longest a command waits once its target is back',
  },
  // Live subscriptions
  {
    name: 'LIVE_MAX_SUBSCRIPTIONS',
    default: '20',
    topic: 'Live subscriptions',
    readBy: GATEWAYS,
    meaning:
      'subscriptions one caller may hold open on one gateway replica; more are refused with `RATE_LIMITED` ([subscriptions.md](subscriptions.md))',
  },
  {
    name: 'LIVE_MAX_EVENTS_PER_SECOND',
    default: '200',
    topic: 'Live subscriptions',
    readBy: GATEWAYS,
    meaning:
      'events one caller may receive per second on one replica, over all its subscriptions; the subscription that would pass it is ended with `RATE_LIMITED`',
  },
  {
    name: 'LIVE_BUFFER',
    default: '64',
    topic: 'Live subscriptions',
    readBy: GATEWAYS,
    meaning: 'answers that may wait for one subscriber to read them; past it the subscriber is disconnected with `SUBSCRIBER_TOO_SLOW`',
  },
  {
    name: 'CHANGE_EVENTS_CHANNEL',
    default: 'plantgraph:changes',
    topic: 'Live subscriptions',
    readBy: ALL_SERVERS,
    meaning: 'the Redis channel on which the systems publish change events and every gateway replica listens',
  },
] satisfies Variable[]);

/**
 * Names the code reads that are not settings of Plantgraph: other programs set them for their
 * own purposes, so an operator has nothing to choose.
 */
export const NOT_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  JEST_WORKER_ID: 'set by Jest in each worker; platform/ports.ts gives each worker its own slice of ports',
});
