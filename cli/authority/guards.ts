import {
  Kind,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type InterfaceTypeDefinitionNode,
  type InterfaceTypeExtensionNode,
} from 'graphql';
import { isSystemName, reservedOwner, SYSTEMS, type AuthorityRules } from '../../platform/systems';
import { namedType, topLevelFields, type SupergraphModel } from './supergraph';

/** A subgraph as the guards see it: its name in the registry and its SDL. */
export interface GuardedSubgraph {
  readonly name: string;
  readonly typeDefs: DocumentNode;
}

export interface GuardReport {
  /** Breaches of "one owner per field"; compose fails on any. */
  readonly errors: readonly string[];
  /** Breaches of softer rules (docs/domain.md#rule-3: contributed fields are nullable); compose prints them. */
  readonly warnings: readonly string[];
}

type CompositeNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode | InterfaceTypeDefinitionNode | InterfaceTypeExtensionNode;

const FEDERATION_SPEC = /specs\.apollo\.dev\/federation\/v/;
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** "ERP (system of record)", or the bare name for a system the registry does not know. */
export function describeSystem(name: string): string {
  if (!isSystemName(name)) return name;
  const info = SYSTEMS[name];
  return `${info.label} (system of ${info.kind})`;
}

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg && arg.value.kind === Kind.STRING ? arg.value.value : undefined;
}

/**
 * The local name of each federation directive in a subgraph: `@link(import:)` may rename one
 * (`{ name: "@shareable", as: "@share" }`) and anything not imported is `@federation__name`.
 */
function federationDirectiveNames(document: DocumentNode): (name: string) => string {
  const local = new Map<string, string>();
  let linked = false;
  for (const def of document.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of def.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const url = stringArgument(link, 'url');
      if (!url || !FEDERATION_SPEC.test(url)) continue;
      linked = true;
      const imports = link.arguments?.find((a) => a.name.value === 'import')?.value;
      if (imports?.kind !== Kind.LIST) continue;
      for (const item of imports.values) {
        if (item.kind === Kind.STRING) local.set(item.value.replace(/^@/, ''), item.value.replace(/^@/, ''));
        if (item.kind === Kind.OBJECT) {
          const name = item.fields.find((f) => f.name.value === 'name')?.value;
          const as = item.fields.find((f) => f.name.value === 'as')?.value;
          if (name?.kind === Kind.STRING)
            local.set(name.value.replace(/^@/, ''), as?.kind === Kind.STRING ? as.value.replace(/^@/, '') : name.value.replace(/^@/, ''));
        }
      }
    }
  }
  // A subgraph without the federation @link is Federation 1: every directive has its plain name.
  return (name) => local.get(name) ?? (linked ? `federation__${name}` : name);
}

function compositeTypes(document: DocumentNode): CompositeNode[] {
  return document.definitions.filter(
    (d): d is CompositeNode =>
      d.kind === Kind.OBJECT_TYPE_DEFINITION ||
      d.kind === Kind.OBJECT_TYPE_EXTENSION ||
      d.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      d.kind === Kind.INTERFACE_TYPE_EXTENSION,
  );
}

interface IndexedSubgraph {
  readonly name: string;
  readonly directive: (name: string) => string;
  readonly types: readonly CompositeNode[];
}

function has(node: { readonly directives?: readonly ConstDirectiveNode[] }, name: string): ConstDirectiveNode | undefined {
  return node.directives?.find((d) => d.name.value === name);
}

function list(systems: readonly string[]): string {
  return systems.length === 0 ? 'no other system' : systems.join(', ');
}

/**
 * The guards that read each subgraph's SDL before composition: `@shareable` on entity or root
 * fields, `@override` the registry has not declared, and `@provides` (a second source by path).
 */
export function checkSubgraphs(subgraphs: readonly GuardedSubgraph[], rules: AuthorityRules): GuardReport {
  const errors: string[] = [];
  const indexed: IndexedSubgraph[] = subgraphs.map((s) => ({
    name: s.name,
    directive: federationDirectiveNames(s.typeDefs),
    types: compositeTypes(s.typeDefs),
  }));

  const entityTypes = new Set<string>();
  for (const s of indexed) for (const t of s.types) if (has(t, s.directive('key'))) entityTypes.add(t.name.value);

  /** The other systems that answer `Type.field` themselves (not as @external). */
  const servedElsewhere = (self: string, typeName: string, fieldName: string): string[] =>
    indexed
      .filter((s) => s.name !== self)
      .filter((s) =>
        s.types.some(
          (t) => t.name.value === typeName && (t.fields ?? []).some((f) => f.name.value === fieldName && !has(f, s.directive('external'))),
        ),
      )
      .map((s) => s.name);

  for (const s of indexed) {
    for (const type of s.types) {
      const typeName = type.name.value;
      const typeShareable = has(type, s.directive('shareable'));
      for (const field of (type.fields ?? []) as readonly FieldDefinitionNode[]) {
        const coordinate = `${typeName}.${field.name.value}`;
        const where = entityTypes.has(typeName) ? 'an entity field' : ROOT_TYPES.has(typeName) ? 'a root field' : undefined;
        if (where && (typeShareable || has(field, s.directive('shareable')))) {
          const others = servedElsewhere(s.name, typeName, field.name.value);
          const owner = rules.entityOwners[typeName];
          const alsoOwner = owner && owner !== s.name && !others.includes(owner) ? `; the registry gives ${typeName} to ${owner}` : '';
          errors.push(
            `${coordinate}: @shareable in ${s.name}, but ${where} has one owner (also served by ${list(others)}${alsoOwner}); remove @shareable and serve it from one system`,
          );
        }

        const override = has(field, s.directive('override'));
        if (override) {
          const from = stringArgument(override, 'from') ?? '?';
          const label = stringArgument(override, 'label');
          const declared = rules.moves.some((m) => m.field === coordinate && m.from === from && m.to === s.name);
          if (!declared) {
            errors.push(
              `${coordinate}: @override(from: "${from}") in ${s.name} moves authority from ${from} to ${s.name}, but the systems registry declares no such move; add it to AUTHORITY.moves with a reason`,
            );
          } else if (label) {
            errors.push(
              `${coordinate}: @override(from: "${from}", label: "${label}") in ${s.name} splits the field between ${from} and ${s.name} by traffic; a declared move is whole`,
            );
          }
        }

        const provides = has(field, s.directive('provides'));
        if (provides) {
          const target = namedType(field.type);
          const fieldSet = stringArgument(provides, 'fields') ?? '';
          const provided = topLevelFields(fieldSet).map((f) => {
            const owners = servedElsewhere(s.name, target, f);
            return `${target}.${f} (owned by ${list(owners)})`;
          });
          errors.push(
            `${coordinate}: @provides(fields: "${fieldSet}") in ${s.name} makes ${s.name} a second source of ${provided.join(', ')}; fetch it from its owner instead`,
          );
        }
      }
    }
  }
  return { errors, warnings: [] };
}

/**
 * The guards that read the composed supergraph: every entity and root field has one system
 * answering it, reserved fields are answered by their system of record, and (a warning) a field
 * contributed to another system's entity is nullable.
 */
export function checkSupergraph(model: SupergraphModel, rules: AuthorityRules): GuardReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const type of model.types) {
    if (type.kind === 'input') continue;
    for (const field of type.fields) {
      const coordinate = `${type.name}.${field.name}`;
      if ((type.isEntity && !field.isKey) || type.isRoot) {
        if (field.resolvedBy.length > 1) {
          errors.push(`${coordinate}: answered by ${field.resolvedBy.join(' and ')}; a field has one owner`);
        }
      }

      const reserved = reservedOwner(rules, type.name, field.name);
      if (reserved) {
        for (const system of field.resolvedBy.filter((s) => s !== reserved)) {
          errors.push(
            `${coordinate}: served by ${describeSystem(system)}, but the systems registry reserves it for ${describeSystem(reserved)}; declare it @external in ${system} and derive with @requires`,
          );
        }
      }

      const owner = rules.entityOwners[type.name];
      if (owner && type.systems.includes(owner) && !field.isKey && field.nonNull) {
        for (const system of field.resolvedBy.filter((s) => s !== owner)) {
          warnings.push(
            `${coordinate}: ${system} contributes it to ${owner}'s ${type.name} as non-null; make it nullable so that an outage of ${system} nulls only its own fields`,
          );
        }
      }
    }
  }
  return { errors, warnings };
}
