import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f] as const),
  );
}

/** How many list levels a field's type has: `[[A]]` folds into two `*`. */
function listDepth(type: GraphQLOutputType): number {
  const nullable = getNullableType(type);
  return isListType(nullable) ? 1 + listDepth(nullable.ofType) : 0;
}

function compositeType(schema: GraphQLSchema, name: string | undefined): GraphQLCompositeType | undefined {
  const type = name ? schema.getType(name) : undefined;
  return type && isCompositeType(type) ? type : undefined;
}

/**
 * Visits every field of a selection set, through fragments, with its response path (parents
 * before children; a list adds `*` after its field). `visit` returns the path its children sit
 * under, or undefined to stop there.
 */
function walk(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType | undefined,
  selectionSet: SelectionSetNode,
  prefix: readonly string[],
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  visit: (path: readonly string[], field: FieldNode) => readonly string[] | undefined,
  seen: Set<string> = new Set(),
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === '__typename') continue;
      const definition = parent && 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
      const stars = definition ? listDepth(definition.type) : 0;
      const path = [...prefix, selection.alias?.value ?? selection.name.value, ...Array<string>(stars).fill('*')];
      const childPrefix = visit(path, selection);
      if (childPrefix && selection.selectionSet) {
        const child = definition ? (getNamedType(definition.type) as GraphQLCompositeType) : undefined;
        walk(schema, child, selection.selectionSet, childPrefix, fragments, visit, seen);
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? compositeType(schema, selection.typeCondition.name.value) : parent;
      walk(schema, type, selection.selectionSet, prefix, fragments, visit, seen);
    } else {
      const fragment = fragments.get(selection.name.value);
      const key = `${prefix.join('.')}|${selection.name.value}`;
      // A fragment spread twice at one path adds nothing, and a cycle would never end.
      if (fragment && !seen.has(key)) {
        seen.add(key);
        walk(schema, compositeType(schema, fragment.typeCondition.name.value), fragment.selectionSet, prefix, fragments, visit, seen);
      }
    }
  }
}

function rootType(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLCompositeType | undefined {
  return (
    (operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType()) ?? undefined
  );
}

/** The paths of every field the client's operation selects, list positions folded into `*`. */
export function requestedPaths(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): Set<string> {
  const paths = new Set<string>();
  const operation = operationOf(document, operationName);
  if (!operation) return paths;
  walk(schema, rootType(schema, operation), operation.selectionSet, [], fragmentsOf(document), (path) => {
    paths.add(path.join('.'));
    return path;
  });
  return paths;
}

/** One field a subgraph fetch selected, at its response path with list positions folded into `*`. */
export interface FetchedField {
  readonly path: string;
  readonly hasChildren: boolean;
}

/**
 * The fields one fetch of the query plan selects, at their response paths: an `_entities`
 * fetch's selection sits at the fetch's merge path (`@` marks a list there).
 */
export function fetchedFields(schema: GraphQLSchema, document: DocumentNode, mergePath: readonly (string | number)[]): FetchedField[] {
  const operation = operationOf(document);
  if (!operation) return [];
  const base = mergePath
    .filter((s) => typeof s === 'number' || !s.startsWith('...'))
    .map((s) => (s === '@' || typeof s === 'number' ? '*' : s));
  const fields: FetchedField[] = [];
  walk(schema, rootType(schema, operation), operation.selectionSet, base, fragmentsOf(document), (path, field) => {
    // The representations go in and the entities come out at the merge path.
    if (path.length === base.length + 1 && field.name.value === '_entities') return base;
    fields.push({ path: path.join('.'), hasChildren: Boolean(field.selectionSet) });
    return path;
  });
  return fields;
}
