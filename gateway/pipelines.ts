import type { GraphQLDataSource, ServiceEndpointDefinition } from '@apollo/gateway';
import type { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Logger } from '../platform/logger';
import type { SystemName } from '../platform/systems';
import type { ProvenanceTracker } from './authority/provenance';
import { withReconciliation } from './authority/reconciliation/reconciliation';
import type { GatewayPerformance, FetchStep } from './performance';
import { loggingPlugin } from './plugins/logging.plugin';
import { metricsPlugin } from './plugins/metrics.plugin';
import { operationNamePlugin } from './plugins/operation-name.plugin';
import { provenancePlugin } from './plugins/provenance.plugin';
import { subgraphWaitPlugin } from './plugins/subgraph-wait.plugin';
import type { SubgraphHealth } from './reliability/subgraph-health';
import type { SecurityPlugins } from './security';
import { SubgraphDataSource, type SendHook } from './subgraph-data-source';
import { subscriptionHttpRefusalPlugin } from './subscriptions/http-refusal.plugin';

/**
 * The gateway's two pipelines, each built here from one ordered list that reads top to bottom:
 *
 * - the subgraph fetch chain, what one fetch of a query plan goes through on its way to a
 *   subgraph (`subgraphServices`, `fetchChain`);
 * - the Apollo Server plugins, whose hooks Apollo Server runs in list order (`gatewayPlugins`).
 *
 * A step that a setting turns off is left out; the rest keep their order. docs/architecture.md
 * describes both, with the invariants the order keeps; test/gateway/pipelines.test.ts checks it.
 */

/** One entry of a pipeline: its name (for the order test and the docs) and what runs, if anything. */
export interface Stage<T> {
  readonly name: string;
  readonly stage: T | undefined;
}

function present<T>(stages: readonly Stage<T>[]): { name: string; stage: T }[] {
  return stages.filter((s): s is { name: string; stage: T } => s.stage !== undefined);
}

// ── The subgraph fetch chain ────────────────────────────────────────────────────────────────

/** One step below the data source; `perSystem` steps are built for each system, shared ones once for all. */
export interface FetchChainStage extends Stage<FetchStep> {
  readonly perSystem?: (system: string) => FetchStep | undefined;
}

export interface FetchChainParts {
  /** The performance mechanisms; without them (a fetcher given by a test) only the seal sits above the wire. */
  performance?: GatewayPerformance;
  /** The wire when `performance` is absent. */
  fetcher?: Fetcher;
  /** Seals the caller header over the body actually sent (security/caller-seal.ts). */
  sealCaller: FetchStep;
}

/**
 * The steps between the data source and the wire, outermost first. Invariants:
 * - the system label is per system, above the shared steps: merging and batching keep one map
 *   for all subgraphs, keyed by URL;
 * - merging comes before batching, so a batch never carries the same fetch twice;
 * - the caller seal is last, below every step that changes a body (a batch is one body for many
 *   fetches), so each request on the wire carries a header sealed over its own body.
 */
export function fetchChainStages(parts: FetchChainParts): FetchChainStage[] {
  const perf = parts.performance;
  return [
    // Tells the sharing metrics which system a URL is: merging and batching see URLs only.
    { name: 'system-label', stage: undefined, perSystem: perf?.systemLabel },
    // Identical in-flight queries of callers with the same rights share one answer (SUBGRAPH_DEDUP).
    { name: 'merge', stage: perf?.merge },
    // Concurrent fetches to one subgraph go as one request (SUBGRAPH_BATCH).
    { name: 'batch', stage: perf?.batch },
    // The caller header, sealed over the body that goes on the wire.
    { name: 'caller-seal', stage: parts.sealCaller },
  ];
}

/** The HTTP client of each system's data source, composed from `fetchChainStages`. */
export interface FetchChain {
  fetcherFor(system: string): Fetcher;
  /** The steps a system's fetches go through, outermost first, the wire last. */
  namesFor(system: string): string[];
}

export function fetchChain(parts: FetchChainParts): FetchChain {
  const stages = fetchChainStages(parts);
  const found = stages.findIndex((s) => !s.perSystem);
  const firstShared = found < 0 ? stages.length : found;
  if (stages.slice(firstShared).some((s) => s.perSystem)) throw new Error('fetch chain: a per-system step must sit above the shared ones');
  const wireName = parts.performance ? 'pool' : 'fetcher';
  const wire = parts.performance?.pool ?? parts.fetcher ?? (globalThis.fetch as unknown as Fetcher);
  // Shared steps are composed once, from the wire up.
  const shared = present(stages.slice(firstShared));
  const sharedFetcher = shared.reduceRight((inner, s) => s.stage(inner), wire);
  const systemSteps = (system: string) =>
    stages.slice(0, firstShared).flatMap((s) => {
      const step = s.perSystem?.(system);
      return step ? [{ name: s.name, step }] : [];
    });
  return {
    fetcherFor: (system) => systemSteps(system).reduceRight((inner, s) => s.step(inner), sharedFetcher),
    namesFor: (system) => [...systemSteps(system).map((s) => s.name), ...shared.map((s) => s.name), wireName],
  };
}

export interface SubgraphServiceParts {
  /** Records the fetches of requests that ask for provenance. */
  provenance: ProvenanceTracker;
  /** The server that answers the reconciliation subgraph in-process (read at its first request). */
  apollo: () => ApolloServer<any>;
  health: SubgraphHealth;
  subgraphUrls: Partial<Record<SystemName, string>>;
  chain: FetchChain;
  /** A system's hooks before each request, after the request id and idempotency key: caller claims, trace context, any extra. */
  beforeSend: (system: string) => readonly SendHook[];
  logger: Logger;
}

/**
 * `@apollo/gateway`'s `buildService`: the outer part of the fetch chain, outermost first.
 * 1. the provenance tracker wraps every service, so a fetch is recorded whatever answers it;
 * 2. the reconciliation subgraph is answered in-process, over this gateway's own pipeline;
 * 3. every other system gets a data source: timeout, retries for queries, circuit breaker, the
 *    request id and idempotency key, then the `beforeSend` hooks; it sends through `chain`.
 */
export function subgraphServices(parts: SubgraphServiceParts): (definition: ServiceEndpointDefinition) => GraphQLDataSource {
  const { health, subgraphUrls, chain, beforeSend, logger } = parts;
  return parts.provenance.instrumentServices(
    withReconciliation(parts.apollo, ({ name, url }) => {
      const target = subgraphUrls[name as SystemName] ?? url!;
      health.register(name, target);
      return new SubgraphDataSource({
        system: name,
        url: target,
        policy: health.policy(name),
        breaker: health.breaker(name),
        fetcher: chain.fetcherFor(name),
        beforeSend: beforeSend(name),
        logger,
      });
    }),
  );
}

/** The steps a subgraph fetch goes through, outermost first, with the chain's own below the data source. */
export function subgraphFetchNames(chain: FetchChain, system: string): string[] {
  return ['provenance', 'data-source', ...chain.namesFor(system)];
}

// ── The Apollo Server plugins ───────────────────────────────────────────────────────────────

export interface PluginParts {
  /** Merging of identical queries in flight (OPERATION_DEDUP), when on. */
  operationMerge?: ApolloServerPlugin<any>;
  security: SecurityPlugins;
  logger: Logger;
  /** What was shared of an operation's work, for its log line. */
  sharingOf: Parameters<typeof loggingPlugin>[0]['sharingOf'];
  usage: ApolloServerPlugin<any>;
  provenance: ProvenanceTracker;
  /** The tracing's plugin, when traces are on. */
  tracing?: ApolloServerPlugin<any>;
}

/**
 * The plugins in the order Apollo Server runs their hooks. Invariants:
 * - operation merging is first: its `willSendResponse` copies the executed result for the merged
 *   requests before any other plugin's changes it (authorization's FORBIDDEN errors, headers);
 * - the limits measure the document as sent, before authorization cuts it;
 * - authorization cuts denied fields in `didResolveOperation`, before the plan is made; every
 *   plugin after it (usage, provenance) reads the cut document, and those that read the answer
 *   (logging, metrics, tracing) see the FORBIDDEN errors its `willSendResponse` adds;
 * - the subgraph wait and tracing come last, so they time and describe the response as sent.
 */
export function gatewayPluginStages(parts: PluginParts): Stage<ApolloServerPlugin<any>>[] {
  return [
    { name: 'operation-merge', stage: parts.operationMerge },
    // GET /graphql is the explorer's, served before Apollo Server.
    { name: 'landing-page-disabled', stage: ApolloServerPluginLandingPageDisabled() },
    { name: 'limits', stage: parts.security.limits },
    { name: 'authorization', stage: parts.security.authorization },
    { name: 'persisted-documents', stage: parts.security.persistedDocuments },
    // A subscription posted as plain JSON: 400 naming the live transports, not a 500.
    { name: 'subscription-http-refusal', stage: subscriptionHttpRefusalPlugin() },
    { name: 'logging', stage: loggingPlugin({ logger: parts.logger, sharingOf: parts.sharingOf }) },
    { name: 'metrics', stage: metricsPlugin() },
    { name: 'usage', stage: parts.usage },
    // An operation that cannot be chosen: 400 listing the operations, before the executor's 500.
    { name: 'operation-name', stage: operationNamePlugin() },
    { name: 'provenance', stage: provenancePlugin({ tracker: parts.provenance }) },
    { name: 'subgraph-wait', stage: subgraphWaitPlugin() },
    { name: 'tracing', stage: parts.tracing },
  ];
}

/** The plugin list for Apollo Server, from `gatewayPluginStages`. */
export function gatewayPlugins(parts: PluginParts): ApolloServerPlugin<any>[] {
  return present(gatewayPluginStages(parts)).map((s) => s.stage);
}
