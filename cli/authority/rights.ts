import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { ADMIN_ROLE, describeRules, type AuthorizationRule } from '../../platform/authorization';
import { isKnownRole, RELAY_ROLES, USER_ROLES } from '../../platform/roles';
import { readAuthorizationRules } from '../../gateway/security/supergraph-rules';
import type { AuthorityMap } from './map';
import { namedType } from './supergraph';

/** One field of the API schema under `@authorized` rules: a mutation, or a field a caller reads. */
export interface GuardedField {
  /** `Type.field` */
  readonly coordinate: string;
  readonly operation: 'mutation' | 'read';
  /** The system that answers it. */
  readonly system: string | null;
  /** Its type's rule and its own; a caller must pass each. */
  readonly rules: readonly AuthorizationRule[];
}

/** Every guarded field of a supergraph, mutations first, in the order of the authority map. */
export function readGuardedFields(supergraph: DocumentNode, map: AuthorityMap): GuardedField[] {
  const { fieldRules, typeRules } = readAuthorizationRules(supergraph);
  const mutationType = mutationTypeName(supergraph);
  const guarded: GuardedField[] = [];
  for (const [coordinate, field] of Object.entries(map.fields)) {
    const typeName = coordinate.slice(0, coordinate.indexOf('.'));
    const rules = [typeRules.get(typeName), fieldRules.get(coordinate)].filter((r): r is AuthorizationRule => r !== undefined);
    const operation = typeName === mutationType ? 'mutation' : 'read';
    if (rules.length || operation === 'mutation') guarded.push({ coordinate, operation, system: field.system, rules });
  }
  return guarded.sort((a, b) => (a.operation === b.operation ? 0 : a.operation === 'mutation' ? -1 : 1));
}

function mutationTypeName(document: DocumentNode): string {
  for (const d of document.definitions) {
    if (d.kind !== Kind.SCHEMA_DEFINITION) continue;
    const mutation = d.operationTypes.find((t) => t.operation === 'mutation');
    if (mutation) return mutation.type.name.value;
  }
  return 'Mutation';
}

/** What compose refuses: a mutation that declares nobody, and a rule that names a role the project does not know. */
export function checkGuardedFields(guarded: readonly GuardedField[]): string[] {
  const errors: string[] = [];
  for (const field of guarded) {
    if (field.operation === 'mutation' && field.rules.length === 0) {
      errors.push(
        `${field.coordinate} (${field.system ?? '?'}) declares no @authorized rule: say who may run it, e.g. @Permit({ roles: ['planner'] })`,
      );
    }
    for (const role of field.rules.flatMap((r) => r.roles)) {
      if (!isKnownRole(role)) errors.push(`${field.coordinate} names the role "${role}", which platform/roles.ts does not define`);
    }
  }
  return errors;
}

/** `Type.field` of every field a `@requires` selection reads, starting at the type that requires it. */
function requiredCoordinates(document: DocumentNode, typeName: string, requires: string): string[] {
  const fieldTypes = new Map<string, string>();
  for (const d of document.definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const f of d.fields ?? []) fieldTypes.set(`${d.name.value}.${f.name.value}`, namedType(f.type));
  }
  const found: string[] = [];
  const walk = (set: SelectionSetNode, parent: string) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const coordinate = `${parent}.${selection.name.value}`;
        found.push(coordinate);
        const child = fieldTypes.get(coordinate);
        if (selection.selectionSet && child) walk(selection.selectionSet, child);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition?.name.value ?? parent);
      }
    }
  };
  const operation = parse(`{ ${requires} }`).definitions[0];
  if (operation?.kind === Kind.OPERATION_DEFINITION) walk(operation.selectionSet, typeName);
  return found;
}

/** Whether every caller who passes `derived` also passes `source`: some rule of the derived field admits no more than `source` does. */
function atLeastAsStrict(derived: readonly AuthorizationRule[], source: AuthorizationRule): boolean {
  return derived.some(
    (d) =>
      (d.roles.length || d.scopes.length) &&
      d.roles.every((r) => source.roles.includes(r)) &&
      d.scopes.every((s) => source.scopes.includes(s)),
  );
}

/**
 * What compose refuses besides: a field computed from a protected field (`@requires`) that is not
 * protected at least as strictly, since its value would reveal the one it is computed from.
 */
export function checkDerivedFields(supergraph: DocumentNode, map: AuthorityMap, guarded: readonly GuardedField[]): string[] {
  const rulesOf = new Map(guarded.map((g) => [g.coordinate, g.rules]));
  const errors: string[] = [];
  for (const [coordinate, field] of Object.entries(map.fields)) {
    if (!field.requires) continue;
    const typeName = coordinate.slice(0, coordinate.indexOf('.'));
    for (const source of requiredCoordinates(supergraph, typeName, field.requires)) {
      for (const rule of rulesOf.get(source) ?? []) {
        if (!atLeastAsStrict(rulesOf.get(coordinate) ?? [], rule)) {
          errors.push(
            `${coordinate} (${field.system ?? '?'}) is computed from ${source}, which needs ${describeRules([rule])}: protect it at least as strictly (@Permit)`,
          );
        }
      }
    }
  }
  return errors;
}

/** The sentence a guarded field's description carries before its source. */
export function rightsSentence(field: GuardedField): string {
  const verb = field.operation === 'mutation' ? 'Who may run it' : 'Who may read it';
  return `${verb}: ${describeRules(field.rules)} (the ${ADMIN_ROLE} role passes every rule).`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Renders `schema/ROLES.md`: which role may run which mutation and read which protected field. */
export function renderRolesMarkdown(guarded: readonly GuardedField[], map: AuthorityMap): string {
  const used = new Set(guarded.flatMap((g) => g.rules.flatMap((r) => r.roles)));
  const roles = [...Object.keys(USER_ROLES), ...RELAY_ROLES.filter((r) => used.has(r))];
  const label = (system: string | null) => (system ? (map.systems[system]?.label ?? system) : 'shared');
  const lines: string[] = [
    '# Roles and rights',
    '',
    'Generated by `npm run compose` from the `@authorized` rules kept in the supergraph (declared with',
    '`@Permit` beside each mutation and protected field) and the roles of `platform/roles.ts`; do not',
    'edit. The gateway enforces these rules and the owning subgraph checks them again. A caller passes a',
    "rule with any role or scope it lists; a field under two rules (its type's and its own) needs both;",
    `the \`${ADMIN_ROLE}\` role passes every rule. A \`*-relay\` role counts only for that system's relay`,
    "(a service identity), never in a user's token. See `docs/authorization.md`.",
    '',
    '## Roles',
    '',
    '| role | who |',
    '|---|---|',
    ...Object.entries(USER_ROLES).map(([role, who]) => `| \`${role}\` | ${cell(who)} |`),
    ...RELAY_ROLES.filter((r) => used.has(r)).map(
      (role) =>
        `| \`${role}\` | The ${role.replace(/-relay$/, '')} outbox relay (service \`${role}\`): exactly the mutations its hand-offs call |`,
    ),
    '',
  ];
  for (const operation of ['mutation', 'read'] as const) {
    const rows = guarded.filter((g) => g.operation === operation);
    lines.push(operation === 'mutation' ? '## Mutations: who may run them' : '## Protected fields: who may read them', '');
    lines.push(`| field | system | ${roles.map((r) => `\`${r}\``).join(' | ')} | scopes |`);
    lines.push(`|---|---|${roles.map(() => ':-:').join('|')}|---|`);
    for (const g of rows) {
      // Under two rules a role ticks only when it passes both.
      const passes = (role: string) => role === ADMIN_ROLE || (g.rules.length > 0 && g.rules.every((r) => r.roles.includes(role)));
      const scopes = [...new Set(g.rules.flatMap((r) => r.scopes))].map((s) => `\`${s}\``).join(', ');
      lines.push(
        `| \`${g.coordinate}\` | ${cell(label(g.system))} | ${roles.map((r) => (passes(r) ? '✓' : '')).join(' | ')} | ${scopes} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
