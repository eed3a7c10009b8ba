import { DERIVED_SOURCES, isSystemName, SYSTEM_NAMES, SYSTEMS, type AuthorityRules, type SystemKind } from '../../platform/systems';
import type { AuthorizationRule } from '../../platform/authorization';
import type { SupergraphField, SupergraphModel, SupergraphType } from './supergraph';

/** A system as the authority map names it. */
export interface AuthoritySystem {
  readonly label: string;
  readonly kind: SystemKind | null;
  readonly steward: string | null;
  readonly description: string | null;
  readonly authoritativeFor: readonly string[];
}

/**
 * How a field got its source:
 * - `field`: the one system that answers it;
 * - `key`: a key field of an entity, which every system holding the entity knows; the entity's owner is the source;
 * - `root`: a query or mutation, answered by its system;
 * - `shared`: a field of a value type that several systems return; the source is whichever system returned the parent.
 */
export type AuthorityRole = 'field' | 'key' | 'root' | 'shared';

export interface AuthorityField {
  /** The authoritative system, or null for a `shared` value-type field. */
  readonly system: string | null;
  /** The system's label ("ERP"), null with the system. */
  readonly label: string | null;
  readonly kind: SystemKind | null;
  readonly steward: string | null;
  readonly role: AuthorityRole;
  /** Every system that can answer the field (more than one only for keys and shared value types). */
  readonly systems: readonly string[];
  /** The field set the system needs from others to compute it (`@requires`). */
  readonly requires?: string;
  /** The system the field was moved from by a declared `@override`. */
  readonly overrides?: string;
  /** Who may run or read it: the `@authorized` rules it is under (its type's and its own). */
  readonly authorized?: readonly AuthorizationRule[];
}

export interface AuthorityType {
  readonly kind: 'entity' | 'value' | 'root' | 'input';
  /** The system that owns the type: the registry's entity owner, or the type's only system. */
  readonly owner: string | null;
  readonly keys: readonly string[];
  readonly systems: readonly string[];
}

/** The content of `schema/authority.json`. */
export interface AuthorityMap {
  readonly systems: Readonly<Record<string, AuthoritySystem>>;
  readonly types: Readonly<Record<string, AuthorityType>>;
  /** Every `Type.field` of the API schema. */
  readonly fields: Readonly<Record<string, AuthorityField>>;
}

function systemInfo(name: string): AuthoritySystem {
  const derived = DERIVED_SOURCES[name];
  if (derived)
    return {
      label: derived.label,
      kind: null,
      steward: derived.steward,
      description: derived.description,
      authoritativeFor: derived.authoritativeFor,
    };
  if (!isSystemName(name)) return { label: name, kind: null, steward: null, description: null, authoritativeFor: [] };
  const { label, kind, steward, description, authoritativeFor } = SYSTEMS[name];
  return { label, kind, steward, description, authoritativeFor };
}

function typeOwner(type: SupergraphType, rules: AuthorityRules): string | null {
  const declared = rules.entityOwners[type.name];
  if (declared && type.systems.includes(declared)) return declared;
  // The system that holds the most of the type's own fields speaks for its keys when the registry is silent.
  const counts = new Map<string, number>();
  for (const field of type.fields) if (!field.isKey) for (const s of field.resolvedBy) counts.set(s, (counts.get(s) ?? 0) + 1);
  const ranked = [...type.systems].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0));
  return ranked[0] ?? null;
}

function fieldAuthority(type: SupergraphType, field: SupergraphField, owner: string | null): AuthorityField {
  const join = field.joins.find((j) => !j.external && !j.usedOverridden && field.resolvedBy.includes(j.graph));
  const extra = { ...(join?.requires ? { requires: join.requires } : {}), ...(join?.override ? { overrides: join.override } : {}) };
  let system: string | null;
  let role: AuthorityRole;
  if (field.resolvedBy.length === 1) {
    system = field.resolvedBy[0]!;
    role = type.isRoot ? 'root' : type.isEntity && field.isKey ? 'key' : 'field';
  } else if (type.isEntity && field.isKey) {
    system = owner;
    role = 'key';
  } else if (type.kind === 'input' && owner) {
    system = owner;
    role = 'field';
  } else {
    system = null;
    role = 'shared';
  }
  const info = system ? systemInfo(system) : undefined;
  return {
    system,
    label: info?.label ?? null,
    kind: info?.kind ?? null,
    steward: info?.steward ?? null,
    role,
    systems: field.resolvedBy,
    ...extra,
  };
}

/** Maps every `Type.field` of the supergraph to its authoritative system (written as `schema/authority.json`). */
export function buildAuthorityMap(model: SupergraphModel, rules: AuthorityRules): AuthorityMap {
  const systems: Record<string, AuthoritySystem> = {};
  // Registry order (records first), not the supergraph's alphabetical one.
  const rank = (name: string) => (isSystemName(name) ? SYSTEM_NAMES.indexOf(name) : SYSTEM_NAMES.length);
  for (const name of [...model.graphs.values()].sort((a, b) => rank(a) - rank(b))) systems[name] = systemInfo(name);
  const types: Record<string, AuthorityType> = {};
  const fields: Record<string, AuthorityField> = {};
  for (const type of model.types) {
    const owner = type.isRoot ? null : typeOwner(type, rules);
    types[type.name] = {
      kind: type.isRoot ? 'root' : type.kind === 'input' ? 'input' : type.isEntity ? 'entity' : 'value',
      owner: type.isRoot ? null : type.isEntity || type.systems.length === 1 || type.kind === 'input' ? owner : null,
      keys: [...new Set(type.joins.flatMap((j) => (j.key ? [j.key] : [])))],
      systems: type.systems,
    };
    for (const field of type.fields) fields[`${type.name}.${field.name}`] = fieldAuthority(type, field, owner);
  }
  return { systems, types, fields };
}

/** The sentence every field description ends with. */
export function sourceSentence(field: AuthorityField, map: AuthorityMap): string {
  if (field.system) {
    const info = map.systems[field.system];
    const kind = info?.kind ? ` (system of ${info.kind})` : DERIVED_SOURCES[field.system] ? ' (derived at the gateway)' : '';
    return `Authoritative source: ${info?.label ?? field.system}${kind}`;
  }
  const labels = field.systems.map((s) => map.systems[s]?.label ?? s).join(', ');
  return `Authoritative source: the system that returned the parent object (${labels})`;
}
