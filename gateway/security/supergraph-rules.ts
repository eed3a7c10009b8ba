import { mapSchema, MapperKind, pruneSchema } from '@graphql-tools/utils';
import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type GraphQLSchema,
  type ConstValueNode,
  type DefinitionNode,
  type DocumentNode,
  type InterfaceTypeDefinitionNode,
  type InterfaceTypeExtensionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';
import { ruleOfDirectives as ruleOf, type AuthorizationRule } from '../../platform/authorization';
import { namedRightsOf, type NamedRights } from './forwarded-rights';

export { describeRule, isAllowed, type AuthorizationRule } from '../../platform/authorization';

/** What the gateway enforces, read from the directives kept in the supergraph. */
export interface SupergraphSecurity {
  /** `@authorized` on fields, keyed `Type.field`. */
  readonly fieldRules: ReadonlyMap<string, AuthorizationRule>;
  /** `@authorized` on types: applies to every field of the type. */
  readonly typeRules: ReadonlyMap<string, AuthorizationRule>;
  /** The API schema cut down to the `partner` contract; null when nothing at the root is tagged. */
  readonly partnerSchema: GraphQLSchema | null;
  /** The roles and scopes these rules name, and the admin role: all the gateway tells subgraphs of (forwarded-rights.ts). */
  readonly namedRights: NamedRights;
}

function stringValues(node: ConstValueNode | undefined): string[] {
  if (!node) return [];
  if (node.kind === Kind.STRING) return [node.value];
  if (node.kind === Kind.LIST) return node.values.flatMap(stringValues);
  return [];
}

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

function taggedPartner(directives: readonly ConstDirectiveNode[] | undefined, tag: string): boolean {
  return Boolean(directives?.some((d) => d.name.value === 'tag' && stringValues(argument(d, 'name')).includes(tag)));
}

/** The `@authorized` rules of a supergraph (or any SDL that applies the directive), by field and by type. */
export function readAuthorizationRules(document: DocumentNode): Pick<SupergraphSecurity, 'fieldRules' | 'typeRules'> {
  const fieldRules = new Map<string, AuthorizationRule>();
  const typeRules = new Map<string, AuthorizationRule>();
  for (const definition of document.definitions) {
    if (!isObjectOrInterface(definition)) continue;
    const typeRule = ruleOf(definition.directives);
    if (typeRule) typeRules.set(definition.name.value, typeRule);
    for (const field of definition.fields ?? []) {
      const rule = ruleOf(field.directives);
      if (rule) fieldRules.set(`${definition.name.value}.${field.name.value}`, rule);
    }
  }
  return { fieldRules, typeRules };
}

type ObjectOrInterfaceNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode | InterfaceTypeDefinitionNode | InterfaceTypeExtensionNode;

function isObjectOrInterface(definition: DefinitionNode): definition is ObjectOrInterfaceNode {
  return (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
    definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
    definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
    definition.kind === Kind.INTERFACE_TYPE_EXTENSION
  );
}

/** Reads `@authorized` rules and the `partner` tags from a supergraph and derives the partner schema. */
export function readSupergraphSecurity(supergraphSdl: string, apiSchema: GraphQLSchema, contractTag = 'partner'): SupergraphSecurity {
  const document = parse(supergraphSdl);
  const { fieldRules, typeRules } = readAuthorizationRules(document);
  const taggedTypes = new Set<string>();
  const taggedFields = new Set<string>();
  const keyFields = new Map<string, Set<string>>();
  for (const definition of document.definitions) {
    if (!isObjectOrInterface(definition)) continue;
    const typeName = definition.name.value;
    if (taggedPartner(definition.directives, contractTag)) taggedTypes.add(typeName);
    for (const join of definition.directives?.filter((d) => d.name.value === 'join__type') ?? []) {
      for (const key of stringValues(argument(join, 'key'))) {
        const names = keyFields.get(typeName) ?? new Set<string>();
        for (const name of topLevelFields(key)) names.add(name);
        keyFields.set(typeName, names);
      }
    }
    for (const field of definition.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      if (taggedPartner(field.directives, contractTag)) taggedFields.add(coordinate);
    }
  }
  // An entity in the contract keeps its key: a partner cannot tell one material from another without its id.
  for (const [typeName, names] of keyFields) {
    if (taggedTypes.has(typeName) || [...taggedFields].some((f) => f.startsWith(`${typeName}.`))) {
      for (const name of names) taggedFields.add(`${typeName}.${name}`);
    }
  }
  return {
    fieldRules,
    typeRules,
    partnerSchema: contractSchema(apiSchema, taggedTypes, taggedFields),
    namedRights: namedRightsOf([...fieldRules.values(), ...typeRules.values()]),
  };
}

/** The top-level field names of a `@key(fields: …)` selection ("id", "materialId siteId", "id org { id }"). */
function topLevelFields(selection: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (const token of selection.match(/[{}]|[_A-Za-z][_0-9A-Za-z]*/g) ?? []) {
    if (token === '{') depth++;
    else if (token === '}') depth--;
    else if (depth === 0) names.push(token);
  }
  return names;
}

/**
 * The API schema restricted to a contract: a field stays when it or its type is tagged; a type
 * stays when it keeps a field and something reachable from the root refers to it.
 */
function contractSchema(apiSchema: GraphQLSchema, taggedTypes: Set<string>, taggedFields: Set<string>): GraphQLSchema | null {
  const fieldsKept = mapSchema(apiSchema, {
    [MapperKind.COMPOSITE_FIELD]: (config, fieldName, typeName) =>
      taggedTypes.has(typeName) || taggedFields.has(`${typeName}.${fieldName}`) ? config : null,
  });
  const emptyTypesDropped = mapSchema(fieldsKept, {
    [MapperKind.COMPOSITE_TYPE]: (type) => ('getFields' in type && Object.keys(type.getFields()).length === 0 ? null : type),
  });
  const query = emptyTypesDropped.getQueryType();
  if (!query || Object.keys(query.getFields()).length === 0) return null;
  return pruneSchema(emptyTypesDropped);
}
