import { getOperationAST, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { setBounded } from '../../platform/bounded-map';
import { createSupergraphPlanner, formatQueryPlan, type PlanNode, type QueryPlan } from '../apollo-internals';
import { checkOperationLimits, DEFAULT_LIMITS, type OperationLimits } from '../security/operation-limits';

/** One fetch the gateway would send to a subgraph. */
export interface PlannedFetch {
  /** The subgraph's name as the supergraph spells it (`erp`, `inventory`, …). */
  readonly system: string;
  /** 1 for the first round of fetches; fetches of one stage run in parallel. */
  readonly stage: number;
  /** Where in the response the fetched data lands (`workOrders.@`); empty for a root fetch. */
  readonly path: string;
  /** Entity types fetched through `_entities`, empty for a root fetch. */
  readonly entityTypes: readonly string[];
  /** The operation sent to the subgraph. */
  readonly operation: string;
}

/** What the gateway would do for an operation, without doing it. */
export interface OperationPlan {
  /** Systems touched, in the order of their first fetch. */
  readonly systems: readonly string[];
  readonly fetches: readonly PlannedFetch[];
  /** The planner's own rendering of the plan. */
  readonly text: string;
}

export type PlanResult = { ok: true; plan: OperationPlan } | { ok: false; errors: GraphQLError[] };

export interface OperationPlanner {
  plan(query: string, operationName?: string | null): PlanResult;
}

const MAX_CACHED_DOCUMENT = 16_384;

export interface PlannerOptions {
  /**
   * Plans kept, for the most recent documents.
   * @default 200
   */
  cacheSize?: number;
  /**
   * The limits of POST /graphql: an operation the gateway would refuse is not planned either.
   * @default DEFAULT_LIMITS
   */
  limits?: OperationLimits;
  /**
   * Lexical tokens in one document, as for POST /graphql.
   * @default 15_000
   */
  maxTokens?: number;
}

/**
 * The limits of POST /graphql applied to a document for the planner, before it is validated or
 * planned: parsing stops at `maxTokens`, the measure is linear in the document and stops at the
 * first exceeded budget. Undefined when the document may be planned.
 */
export function planLimitsRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  limits: OperationLimits = {},
): GraphQLError | undefined {
  const operation = getOperationAST(document, operationName || undefined);
  // Without a single operation to measure, validation and planning say what is wrong.
  if (!operation) return undefined;
  const verdict = checkOperationLimits(schema, document, operation, {}, limits);
  if (verdict.ok) return undefined;
  const { http: _status, ...extensions } = verdict.error.extensions;
  return new GraphQLError(verdict.error.message, { extensions });
}

/**
 * Builds a planner over one supergraph with the same Federation query planner the gateway runs.
 * Plans are kept for the `cacheSize` most recent documents: the page asks again for the plan of
 * each operation it runs.
 */
export function createOperationPlanner(supergraphSdl: string, options: PlannerOptions = {}): OperationPlanner {
  const { cacheSize = 200, limits, maxTokens = 15_000 } = options;
  const planner = createSupergraphPlanner(supergraphSdl);
  const graphqlSchema: GraphQLSchema = planner.apiSchema;

  const planUncached = (query: string, operationName?: string | null): PlanResult => {
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens });
    } catch (err) {
      // graphql-js parses by recursion: a few thousand nested selections exhaust the stack first.
      if (err instanceof RangeError)
        return {
          ok: false,
          errors: [
            asBadInput(
              new Error(
                `the document nests selections too deeply to be read; at most ${limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth} levels are allowed`,
              ),
            ),
          ],
        };
      return { ok: false, errors: [asBadInput(err as GraphQLError)] };
    }
    const refusal = planLimitsRefusal(graphqlSchema, document, operationName, limits);
    if (refusal) return { ok: false, errors: [refusal] };
    const invalid = validate(graphqlSchema, document);
    if (invalid.length) return { ok: false, errors: invalid.map(asValidationError) };
    try {
      const plan = planner.plan(document, operationName || undefined);
      return { ok: true, plan: summarize(plan) };
    } catch (err) {
      return { ok: false, errors: [asBadInput(err as Error)] };
    }
  };

  const cache = new Map<string, PlanResult>();
  const plan = (query: string, operationName?: string | null): PlanResult => {
    // Large documents are planned every time, so that the cache stays small.
    if (query.length > MAX_CACHED_DOCUMENT) return planUncached(query, operationName);
    const key = `${operationName ?? ''}\n${query}`;
    const cached = cache.get(key);
    if (cached) {
      // Map order is insertion order: re-inserting marks the entry as the most recent.
      cache.delete(key);
      cache.set(key, cached);
      return cached;
    }
    const result = planUncached(query, operationName);
    setBounded(cache, key, result, cacheSize);
    return result;
  };

  return { plan };
}

function asBadInput(err: Error): GraphQLError {
  return new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
}

function asValidationError(err: GraphQLError): GraphQLError {
  return new GraphQLError(err.message, { nodes: err.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}

/** Flattens the plan tree into stages: a sequence advances the stage, a parallel block shares it. */
export function summarize(plan: QueryPlan): OperationPlan {
  const fetches: PlannedFetch[] = [];
  const walk = (node: PlanNode, after: number, path: string): number => {
    switch (node.kind) {
      case 'Fetch':
        fetches.push({
          system: node.serviceName,
          stage: after + 1,
          path,
          entityTypes: entityTypesOf(node.operation),
          operation: node.operation,
        });
        return after + 1;
      case 'Flatten':
        return walk(node.node, after, node.path.join('.'));
      case 'Sequence':
        return node.nodes.reduce((stage, child) => walk(child, stage, path), after);
      case 'Parallel':
        return Math.max(after, ...node.nodes.map((child) => walk(child, after, path)));
      case 'Condition': {
        const branches = [node.ifClause, node.elseClause].filter((n): n is PlanNode => !!n);
        return Math.max(after, ...branches.map((child) => walk(child, after, path)));
      }
      case 'Defer': {
        const primary = node.primary.node ? walk(node.primary.node, after, path) : after;
        const deferred = node.deferred.map((d) => (d.node ? walk(d.node, primary, path) : primary));
        return Math.max(primary, ...deferred);
      }
    }
  };
  const root = plan.node;
  if (root) {
    if (root.kind === 'Subscription') {
      const first = walk(root.primary, 0, '');
      if (root.rest) walk(root.rest, first, '');
    } else {
      walk(root, 0, '');
    }
  }
  fetches.sort((a, b) => a.stage - b.stage);
  const systems = [...new Set(fetches.map((f) => f.system))];
  return { systems, fetches, text: formatQueryPlan(plan) };
}

/** The types named by the inline fragments directly under `_entities`. */
function entityTypesOf(operation: string): string[] {
  const types = new Set<string>();
  for (const definition of parse(operation).definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const field of definition.selectionSet.selections) {
      if (field.kind !== Kind.FIELD || field.name.value !== '_entities') continue;
      for (const fragment of field.selectionSet?.selections ?? []) {
        if (fragment.kind === Kind.INLINE_FRAGMENT && fragment.typeCondition) types.add(fragment.typeCondition.name.value);
      }
    }
  }
  return [...types];
}
