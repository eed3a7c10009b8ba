import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { parse, type GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';
import { setBounded } from '../../platform/bounded-map';
import type { Caller } from '../../platform/caller';
import { registry as processRegistry } from '../../platform/metrics';
import { callerOf } from '../security/caller';
import type { UsageAggregator } from '../usage/aggregator';
import { selectedCoordinates } from '../usage/coordinates';
import { LabelFolder } from '../usage/label-folding';
import { documentHash } from '../usage/signature';
import { usageMetricsFor } from '../usage/usage.metrics';

export interface UsagePluginOptions {
  /** Where operations are summed for the flusher; none records metrics only (`USAGE=off`, or no gateway database). */
  aggregator?: UsageAggregator;
  /**
   * Where the per-operation metrics are registered.
   * @default the process registry served on `/metrics`
   */
  registry?: Registry;
  /**
   * Distinct operation names that get their own metric label; later ones are `other`.
   * @default 100
   */
  maxOperationLabels?: number;
  /**
   * Distinct clients that get their own metric label; later ones are `other`.
   * @default 20
   */
  maxClientLabels?: number;
  /**
   * Documents whose signature and coordinates are remembered (per schema).
   * @default 2000
   */
  memoSize?: number;
  /**
   * Buckets of the latency histogram, in seconds.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  buckets?: number[];
}

/** Longest client name or version kept; a header is the caller's to fill. */
const MAX_CLIENT_TEXT = 64;

/** The client, by the Apollo convention (`apollographql-client-name`), else the kind of caller. */
export function clientOf(requestContext: GraphQLRequestContext<BaseContext>): { name: string; version: string } {
  const headers = requestContext.request.http?.headers;
  const name = headers?.get('apollographql-client-name')?.trim().slice(0, MAX_CLIENT_TEXT);
  const version = headers?.get('apollographql-client-version')?.trim().slice(0, MAX_CLIENT_TEXT) ?? '';
  return { name: name || callerKind(callerOf(requestContext.contextValue)), version };
}

function callerKind(caller: Caller | undefined): string {
  if (!caller) return 'unknown';
  if (caller.kind === 'partner') return `partner:${caller.supplierId ?? caller.customerId ?? caller.subject}`;
  if (caller.kind === 'service') return caller.subject.startsWith('service:') ? caller.subject : `service:${caller.subject}`;
  return 'user';
}

/** A bounded memo per schema: a new supergraph starts with an empty one. */
class Memo<V> {
  private readonly bySchema = new WeakMap<GraphQLSchema, Map<string, V>>();
  constructor(private readonly size: number) {}
  get(schema: GraphQLSchema, key: string, compute: () => V): V {
    let map = this.bySchema.get(schema);
    if (!map) this.bySchema.set(schema, (map = new Map()));
    let value = map.get(key);
    if (value === undefined) setBounded(map, key, (value = compute()), this.size);
    return value;
  }
}

/**
 * Usage recording and per-operation metrics. For each resolved operation it hands the aggregator
 * the client, the operation name, the hash of the normalized document, the coordinates selected
 * after the authorization cut, the outcome and the latency; and it counts every request in
 * `plantgraph_operation_requests_total{operation,client,outcome}` and a latency histogram.
 * Registered after the authorization plugin, it reads the document that plugin cut; both the
 * signature (by the client's query hash) and the coordinates (by the cut document's hash, which
 * encodes what the caller's rights removed) are worked out once per document.
 */
export function usagePlugin<TContext extends BaseContext>(options: UsagePluginOptions = {}): ApolloServerPlugin<TContext> {
  const metrics = usageMetricsFor(
    options.registry ?? processRegistry,
    options.buckets ?? [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  const operations = new LabelFolder(options.maxOperationLabels ?? 100, /^[_A-Za-z][_0-9A-Za-z]{0,63}$/);
  const clients = new LabelFolder(options.maxClientLabels ?? 20);
  const signatures = new Memo<string>(options.memoSize ?? 2_000);
  const coordinates = new Memo<readonly string[]>(options.memoSize ?? 2_000);
  const { aggregator } = options;
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let sourceHash: string | undefined;
      let source: string | undefined;
      let rejected = false;
      return {
        async didResolveSource(ctx) {
          // The client's own document; the authorization plugin may later swap in a cut one.
          sourceHash = ctx.queryHash;
          source = ctx.source;
        },
        async didEncounterErrors(ctx) {
          if (!ctx.operation) rejected = true;
        },
        async willSendResponse(ctx) {
          const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
          const body = ctx.response.body.kind === 'single' ? ctx.response.body.singleResult : undefined;
          const hasErrors = Boolean(body?.errors?.length);
          const hasData = body?.data !== undefined && body?.data !== null;
          const outcome = rejected || !ctx.operation ? 'rejected' : !hasErrors ? 'ok' : hasData ? 'partial' : 'error';
          const client = clientOf(ctx);
          const operationName = ctx.operation ? (ctx.operationName ?? '') : '';
          const labels = {
            operation: outcome === 'rejected' ? 'other' : operations.fold(operationName),
            client: clients.fold(client.name),
            outcome,
          };
          metrics.requests.inc(labels);
          metrics.duration.observe(labels, durationMs / 1000);
          if (!aggregator || outcome === 'rejected' || !ctx.document || sourceHash === undefined || source === undefined) return;
          const original = source;
          try {
            aggregator.add({
              at: Date.now(),
              clientName: client.name,
              clientVersion: client.version,
              operationName,
              documentHash: signatures.get(ctx.schema, `${sourceHash}\0${operationName}`, () =>
                documentHash(parse(original), operationName),
              ),
              coordinates: coordinates.get(ctx.schema, `${ctx.queryHash}\0${operationName}`, () =>
                selectedCoordinates(ctx.schema, ctx.document!, operationName),
              ),
              failed: hasErrors,
              durationMs,
            });
          } catch {
            // Usage is best effort: a document it cannot read is counted as lost, never fails the response.
            metrics.dropped.inc();
          }
        },
      };
    },
  };
}
