import {
  Kind,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type TypeNode,
} from 'graphql';

/** One `@join__field` of a supergraph field. */
export interface JoinField {
  readonly graph: string;
  readonly external: boolean;
  readonly requires?: string;
  readonly provides?: string;
  readonly override?: string;
  readonly usedOverridden: boolean;
}

/** One `@join__type` of a supergraph type. */
export interface JoinType {
  readonly graph: string;
  readonly key?: string;
  readonly resolvable: boolean;
}

export interface SupergraphField {
  readonly name: string;
  readonly type: string;
  readonly nonNull: boolean;
  readonly joins: readonly JoinField[];
  /** The systems that answer the field (not those that only declare it `@external`). */
  readonly resolvedBy: readonly string[];
  /** True when the field is part of one of the type's keys. */
  readonly isKey: boolean;
}

export interface SupergraphType {
  readonly name: string;
  readonly kind: 'object' | 'interface' | 'input';
  readonly joins: readonly JoinType[];
  /** The systems that define the type, in supergraph order. */
  readonly systems: readonly string[];
  readonly isEntity: boolean;
  readonly isRoot: boolean;
  readonly fields: readonly SupergraphField[];
}

/** What the guards, the authority map and the description writer read from a supergraph. */
export interface SupergraphModel {
  /** The `join__Graph` enum value (ERP) → subgraph name (erp). */
  readonly graphs: ReadonlyMap<string, string>;
  readonly types: readonly SupergraphType[];
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

function argument(directive: ConstDirectiveNode, name: string): unknown {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  const value = arg.value;
  switch (value.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return value.value;
    case Kind.BOOLEAN:
      return value.value;
    default:
      return undefined;
  }
}

/** The named type under a type's list and non-null wrappers (`[Lot!]!` → `Lot`). */
export function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

/** Top-level field names of a field set such as "materialId siteId" or "id material { id }". */
export function topLevelFields(fieldSet: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (const token of fieldSet.match(/[_A-Za-z][_0-9A-Za-z]*|[{}]/g) ?? []) {
    if (token === '{') depth++;
    else if (token === '}') depth--;
    else if (depth === 0) names.push(token);
  }
  return names;
}

/** Reads the join directives of a composed supergraph: who defines each type and who answers each field. */
export function readSupergraph(document: DocumentNode): SupergraphModel {
  const graphs = new Map<string, string>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION || def.name.value !== 'join__Graph') continue;
    for (const value of def.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === 'join__graph');
      const name = directive && argument(directive, 'name');
      graphs.set(value.name.value, typeof name === 'string' ? name : value.name.value.toLowerCase());
    }
  }
  const system = (graph: string) => graphs.get(graph) ?? graph.toLowerCase();

  const types: SupergraphType[] = [];
  for (const def of document.definitions) {
    let kind: SupergraphType['kind'];
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION) kind = 'object';
    else if (def.kind === Kind.INTERFACE_TYPE_DEFINITION) kind = 'interface';
    else if (def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) kind = 'input';
    else continue;
    const name = def.name.value;
    if (name.startsWith('join__') || name.startsWith('link__')) continue;
    const joins: JoinType[] = (def.directives ?? [])
      .filter((d) => d.name.value === 'join__type')
      .map((d) => ({
        graph: system(String(argument(d, 'graph'))),
        key: argument(d, 'key') as string | undefined,
        resolvable: argument(d, 'resolvable') !== false,
      }));
    const systems = [...new Set(joins.map((j) => j.graph))];
    const keyFields = new Set(joins.flatMap((j) => (j.key ? topLevelFields(j.key) : [])));
    const fieldNodes = (def.fields ?? []) as readonly (FieldDefinitionNode | InputValueDefinitionNode)[];
    if (def.directives?.some((d) => d.name.value === 'inaccessible')) continue;
    // @inaccessible fields stay in the supergraph but are not part of the API schema.
    const visible = fieldNodes.filter((field) => !field.directives?.some((d) => d.name.value === 'inaccessible'));
    const fields: SupergraphField[] = visible.map((field) => {
      const fieldJoins: JoinField[] = (field.directives ?? [])
        .filter((d) => d.name.value === 'join__field')
        .map((d) => ({
          graph: system(String(argument(d, 'graph'))),
          external: argument(d, 'external') === true,
          requires: argument(d, 'requires') as string | undefined,
          provides: argument(d, 'provides') as string | undefined,
          override: argument(d, 'override') as string | undefined,
          usedOverridden: argument(d, 'usedOverridden') === true,
        }));
      // A field with no @join__field is served by every system that defines its type.
      const resolvedBy =
        fieldJoins.length === 0
          ? systems
          : [...new Set(fieldJoins.filter((j) => !j.external && !j.usedOverridden && j.graph !== 'undefined').map((j) => j.graph))];
      return {
        name: field.name.value,
        type: namedType(field.type),
        nonNull: field.type.kind === Kind.NON_NULL_TYPE,
        joins: fieldJoins,
        resolvedBy,
        isKey: keyFields.has(field.name.value),
      };
    });
    types.push({ name, kind, joins, systems, isEntity: joins.some((j) => j.key !== undefined), isRoot: ROOT_TYPES.has(name), fields });
  }
  return { graphs, types };
}
