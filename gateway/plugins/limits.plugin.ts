import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { gatewayError } from '../security/errors';

export interface LimitsOptions {
  /**
   * Deepest nesting of fields.
   * @default 15
   */
  maxDepth?: number;
  /**
   * Aliased fields in one document.
   * @default 30
   */
  maxAliases?: number;
  /**
   * Fields at the root of the operation.
   * @default 10
   */
  maxRootFields?: number;
  /**
  /**
   * Estimated cost: every field counts 1, times the estimated length of each list around it.
   * @default 10_000_000
   */
  maxCost?: number;
  /**
   * Estimated length of a root list whose size no `first`/`limit`/`last` argument bounds.
   * @default 100
   */
  defaultListSize?: number;
  /**
   * Estimated length of a list nested in another object (lines of an order, lots of a line):
   * children are fewer than roots, and counting them as many would refuse ordinary questions.
   * @default 10
   */
  nestedListSize?: number;
}

function tooComplex(message: string, limit: string, value: number, max: number) {
  return gatewayError('OPERATION_TOO_COMPLEX', 400, message, { limit, value, max });
}

interface Measure {
  depth: number;
  cost: number;
}

function measure(
  schema: GraphQLSchema,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  defaultListSize: number,
  nestedListSize: number,
  seen: Set<string>,
): Measure {
  let depth = 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = parent && 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
      let multiplier = 1;
      // Introspection lists are bounded by the schema's size, and the depth limit bounds their nesting.
      if (field && isListType(getNullableType(field.type)) && !parent!.name.startsWith('__')) {
        multiplier = parent === schema.getQueryType() || parent === schema.getMutationType() ? defaultListSize : nestedListSize;
        for (const arg of selection.arguments ?? []) {
          if (!['first', 'last', 'limit'].includes(arg.name.value)) continue;
          const value = arg.value.kind === Kind.INT ? Number(arg.value.value) : arg.value.kind === Kind.VARIABLE ? Number(variables[arg.value.name.value]) : NaN;
          if (Number.isFinite(value)) multiplier = Math.max(0, value);
        }
      }
      const inner = selection.selectionSet
        ? measure(schema, selection.selectionSet, field && isCompositeType(getNamedType(field.type)) ? (getNamedType(field.type) as GraphQLCompositeType) : undefined, fragments, variables, defaultListSize, nestedListSize, seen)
        : { depth: 0, cost: 0 };
      depth = Math.max(depth, inner.depth + 1);
      cost += multiplier * (1 + inner.cost);
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments[selection.name.value] : selection;
      if (!fragment) continue;
      // Validation forbids fragment cycles; the guard keeps a hostile document from looping before that.
      const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : undefined;
      if (name && seen.has(name)) continue;
      const condition = fragment.typeCondition ? (schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) : parent;
      const inner = measure(schema, fragment.selectionSet, condition, fragments, variables, defaultListSize, nestedListSize, name ? new Set([...seen, name]) : seen);
      depth = Math.max(depth, inner.depth);
      cost += inner.cost;
    }
  }
  return { depth, cost };
}

function countAliases(document: DocumentNode): number {
  let aliases = 0;
  const visit = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD && s.alias) aliases++;
      if (s.kind !== Kind.FRAGMENT_SPREAD && s.selectionSet) visit(s.selectionSet);
    }
  };
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) visit(d.selectionSet);
  return aliases;
}

function rootFieldCount(operation: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>): number {
  const names = new Set<string>();
  const collect = (set: SelectionSetNode, seen: Set<string>) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) names.add((s.alias ?? s.name).value);
      else if (s.kind === Kind.INLINE_FRAGMENT) collect(s.selectionSet, seen);
      else if (!seen.has(s.name.value) && fragments[s.name.value]) collect(fragments[s.name.value]!.selectionSet, new Set([...seen, s.name.value]));
    }
  };
  collect(operation.selectionSet, new Set());
  return names.size;
}

/** Depth, aliases, root fields and estimated cost of one operation of a validated document. */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  options: Pick<LimitsOptions, 'defaultListSize' | 'nestedListSize'> = {},
): { depth: number; aliases: number; rootFields: number; cost: number } {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const root = schema.getRootType(operation.operation) ?? undefined;
  const { depth, cost } = measure(schema, operation.selectionSet, root, fragments, variables, options.defaultListSize ?? 100, options.nestedListSize ?? 10, new Set());
  return { depth, aliases: countAliases(document), rootFields: rootFieldCount(operation, fragments), cost };
}

/**
 * Refuses operations that are too large or too expensive before any subgraph is asked (HTTP 400,
 * `OPERATION_TOO_COMPLEX`). Tokens are limited earlier, by the parser (`parseOptions.maxTokens`).
 */
export function limitsPlugin(options: LimitsOptions = {}): ApolloServerPlugin {
  const { maxDepth = 15, maxAliases = 30, maxRootFields = 10, maxCost = 10_000_000, defaultListSize = 100, nestedListSize = 10 } = options;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, schema, request }) {
          if (!operation) return;
          const m = measureOperation(schema, document, operation, request.variables ?? {}, { defaultListSize, nestedListSize });
          if (m.aliases > maxAliases) throw tooComplex(`the document uses ${m.aliases} aliases; at most ${maxAliases} are allowed`, 'aliases', m.aliases, maxAliases);
          if (m.rootFields > maxRootFields) throw tooComplex(`the operation asks for ${m.rootFields} root fields; at most ${maxRootFields} are allowed`, 'rootFields', m.rootFields, maxRootFields);
          if (m.depth > maxDepth) throw tooComplex(`the operation is nested ${m.depth} levels deep; at most ${maxDepth} are allowed`, 'depth', m.depth, maxDepth);
          if (m.cost > maxCost) throw tooComplex(`the operation's estimated cost is ${m.cost}; at most ${maxCost} is allowed (lists count ${defaultListSize} items at the root and ${nestedListSize} below, unless first/limit says otherwise)`, 'cost', m.cost, maxCost);
        },
      };
    },
  };
}
