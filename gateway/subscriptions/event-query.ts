import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isNonNullType,
  Kind,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type TypeNode,
  type VariableDefinitionNode,
} from 'graphql';

/**
 * Each live field and the query field that reads its entity by key. An event names the live
 * field and carries the key; the gateway reads the entity with this query field, so every value
 * comes from its own system through the same plan as any query.
 */
export const LIVE_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  workCenterStateChanged: 'workCenter',
  workOrderProgressed: 'workOrder',
  countTaskChanged: 'countTask',
  qualityHoldChanged: 'qualityHold',
  stockStatusChanged: 'materialSite',
  purchaseOrderChanged: 'purchaseOrder',
});

/** A subscription turned into the query each of its events runs. */
export interface EventQuery {
  /** The live field subscribed to, e.g. `countTaskChanged`. */
  readonly field: string;
  /** The live field's one argument, which selects whose changes the subscriber hears: `siteId` or `supplierId`. */
  readonly scopeArgument: string;
  /** Its value: the site, or the supplier. */
  readonly scope: string;
  /** The key of the changed entity in each answer (the subscription's alias or field name). */
  readonly responseKey: string;
  /** The query: the subscriber's selection on the entity read by key, under the subscription's response key. */
  readonly query: string;
  readonly operationName: string | undefined;
  /** The subscriber's variables the query still uses. */
  readonly variables: Readonly<Record<string, unknown>>;
  /**
   * The query's variables for an event: its key, e.g. `{ id: "CT0000001" }` → `{ liveKey_id: "CT0000001" }`,
   * and, where the query field by key takes `asOfChange`, the event's change number, so that the
   * owner answers for the entity as the change left it.
   */
  variablesFor(event: { readonly key: Readonly<Record<string, string>>; readonly seq: number }): Record<string, unknown>;
}

/**
 * The argument of a query field by key that reads its entity as of a change. Only the system that
 * writes a live field's events may take it on that field's query by key (their change numbers are
 * its own); a test of the composed schema holds every live field to that.
 */
export const AS_OF_CHANGE_ARG = 'asOfChange';

export type EventQueryResult = { ok: true; eventQuery: EventQuery } | { ok: false; message: string; errors?: readonly GraphQLError[] };

const KEY_PREFIX = 'liveKey_';

function typeNode(type: NonNullable<ReturnType<typeof getNamedType>>, nonNull: boolean): TypeNode {
  const named: TypeNode = { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type.name } };
  return nonNull ? { kind: Kind.NON_NULL_TYPE, type: named } : named;
}

/**
 * Rewrites a validated subscription operation into the query its events run:
 * `subscription S($site: ID!) { changed: countTaskChanged(siteId: $site) { status } }` becomes
 * `query S($liveKey_id: ID!) { changed: countTask(id: $liveKey_id) { status } }`, fragments kept.
 * The response key stays the subscription's, so answers and error paths read as the subscriber wrote them.
 */
export function eventQueryOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  inputs: Record<string, unknown>,
): EventQueryResult {
  if (operation.operation !== 'subscription') return { ok: false, message: 'expected a subscription operation' };
  const selections = operation.selectionSet.selections;
  const root = selections[0];
  if (selections.length !== 1 || root?.kind !== Kind.FIELD) {
    return {
      ok: false,
      message: `a subscription selects exactly one live field (${Object.keys(LIVE_FIELDS).join(', ')}), without fragments at its root`,
    };
  }
  const queryFieldName = LIVE_FIELDS[root.name.value];
  const subscriptionType = schema.getSubscriptionType();
  const liveDef = subscriptionType?.getFields()[root.name.value];
  const queryDef = schema.getQueryType()?.getFields()[queryFieldName ?? ''];
  if (!queryFieldName || !liveDef || !queryDef) {
    return {
      ok: false,
      message: `"${root.name.value}" is not a live field of this graph; expected one of ${Object.keys(LIVE_FIELDS).join(', ')}`,
    };
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
  if (coerced.errors) return { ok: false, message: coerced.errors[0]!.message, errors: coerced.errors };
  // Every live field has one argument, its scope: \`siteId\`, or \`supplierId\` for a supplier's field.
  const [scopeArg] = liveDef.args;
  const scope = String(getArgumentValues(liveDef, root, coerced.coerced)[scopeArg!.name]);

  const keyArgs = queryDef.args;
  const field: FieldNode = {
    ...root,
    alias: root.alias ?? { kind: Kind.NAME, value: root.name.value },
    name: { kind: Kind.NAME, value: queryFieldName },
    arguments: keyArgs.map((arg) => ({
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: arg.name },
      value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: KEY_PREFIX + arg.name } },
    })),
  };
  const keyDefinitions: VariableDefinitionNode[] = keyArgs.map((arg) => ({
    kind: Kind.VARIABLE_DEFINITION,
    variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: KEY_PREFIX + arg.name } },
    type: typeNode(getNamedType(arg.type)!, isNonNullType(arg.type)),
  }));

  // The scope's argument is gone: variables only it used would fail validation as unused.
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  const used = new Set<string>();
  const collect = { Variable: (node: { name: { value: string } }) => void used.add(node.name.value) };
  visit(field, collect);
  for (const fragment of fragments) visit(fragment, collect);
  const kept = (operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value));
  if (kept.some((d) => d.variable.name.value.startsWith(KEY_PREFIX))) {
    return { ok: false, message: `variable names starting with "${KEY_PREFIX}" are reserved for the keys of live events` };
  }
  const query: OperationDefinitionNode = {
    ...operation,
    operation: 'query' as OperationDefinitionNode['operation'],
    variableDefinitions: [...kept, ...keyDefinitions],
    selectionSet: { kind: Kind.SELECTION_SET, selections: [field] },
  };
  const variables: Record<string, unknown> = {};
  for (const d of kept) if (d.variable.name.value in inputs) variables[d.variable.name.value] = inputs[d.variable.name.value];
  return {
    ok: true,
    eventQuery: {
      field: root.name.value,
      scopeArgument: scopeArg!.name,
      scope,
      responseKey: field.alias!.value,
      query: print({ kind: Kind.DOCUMENT, definitions: [query, ...fragments] }),
      operationName: operation.name?.value,
      variables,
      variablesFor: ({ key, seq }) => {
        const values: Record<string, unknown> = { ...variables };
        for (const arg of keyArgs) values[KEY_PREFIX + arg.name] = arg.name === AS_OF_CHANGE_ARG ? String(seq) : key[arg.name];
        return values;
      },
    },
  };
}
