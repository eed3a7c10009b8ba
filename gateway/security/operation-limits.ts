import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { PAGE_SIZE_DEFAULT } from '../../platform/paging';
import { gatewayError } from './errors';

/** The limits every operation is held to, at /graphql and at the explorer's planner alike. */
export interface OperationLimits {
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
   * Fragment definitions in one document: the query planner's work grows faster than their number.
   * @default 100
   */
  maxFragments?: number;
  /**
   * Fields in the operation once every fragment is spread out: what the planner and the
   * executor walk, whatever the lists return. A fragment spread twice counts twice.
   * @default 2_000
   */
  maxFields?: number;
  /**
   * Estimated cost: every field counts 1, times the length of each list around it. A connection's
   * `nodes` and `edges` are as long as its `first` (the default page size when it is absent).
   * @default 1_000_000
   */
  maxCost?: number;
  /**
   * Length counted for a plain root list that no `first`/`limit`/`last` bounds. Lists that grow
   * with the plant's history are connections, counted by their `first`; the plain root lists
   * left follow the plant's layout (a site's work centers, its count policies), a few dozen rows.
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

export const DEFAULT_LIMITS: Required<OperationLimits> = Object.freeze({
  maxDepth: 15,
  maxAliases: 30,
  maxRootFields: 10,
  maxFragments: 100,
  maxFields: 2_000,
  maxCost: 1_000_000,
  defaultListSize: 100,
  nestedListSize: 10,
});

export interface OperationMeasure {
  depth: number;
  fields: number;
  aliases: number;
  rootFields: number;
  cost: number;
}

type Limit = 'depth' | 'fields' | 'cost' | 'aliases' | 'rootFields' | 'fragments';

/** Thrown inside the walk when a budget is exceeded: the walk stops there, the value is a lower bound. */
class OverBudget {
  constructor(
    readonly limit: Limit,
    readonly value: number,
  ) {}
}

interface Size {
  depth: number;
  fields: number;
  cost: number;
}

const EMPTY: Size = { depth: 0, fields: 0, cost: 0 };

const BOUND_ARGUMENTS = new Set(['first', 'last', 'limit']);

function listBound(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Record<string, unknown>): number | undefined {
  for (const arg of node.arguments ?? []) {
    if (!BOUND_ARGUMENTS.has(arg.name.value)) continue;
    // Only a number bounds: `first: null` means the default page, not an empty one.
    const value = arg.value.kind === Kind.VARIABLE ? variables[arg.value.name.value] : valueFromASTUntyped(arg.value);
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, value);
  }
  // A bound the schema sets by default (`limit: Int! = 100`) is as real as one the caller writes.
  for (const arg of field.args) {
    if (BOUND_ARGUMENTS.has(arg.name) && typeof arg.defaultValue === 'number') return Math.max(0, arg.defaultValue);
  }
  return undefined;
}

/**
 * Runs the walk of a selection set below a field counted `multiplier` times (`own`: the field's
 * own 1, or 0 for an inline fragment), after `before` was spent: a cost overrun found there is
 * reported as a lower bound of the operation's cost, not as the selection set's.
 */
function scaled(before: number, multiplier: number, own: number, walk: () => Size): Size {
  try {
    return walk();
  } catch (err) {
    if (err instanceof OverBudget && err.limit === 'cost') throw new OverBudget('cost', before + multiplier * (own + err.value));
    throw err;
  }
}

/**
 * A Relay connection (`lots(first, after): LotConnection!`): a field taking `first` whose type has
 * `pageInfo` and the page's rows as `nodes` or `edges`.
 */
function isConnectionField(field: GraphQLField<unknown, unknown>, named: GraphQLNamedType | undefined): boolean {
  if (!named || !isObjectType(named) || !field.args.some((arg) => arg.name === 'first')) return false;
  const fields = named.getFields();
  return 'pageInfo' in fields && ('nodes' in fields || 'edges' in fields);
}

const PAGE_LISTS = new Set(['nodes', 'edges']);

/**
 * Measures an operation in time linear in the document: each fragment is measured once (its
 * size does not depend on where it is spread, except on a connection, where it is measured once per
 * page size) and the walk stops at the first exceeded budget.
 * Works on unvalidated documents too: unknown fields count 1, fragment cycles count nothing.
 */
function measureSelections(
  schema: GraphQLSchema,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  limits: Required<OperationLimits>,
): (set: SelectionSetNode, parent: GraphQLCompositeType | undefined, budget: number) => Size {
  const memo = new Map<string, Size | 'walking'>();
  const roots = new Set<GraphQLCompositeType | null | undefined>([
    schema.getQueryType(),
    schema.getMutationType(),
    schema.getSubscriptionType(),
  ]);

  const fragmentSize = (name: string, pageSize: number | undefined): Size => {
    const key = pageSize === undefined ? name : `${name}\u0000${pageSize}`;
    const known = memo.get(key);
    if (known === 'walking') return EMPTY;
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment) return EMPTY;
    memo.set(key, 'walking');
    const condition = schema.getType(fragment.typeCondition.name.value);
    // Measured against the largest budget: the size is the fragment's own, wherever it is spread.
    const size = walk(fragment.selectionSet, condition && isCompositeType(condition) ? condition : undefined, limits.maxCost, 0, pageSize);
    memo.set(key, size);
    return size;
  };

  /** `pageSize`: the selection set is a connection's, whose `nodes` and `edges` hold that many rows. */
  const walk = (
    set: SelectionSetNode,
    parent: GraphQLCompositeType | undefined,
    budget: number,
    level: number,
    pageSize?: number,
  ): Size => {
    let depth = 0;
    let fields = 0;
    let cost = 0;
    for (const selection of set.selections) {
      let inner: Size;
      if (selection.kind === Kind.FIELD) {
        if (level + 1 > limits.maxDepth) throw new OverBudget('depth', level + 1);
        const field = parent && 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
        let multiplier = 1;
        const isList = field !== undefined && isListType(getNullableType(field.type));
        if (isList && pageSize !== undefined && PAGE_LISTS.has(selection.name.value)) {
          // nodes and edges are the same rows: each counts the page once, neither multiplies the other.
          multiplier = pageSize;
        } else if (isList && !parent!.name.startsWith('__')) {
          // Introspection lists are bounded by the schema's size, and the depth limit bounds their nesting.
          multiplier = listBound(field, selection, variables) ?? (roots.has(parent!) ? limits.defaultListSize : limits.nestedListSize);
        }
        const named = field ? getNamedType(field.type) : undefined;
        // The connection object itself is one value; its first sizes the lists directly inside it.
        const page = field && isConnectionField(field, named) ? (listBound(field, selection, variables) ?? PAGE_SIZE_DEFAULT) : undefined;
        const children = selection.selectionSet
          ? scaled(cost, multiplier, 1, () =>
              walk(
                selection.selectionSet!,
                named && isCompositeType(named) ? named : undefined,
                multiplier > 0 ? (budget - cost) / multiplier - 1 : Infinity,
                level + 1,
                page,
              ),
            )
          : EMPTY;
        // An empty page costs nothing below it (and 0 × Infinity must not become NaN).
        inner = { depth: children.depth + 1, fields: children.fields + 1, cost: multiplier === 0 ? 0 : multiplier * (1 + children.cost) };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        inner = scaled(cost, 1, 0, () =>
          walk(selection.selectionSet, condition && isCompositeType(condition) ? condition : undefined, budget - cost, level, pageSize),
        );
      } else {
        inner = fragmentSize(selection.name.value, pageSize);
        if (level + inner.depth > limits.maxDepth) throw new OverBudget('depth', level + inner.depth);
      }
      depth = Math.max(depth, inner.depth);
      fields += inner.fields;
      cost += inner.cost;
      if (fields > limits.maxFields) throw new OverBudget('fields', fields);
      if (cost > budget) throw new OverBudget('cost', cost);
    }
    return { depth, fields, cost };
  };

  return (set, parent, budget) => walk(set, parent, budget, 0);
}

function countAliases(document: DocumentNode, max: number): number {
  let aliases = 0;
  // An explicit stack: nesting as deep as the parser allows must not exhaust the call stack.
  const stack: SelectionSetNode[] = [];
  for (const d of document.definitions)
    if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) stack.push(d.selectionSet);
  while (stack.length) {
    for (const s of stack.pop()!.selections) {
      if (s.kind === Kind.FIELD && s.alias && ++aliases > max) throw new OverBudget('aliases', aliases);
      if (s.kind !== Kind.FRAGMENT_SPREAD && s.selectionSet) stack.push(s.selectionSet);
    }
  }
  return aliases;
}

function countRootFields(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, max: number): number {
  const names = new Set<string>();
  // A fragment adds the same names wherever it is spread: each is read once.
  const visited = new Set<string>();
  const stack: SelectionSetNode[] = [operation.selectionSet];
  while (stack.length) {
    for (const s of stack.pop()!.selections) {
      if (s.kind === Kind.FIELD) {
        names.add((s.alias ?? s.name).value);
        if (names.size > max) throw new OverBudget('rootFields', names.size);
      } else if (s.kind === Kind.INLINE_FRAGMENT) stack.push(s.selectionSet);
      else if (!visited.has(s.name.value)) {
        visited.add(s.name.value);
        const fragment = fragments.get(s.name.value);
        if (fragment) stack.push(fragment.selectionSet);
      }
    }
  }
  return names.size;
}

/** The request's variables, with the operation's defaults for those it leaves out (`$n: Int = 200`). */
function withDefaults(operation: OperationDefinitionNode, variables: Record<string, unknown>): Record<string, unknown> {
  const defaults = (operation.variableDefinitions ?? []).filter((d) => d.defaultValue && variables[d.variable.name.value] === undefined);
  if (defaults.length === 0) return variables;
  const all = { ...variables };
  for (const d of defaults) all[d.variable.name.value] = valueFromASTUntyped(d.defaultValue!);
  return all;
}

export type LimitsVerdict = { ok: true; measure: OperationMeasure } | { ok: false; limit: Limit; value: number; error: GraphQLError };

function refusal(limit: Limit, value: number, limits: Required<OperationLimits>): LimitsVerdict {
  const messages: Record<Limit, string> = {
    aliases: `the document uses more than ${limits.maxAliases} aliases (counted ${value} before stopping); at most ${limits.maxAliases} are allowed`,
    rootFields: `the operation asks for more than ${limits.maxRootFields} root fields (counted ${value} before stopping); at most ${limits.maxRootFields} are allowed`,
    fragments: `the document defines more than ${limits.maxFragments} fragments (counted ${value} before stopping); at most ${limits.maxFragments} are allowed`,
    fields: `the operation selects at least ${value} fields once its fragments are spread out; at most ${limits.maxFields} are allowed`,
    depth: `the operation is nested at least ${value} levels deep; at most ${limits.maxDepth} are allowed`,
    cost: `the operation's estimated cost is at least ${value}; at most ${limits.maxCost} is allowed (a connection counts first rows, ${PAGE_SIZE_DEFAULT} when first is absent; other lists ${limits.defaultListSize} items at the root and ${limits.nestedListSize} below, unless limit says otherwise): ask for smaller pages`,
  };
  const max = {
    aliases: limits.maxAliases,
    rootFields: limits.maxRootFields,
    fragments: limits.maxFragments,
    depth: limits.maxDepth,
    fields: limits.maxFields,
    cost: limits.maxCost,
  }[limit];
  return { ok: false, limit, value, error: gatewayError('OPERATION_TOO_COMPLEX', 400, messages[limit], { limit, value, max }) };
}

/**
 * Holds one operation to the limits, in time linear in the document, stopping at the first
 * exceeded budget. Safe on documents not yet validated.
 */
export function checkOperationLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  options: OperationLimits = {},
): LimitsVerdict {
  const limits = { ...DEFAULT_LIMITS, ...options };
  const fragments = new Map<string, FragmentDefinitionNode>();
  try {
    for (const d of document.definitions) {
      if (d.kind !== Kind.FRAGMENT_DEFINITION) continue;
      fragments.set(d.name.value, d);
      if (fragments.size > limits.maxFragments) throw new OverBudget('fragments', fragments.size);
    }
    const aliases = countAliases(document, limits.maxAliases);
    const rootFields = countRootFields(operation, fragments, limits.maxRootFields);
    const root = schema.getRootType(operation.operation) ?? undefined;
    const { depth, fields, cost } = measureSelections(
      schema,
      fragments,
      withDefaults(operation, variables),
      limits,
    )(operation.selectionSet, root, limits.maxCost);
    return { ok: true, measure: { depth, fields, aliases, rootFields, cost } };
  } catch (err) {
    if (err instanceof OverBudget) return refusal(err.limit, err.value, limits);
    // A chain of fragments longer than the call stack: no ordinary operation comes near it.
    if (err instanceof RangeError) return refusal('depth', limits.maxDepth + 1, limits);
    throw err;
  }
}

/** Depth, aliases, root fields and estimated cost of one operation, with no budget to stop at. */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  options: Pick<OperationLimits, 'defaultListSize' | 'nestedListSize'> = {},
): OperationMeasure {
  const unbounded = {
    maxDepth: Infinity,
    maxAliases: Infinity,
    maxRootFields: Infinity,
    maxFragments: Infinity,
    maxFields: Infinity,
    maxCost: Infinity,
    ...options,
  };
  const verdict = checkOperationLimits(schema, document, operation, variables, unbounded);
  if (!verdict.ok) throw verdict.error;
  return verdict.measure;
}
