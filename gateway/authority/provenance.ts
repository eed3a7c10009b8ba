import { performance } from 'node:perf_hooks';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions, ServiceEndpointDefinition } from '@apollo/gateway';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { isSystemName, SYSTEMS, type SystemKind } from '../../platform/systems';
import { fetchedFields, requestedPaths } from './response-paths';

/** One subgraph fetch of an executed query plan. */
export interface FetchRecord {
  readonly system: string;
  /** Where the fetch's result was merged into the response (`@` for lists). */
  readonly mergePath: readonly (string | number)[];
  readonly document: DocumentNode;
  readonly durationMs: number;
}

/** What one system contributed to a response. */
export interface SystemProvenance {
  readonly label: string;
  readonly kind: SystemKind | null;
  /** Response paths the system answered, list positions folded into `*`. */
  readonly paths: readonly string[];
  /** Fields the system delivered only as input to another system's fetch (keys, `@requires`), not in the response. */
  readonly inputs: readonly string[];
  readonly fetches: number;
  /** Time spent in this system's fetches, summed, in milliseconds. */
  readonly fetchMs: number;
}

export type Provenance = Record<string, SystemProvenance>;

/**
 * Records, for the requests that asked for it, which subgraph fetches the query plan executed and
 * how long each took. Requests that did not ask cost one WeakMap lookup per fetch.
 */
export interface ProvenanceTracker {
  /** Starts recording the fetches of the request whose context this is. */
  enable(context: object): void;
  /** The fetches recorded for a request, or undefined when it did not ask. */
  fetches(context: object): readonly FetchRecord[] | undefined;
  /** Wraps a gateway `buildService` so every data source it builds reports its fetches. */
  instrumentServices<T extends GraphQLDataSource>(
    build: (definition: ServiceEndpointDefinition) => T,
  ): (definition: ServiceEndpointDefinition) => T;
}

/** Creates a tracker; its per-request state lives in a WeakMap keyed by the request's context. */
export function createProvenanceTracker(): ProvenanceTracker {
  const records = new WeakMap<object, FetchRecord[]>();
  const instrument = <T extends GraphQLDataSource>(system: string, dataSource: T): T => {
    const process = dataSource.process.bind(dataSource);
    dataSource.process = async (options: GraphQLDataSourceProcessOptions) => {
      const list = options.kind === 'incoming operation' ? records.get(options.context as object) : undefined;
      if (!list || options.kind !== 'incoming operation') return process(options);
      const started = performance.now();
      try {
        return await process(options);
      } finally {
        list.push({
          system,
          mergePath: options.pathInIncomingRequest ?? [],
          document: options.document ?? parse(options.request.query ?? '{ __typename }'),
          durationMs: performance.now() - started,
        });
      }
    };
    return dataSource;
  };
  return {
    enable: (context) => void records.set(context, []),
    fetches: (context) => records.get(context),
    instrumentServices: (build) => (definition) => instrument(definition.name, build(definition)),
  };
}

/**
 * Turns the fetches of one request into its provenance: for each system, the paths of the
 * response it answered. A path is listed at the deepest level the client asked for, so an
 * entity reference (`workOrders.*.customer`) belongs to the system that chose it and the entity's
 * fields to the system that resolved them.
 */
export function summarizeProvenance(
  fetches: readonly FetchRecord[],
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
): Provenance {
  const requested = requestedPaths(schema, document, operationName);
  const result: Provenance = {};
  const paths = new Map<string, Set<string>>();
  const inputs = new Map<string, Set<string>>();
  const stats = new Map<string, { fetches: number; ms: number }>();
  for (const fetch of fetches) {
    const fields = fetchedFields(schema, fetch.document, fetch.mergePath);
    const answered = fields.filter((f) => requested.has(f.path));
    const answeredPaths = answered.map((f) => f.path);
    const own = paths.get(fetch.system) ?? new Set<string>();
    for (const field of answered) {
      const hasAnsweredChild = answeredPaths.some((p) => p.startsWith(`${field.path}.`));
      if (!hasAnsweredChild) own.add(field.path);
    }
    paths.set(fetch.system, own);
    const extra = inputs.get(fetch.system) ?? new Set<string>();
    for (const field of fields) if (!field.hasChildren && !requested.has(field.path)) extra.add(field.path);
    inputs.set(fetch.system, extra);
    const stat = stats.get(fetch.system) ?? { fetches: 0, ms: 0 };
    stat.fetches += 1;
    stat.ms += fetch.durationMs;
    stats.set(fetch.system, stat);
  }
  for (const [system, stat] of stats) {
    const info = isSystemName(system) ? SYSTEMS[system] : undefined;
    result[system] = {
      label: info?.label ?? system,
      kind: info?.kind ?? null,
      paths: [...(paths.get(system) ?? [])],
      inputs: [...(inputs.get(system) ?? [])],
      fetches: stat.fetches,
      fetchMs: Math.round(stat.ms * 100) / 100,
    };
  }
  return result;
}
