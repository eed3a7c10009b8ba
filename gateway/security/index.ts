import type { IncomingMessage } from 'node:http';
import type { ApolloGateway } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import Redis from 'ioredis';
import type { Logger } from '../../platform/logger';
import { sendJson, type Route } from '../../platform/http';
import type { Database } from '../../platform/db/database';
import { CALLER_HEADER, callerClaims, parseCallerKey, serviceCaller } from '../../platform/caller-header';
import type { Fetcher } from '@apollo/utils.fetcher';
import { callerSealingFetcher } from './caller-seal';
import { createAuthenticator } from './authentication';
import { authorizationPlugin } from '../plugins/authorization.plugin';
import { limitsPlugin, type LimitsOptions } from '../plugins/limits.plugin';
import { persistedDocumentsPlugin } from '../plugins/persisted-documents.plugin';
import { partnerDocumentGate, trustedDocumentCache } from './documents/partner-gate';
import { requestDocumentOf } from './request-document';
import { documentLimits } from './document-limits';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { memoryRateLimitStore, createRateLimiter, redisRateLimitStore } from './rate-limit';
import type { SendHook } from '../subgraph-data-source';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Caller } from '../../platform/caller';
import { rightsOf, type RightsKey } from '../../platform/sharing';
import type { AccessResult } from '../explorer/access';
import { callerOf, isPartnerCaller, UNAUTHENTICATED_CALLER, type SecurityContext } from './caller';
import { clientAddressOf } from './client-address';
import { counted, doorRefusals } from './door-metrics';
import { createTokenVerifier, type IssuerOptions } from './jwt';
import type { GatewayDatabase } from './partners/partner-key.repository';
import { createPartnerKeyAuthenticator } from './partners/store';
import { readSupergraphSecurity, type SupergraphSecurity } from './supergraph-rules';
import { ADMIN_ONLY, callerForwarder } from './forwarded-rights';
import { PARTNER_DOCUMENTS, type TrustedDocument } from './trusted-documents';
import { createApqStore } from './documents/apq-cache';
import { createDocumentRegistry } from './documents/registry';
import { createCorsHandler, type CorsHandler, type CorsPolicy } from './cors';
import { introspectionRules } from './introspection';

export interface GatewaySecurityOptions {
  /**
   * `none` turns authentication and field authorization off (warned at start and on /health).
   * @default 'jwt'
   */
  mode?: 'jwt' | 'none';
  /** The OIDC issuer whose tokens users present; required unless mode is `none`. */
  issuer?: IssuerOptions;
  /** Public keys served at `/.well-known/jwks.json` (the development issuer's). */
  publishJwks?: IssuerOptions['jwks'];
  /** Signs the caller header to subgraphs and verifies service tokens. */
  callerKey: string;
  /** The gateway database holding partner keys; without it partner keys are refused. */
  partnerDatabase?: Database<GatewayDatabase>;
  limits?: LimitsOptions & {
    /**
     * Lexical tokens in one document.
     * @default 15_000
     */
    maxTokens?: number;
  };
  /**
   * Requests per caller per minute (per client address with `mode: 'none'`) in a sliding window,
   * counted in Redis when `redisUrl` is given; failed authentications per client address.
   */
  rateLimit?: {
    perMinute?: number;
    redisUrl?: string;
    windowMs?: number;
    /** @default 30 */
    authFailuresPerMinute?: number;
    /** Proxies whose `X-Forwarded-For` names the client (addresses, CIDR ranges). @default [] */
    trustedProxies?: readonly string[];
  };
  /** The bearer token that opens `/metrics` and the details of `/ready`; without it they are on the ops listener only. */
  opsToken?: string;
  /**
   * Fixed documents partners may run, instead of those published in `partnerDatabase`.
   * @default the documents published in the gateway database; without one, the seeded manifest (PARTNER_DOCUMENTS)
   */
  trustedDocuments?: readonly TrustedDocument[];
  /**
   * How often each replica looks for published or revoked partner documents, in milliseconds.
   * @default 2_000
   */
  documentsPollMs?: number;
  /**
   * No "Did you mean …?" in any caller's errors (partners never get them): production does not
   * teach its schema through typos.
   * @default false (`NODE_ENV=production` sets it)
   */
  hideSchemaDetails?: boolean;
  /**
   * Browser origins allowed besides the gateway's own (the explorer's).
   * @default { origins: [], credentials: false, maxAgeSeconds: 600 } (`CORS_ORIGINS` sets it; loopback origins outside production)
   */
  cors?: CorsPolicy;
  /**
   * Authenticated callers may introspect the schema they may use (partners their contract).
   * @default true (`INTROSPECTION=off` turns it off, in every mode)
   */
  introspection?: boolean;
}

/** The security's Apollo Server plugins; those a mode turns off are undefined. */
export interface SecurityPlugins {
  /** Depth, alias and cost limits on the document as sent. */
  readonly limits: ApolloServerPlugin<any>;
  /** Field authorization: cuts what the caller may not read before planning (`AUTH_MODE=jwt`). */
  readonly authorization?: ApolloServerPlugin<any>;
  /** Partners run trusted documents only (`AUTH_MODE=jwt`). */
  readonly persistedDocuments?: ApolloServerPlugin<any>;
}

export interface GatewaySecurity {
  readonly plugins: SecurityPlugins;
  /** Authenticates and rate-limits a request while its context is built (401, 429). */
  context(req: IncomingMessage): Promise<SecurityContext>;
  /** The same door for the explorer's data endpoints, for users only (partners see the contract alone). */
  authorizeExplorer(req: IncomingMessage): Promise<AccessResult>;
  /** Apollo Server's parser limits: a document with more tokens is refused before it is parsed whole. */
  readonly parseOptions: { maxTokens: number };
  /** Apollo Server's `hideSchemaDetailsFromClientErrors`. */
  readonly hideSchemaDetails: boolean;
  /** Extra validation rules for Apollo Server (introspection refused when it is off). */
  readonly validationRules: ReturnType<typeof introspectionRules>;
  /** Answers preflights and adds CORS headers before any route, token or rate limit (cors.ts). */
  readonly cors: CorsHandler;
  /** Automatic persisted queries (in Redis when configured), the trusted documents known by hash from the start. */
  readonly persistedQueries: { cache: KeyValueCache<string> };
  /**
   * Puts the request's caller, addressed to `system`, into the header every subgraph demands; sealed by `sealCaller`.
   * Its roles and scopes are cut to those the current supergraph's rules name (forwarded-rights.ts).
   */
  signCallerFor(system: string): SendHook;
  /**
   * The rights a caller's answers may depend on, as a canonical string: `rightsOf` of the caller
   * as subgraphs are told of it (forwarded-rights.ts). Everything the gateway itself decides by
   * roles and scopes (field authorization, introspection, the partner contract) goes by the same
   * rules, so callers with equal strings may share a query's answer at the front door and a live
   * event's answer.
   */
  readonly sharedRightsOf: RightsKey;
  /** Wraps the last fetcher before the wire: seals each caller header over the body actually sent (caller-seal.ts). */
  sealCaller(inner: Fetcher): Fetcher;
  readonly routes: Record<string, Route>;
  /** Fields for `/health`: the authentication mode, and a warning when it is off. */
  health(): Record<string, unknown>;
  /** Follows the gateway's supergraph: its `@authorized` rules and its partner contract. */
  attach(gateway: ApolloGateway): void;
  stop(): Promise<void>;
}

/** Builds the gateway's security: plugins, the subgraph signing hook and the JWKS route. */
export function createGatewaySecurity(options: GatewaySecurityOptions, logger: Logger): GatewaySecurity {
  const mode = options.mode ?? 'jwt';
  if (mode === 'jwt' && !options.issuer) throw new Error('gateway security: an issuer is required unless AUTH_MODE=none');
  if (mode === 'none')
    logger.warn('AUTH_MODE=none: authentication and field authorization are OFF; every request is served as an anonymous caller');

  let rules: SupergraphSecurity | undefined;
  let apiSchema: GraphQLSchema | undefined;
  // What subgraphs are told of a caller: the roles and scopes the current supergraph's rules name.
  let forwarded = callerForwarder(ADMIN_ONLY);
  const signingKey = parseCallerKey(options.callerKey);
  const redis = options.rateLimit?.redisUrl ? new Redis(options.rateLimit.redisUrl, { maxRetriesPerRequest: 1 }) : undefined;
  redis?.on('error', (err) => logger.warn({ err: err.message }, 'rate limit store: Redis error'));
  const store = redis ? redisRateLimitStore(redis) : memoryRateLimitStore();

  const authenticator = createAuthenticator({
    mode,
    callerKey: options.callerKey,
    verifyToken: options.issuer ? createTokenVerifier(options.issuer) : undefined,
    verifyPartnerKey: options.partnerDatabase ? createPartnerKeyAuthenticator(options.partnerDatabase) : undefined,
  });
  let lastStoreWarning = 0;
  const rateLimiter = createRateLimiter({
    store,
    limit: options.rateLimit?.perMinute,
    windowMs: options.rateLimit?.windowMs,
    failureLimit: options.rateLimit?.authFailuresPerMinute,
    onStoreError: (err) => {
      if (Date.now() - lastStoreWarning < 10_000) return;
      lastStoreWarning = Date.now();
      logger.warn({ err: err.message }, 'rate limit store unavailable: requests pass uncounted until it is back');
    },
  });
  // Partners' documents are checked against the trusted ones at the front door, before anything parses or measures them.
  const fixedDocuments = options.trustedDocuments ?? (options.partnerDatabase ? [] : PARTNER_DOCUMENTS);
  const partnerDocuments = partnerDocumentGate({ documents: fixedDocuments, maxTokens: options.limits?.maxTokens });
  // Published documents come from the gateway database and follow its changes (documents/registry.ts).
  const documentRegistry =
    !options.trustedDocuments && options.partnerDatabase
      ? createDocumentRegistry({
          db: options.partnerDatabase.db,
          logger,
          pollMs: options.documentsPollMs,
          onChange: (documents) => partnerDocuments.update(documents),
        })
      : undefined;
  const documentsLoaded = documentRegistry
    ?.refresh()
    .catch((err: Error) => logger.warn({ err: err.message }, 'partner documents: cannot read the gateway database yet; retrying'));
  // Then the limits, on the text as it arrives: Apollo Server validates before any plugin may refuse.
  const limits = documentLimits({ limits: options.limits, maxTokens: options.limits?.maxTokens });
  // Authorization and partner documents only when callers are authenticated (gateway/pipelines.ts orders them).
  const plugins: SecurityPlugins = {
    limits: limitsPlugin(options.limits),
    authorization: mode === 'jwt' ? authorizationPlugin({ rules: () => rules }) : undefined,
    persistedDocuments: mode === 'jwt' ? persistedDocumentsPlugin({ documents: fixedDocuments, gate: partnerDocuments }) : undefined,
  };

  const clientAddress = clientAddressOf(options.rateLimit?.trustedProxies ?? []);

  /** Who calls, within its budget: failures counted per address, requests per caller (per address when authentication is off). */
  async function admit(req: IncomingMessage): Promise<Caller> {
    const address = clientAddress(req);
    if (mode === 'none') {
      await counted('rate_limited', () => rateLimiter.check(`address:${address}`, `client ${address}`));
      return UNAUTHENTICATED_CALLER;
    }
    await counted('failed_authentication_limit', () => rateLimiter.checkFailures(address));
    let caller: Caller;
    try {
      caller = await authenticator.authenticate(req);
    } catch (err) {
      if (err instanceof GraphQLError && err.extensions.code === 'UNAUTHENTICATED') {
        doorRefusals.inc({ reason: 'unauthenticated' });
        await rateLimiter.recordFailure(address);
      }
      throw err;
    }
    await counted('rate_limited', () => rateLimiter.check(`${caller.kind}:${caller.subject}`, caller.subject));
    return caller;
  }

  const routes: Record<string, Route> = {};
  if (options.publishJwks) {
    const jwks = options.publishJwks;
    routes['GET /.well-known/jwks.json'] = (_req, res) => sendJson(res, 200, jwks);
  }

  return {
    plugins,
    parseOptions: { maxTokens: options.limits?.maxTokens ?? 15_000 },
    hideSchemaDetails: options.hideSchemaDetails ?? false,
    validationRules: introspectionRules(options.introspection ?? true),
    cors: createCorsHandler(options.cors ?? { origins: [], credentials: false, maxAgeSeconds: 600 }),
    persistedQueries: { cache: trustedDocumentCache(partnerDocuments, createApqStore(redis, logger)) },
    async context(req) {
      const caller = await admit(req);
      await documentsLoaded;
      const request = requestDocumentOf(req);
      const refusal = (mode === 'jwt' ? partnerDocuments.refusal(caller, request) : undefined) ?? limits.refusal(apiSchema, request);
      if (refusal) throw refusal;
      return { caller };
    },
    async authorizeExplorer(req) {
      let caller: Caller;
      try {
        caller = await admit(req);
      } catch (err) {
        if (!(err instanceof GraphQLError)) throw err;
        const http = err.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
        return {
          ok: false,
          status: http?.status ?? 401,
          code: String(err.extensions.code),
          message: err.message,
          headers: Object.fromEntries(http?.headers ?? []),
        };
      }
      if (mode === 'jwt' && caller.kind === 'partner') {
        return {
          ok: false,
          status: 403,
          code: 'FORBIDDEN',
          message: 'the explorer is for users; partner systems query the partner contract at POST /graphql',
        };
      }
      if (mode === 'jwt' && isPartnerCaller(caller)) {
        return {
          ok: false,
          status: 403,
          code: 'FORBIDDEN',
          message: 'the explorer is for internal users; a user bound to a supplier or customer sees the partner contract only',
        };
      }
      return { ok: true };
    },
    sharedRightsOf: (caller) => rightsOf(caller && forwarded(caller)),
    signCallerFor: (system) => (processOptions) => {
      const caller =
        processOptions.kind === 'incoming operation'
          ? (callerOf(processOptions.context) ?? UNAUTHENTICATED_CALLER)
          : serviceCaller('gateway');
      processOptions.request.http?.headers.set(CALLER_HEADER, callerClaims(forwarded(caller), system));
    },
    sealCaller: (inner) => callerSealingFetcher(inner, signingKey),
    routes,
    health: () => (mode === 'none' ? { auth: 'none', warning: 'AUTH_MODE=none: authentication is off' } : { auth: 'on' }),
    attach(gateway) {
      gateway.onSchemaLoadOrUpdate(({ apiSchema: schema, coreSupergraphSdl }) => {
        apiSchema = schema;
        try {
          rules = readSupergraphSecurity(coreSupergraphSdl, schema);
          forwarded = callerForwarder(rules.namedRights);
        } catch (err) {
          logger.error(
            { err: (err as Error).message },
            'could not read authorization rules from the supergraph; keeping the previous ones',
          );
        }
      });
    },
    async stop() {
      documentRegistry?.stop();
      await store.close();
      await options.partnerDatabase?.close();
    },
  };
}
