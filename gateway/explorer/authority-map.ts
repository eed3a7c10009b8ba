import { readFileSync } from 'node:fs';
import { Kind, parse, type ConstDirectiveNode, type ConstValueNode, type ObjectTypeDefinitionNode } from 'graphql';
import { describeRules, type AuthorizationRule } from '../../platform/authorization';
import { SYSTEMS, isSystemName, type SystemKind } from '../../platform/systems';

/** Which system answers one field of the API schema. */
export interface FieldAuthority {
  readonly type: string;
  readonly field: string;
  /** The system that resolves the field; for a key field, the entity's owner (or, without the authority file, its first holder). */
  readonly system: string;
  readonly kind?: SystemKind;
  readonly steward?: string;
  /** Every system that can resolve the field: more than one only for key fields and shared value types. */
  readonly systems: readonly string[];
  /** Part of an entity key: each system holding the entity has it, so it has no single owner. */
  readonly key: boolean;
  /** A field of a value type several systems return: whichever system returned the parent answers it. */
  readonly shared?: boolean;
  /** Fields of other systems this one needs first (`@requires`). */
  readonly requires?: string;
  /** Who may run or read it, when an `@authorized` rule guards it ("role planner"). */
  readonly authorized?: string;
}

export interface AuthorityMap {
  /** Where the owners came from: the compose step's `authority.json`, or the supergraph alone. */
  readonly source: 'authority.json' | 'supergraph';
  /** Systems in the supergraph, in registry order. */
  readonly systems: readonly { name: string; label: string; kind?: SystemKind; steward?: string }[];
  readonly fields: readonly FieldAuthority[];
}

/** An owner as the authority file states it. */
export interface DeclaredOwner {
  readonly system: string;
  readonly kind?: string;
  readonly steward?: string;
  /** `field`, `key` (the entity owner is the source), `root` or `shared`. */
  readonly role?: string;
  /** Who may run or read it ("role planner"), from its `authorized` rules. */
  readonly authorized?: string;
}

const META_TYPE = /^(join__|link__)/;

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

function stringArg(directive: ConstDirectiveNode, name: string): string | undefined {
  const value = argument(directive, name);
  if (!value) return undefined;
  if (value.kind === Kind.STRING || value.kind === Kind.ENUM) return value.value;
  return undefined;
}

function booleanArg(directive: ConstDirectiveNode, name: string): boolean {
  const value = argument(directive, name);
  return value?.kind === Kind.BOOLEAN && value.value;
}

/** Top-level field names of a `@key(fields: "…")` selection. */
function keyFieldNames(fields: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (const token of fields.match(/[{}]|[_A-Za-z]\w*/g) ?? []) {
    if (token === '{') depth += 1;
    else if (token === '}') depth -= 1;
    else if (depth === 0) names.push(token);
  }
  return names;
}

/** Derives every `Type.field` owner from the supergraph's `@join__type` and `@join__field`. */
export function deriveAuthority(supergraphSdl: string): AuthorityMap {
  const document = parse(supergraphSdl);
  const graphNames = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const joinGraph = value.directives?.find((d) => d.name.value === 'join__graph');
      graphNames.set(value.name.value, (joinGraph && stringArg(joinGraph, 'name')) || value.name.value.toLowerCase());
    }
  }
  const graphName = (enumValue: string | undefined) => (enumValue ? (graphNames.get(enumValue) ?? enumValue.toLowerCase()) : undefined);

  const fields: FieldAuthority[] = [];
  const objectTypes = document.definitions.filter(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && !META_TYPE.test(d.name.value),
  );
  for (const type of objectTypes) {
    const joinTypes = type.directives?.filter((d) => d.name.value === 'join__type') ?? [];
    const typeGraphs = joinTypes.map((d) => graphName(stringArg(d, 'graph'))).filter((g): g is string => !!g);
    const keyFields = new Set(joinTypes.flatMap((d) => keyFieldNames(stringArg(d, 'key') ?? '')));
    for (const field of type.fields ?? []) {
      if (field.directives?.some((d) => d.name.value === 'inaccessible')) continue;
      const joinFields = field.directives?.filter((d) => d.name.value === 'join__field') ?? [];
      const resolving = joinFields.filter((d) => !booleanArg(d, 'external') && !booleanArg(d, 'usedOverridden'));
      const owners = joinFields.length
        ? [...new Set(resolving.map((d) => graphName(stringArg(d, 'graph'))).filter((g): g is string => !!g))]
        : [...new Set(typeGraphs)];
      if (!owners.length) continue;
      const requires = resolving.map((d) => stringArg(d, 'requires')).find((r) => !!r);
      fields.push(
        withRegistry({
          type: type.name.value,
          field: field.name.value,
          system: owners[0]!,
          systems: owners,
          key: owners.length > 1 && keyFields.has(field.name.value),
          ...(owners.length > 1 && !keyFields.has(field.name.value) ? { shared: true } : {}),
          ...(requires ? { requires } : {}),
        }),
      );
    }
  }
  const present = new Set([...graphNames.values()]);
  return { source: 'supergraph', systems: orderedSystems(present), fields };
}

function withRegistry(field: FieldAuthority): FieldAuthority {
  if (field.kind || !isSystemName(field.system)) return field;
  const info = SYSTEMS[field.system];
  return { ...field, kind: info.kind, steward: info.steward };
}

function orderedSystems(names: Iterable<string>): AuthorityMap['systems'] {
  const known = Object.values(SYSTEMS).filter((s) => [...names].includes(s.name));
  const unknown = [...names].filter((n) => !isSystemName(n)).sort();
  return [
    ...known.map((s) => ({ name: s.name, label: s.label, kind: s.kind, steward: s.steward })),
    ...unknown.map((n) => ({ name: n, label: n.charAt(0).toUpperCase() + n.slice(1) })),
  ];
}

/** A system as the authority file describes it. */
export interface DeclaredSystem {
  readonly label: string;
  readonly kind?: SystemKind;
  readonly steward?: string;
}

/** What `schema/authority.json` declares: owners by `Type.field`, and the systems by name. */
export interface DeclaredAuthority {
  readonly owners: ReadonlyMap<string, DeclaredOwner>;
  readonly systems: ReadonlyMap<string, DeclaredSystem>;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function asRule(value: unknown): AuthorizationRule {
  return { roles: strings(asRecord(value)?.roles), scopes: strings(asRecord(value)?.scopes) };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Reads `schema/authority.json`: its `fields` section (`{"Type.field": {system, kind, steward,
 * role, authorized}}`, entries without a system, value-type fields several systems return, left out) and its
 * `systems` section (`{name: {label, kind, steward}}`).
 */
export function parseAuthorityFile(json: unknown): DeclaredAuthority {
  const owners = new Map<string, DeclaredOwner>();
  const systems = new Map<string, DeclaredSystem>();
  for (const [coordinate, value] of Object.entries(asRecord(asRecord(json)?.fields) ?? {})) {
    const entry = asRecord(value);
    if (!entry || typeof entry.system !== 'string') continue;
    owners.set(coordinate, {
      system: entry.system,
      ...(typeof entry.kind === 'string' ? { kind: entry.kind } : {}),
      ...(typeof entry.steward === 'string' ? { steward: entry.steward } : {}),
      ...(typeof entry.role === 'string' ? { role: entry.role } : {}),
      ...(Array.isArray(entry.authorized) && entry.authorized.length ? { authorized: describeRules(entry.authorized.map(asRule)) } : {}),
    });
  }
  for (const [name, value] of Object.entries(asRecord(asRecord(json)?.systems) ?? {})) {
    const entry = asRecord(value);
    if (!entry || typeof entry.label !== 'string') continue;
    systems.set(name, {
      label: entry.label,
      ...(entry.kind === 'record' || entry.kind === 'engagement' ? { kind: entry.kind } : {}),
      ...(typeof entry.steward === 'string' ? { steward: entry.steward } : {}),
    });
  }
  return { owners, systems };
}

/** Reads and parses an authority file; undefined when it is absent, unreadable or declares no owner. */
export function readAuthorityFile(file: string): DeclaredAuthority | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const declared = parseAuthorityFile(JSON.parse(text));
    return declared.owners.size ? declared : undefined;
  } catch {
    return undefined;
  }
}

/** The supergraph's fields with the owners the authority file declares, where it declares them. */
export function mergeAuthority(derived: AuthorityMap, declared: DeclaredAuthority | undefined): AuthorityMap {
  if (!declared) return derived;
  const fields = derived.fields.map((f) => {
    const owner = declared.owners.get(`${f.type}.${f.field}`);
    if (!owner) return f;
    const registry = isSystemName(owner.system) ? SYSTEMS[owner.system] : undefined;
    const kind = owner.kind === 'record' || owner.kind === 'engagement' ? owner.kind : registry?.kind;
    return {
      ...f,
      system: owner.system,
      systems: f.systems.includes(owner.system) ? f.systems : [owner.system],
      key: owner.role ? owner.role === 'key' : f.key,
      kind,
      steward: owner.steward ?? registry?.steward,
      ...(owner.authorized ? { authorized: owner.authorized } : {}),
    };
  });
  const systems = derived.systems.map((s) => {
    const described = declared.systems.get(s.name);
    return described ? { ...s, label: described.label, kind: described.kind ?? s.kind, steward: described.steward ?? s.steward } : s;
  });
  return { ...derived, source: 'authority.json', systems, fields };
}

/** One line for a field's description: "Authoritative source: ERP (system of record)". */
export function describeAuthority(field: FieldAuthority): string {
  const kind = field.kind === 'record' ? ' (system of record)' : field.kind === 'engagement' ? ' (system of engagement)' : '';
  const sentence = `Authoritative source: ${labelOf(field.system)}${kind}`;
  if (field.shared) return `Answered by whichever of ${field.systems.map(labelOf).join(', ')} returned the parent`;
  const others = field.systems.filter((s) => s !== field.system);
  return field.key && others.length
    ? `${sentence}; a key that ${others.map(labelOf).join(', ')} also hold${others.length === 1 ? 's' : ''}`
    : sentence;
}

function labelOf(system: string): string {
  return isSystemName(system) ? SYSTEMS[system].label : system;
}
