import { Kind, type ConstDirectiveNode, type ConstValueNode } from 'graphql';
import type { Caller } from './caller';
import { isRelayRole } from './roles';

/** The directive that declares a rule, defined by the subgraph kit and kept in the supergraph. */
export const AUTHORIZED_DIRECTIVE = 'authorized';

/** The role that passes every `@authorized` rule. */
export const ADMIN_ROLE = 'admin';

/** Who may run a mutation or read a field or type: any listed role or any listed scope (the admin role always). */
export interface AuthorizationRule {
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
}

/** The rights a rule is checked against: a caller's kind, roles and scopes. */
export type Rights = Pick<Caller, 'kind' | 'roles' | 'scopes'>;

/**
 * Whether a caller's rights satisfy a rule; the gateway and every subgraph decide with this one
 * function. A relay's role (`inventory-relay`) counts only when a service holds it: a user's token
 * that claims one does not make a person a relay.
 */
export function isAllowed(rights: Rights, rule: AuthorizationRule): boolean {
  if (rights.roles.includes(ADMIN_ROLE)) return true;
  const holds = (role: string) => rights.roles.includes(role) && (rights.kind === 'service' || !isRelayRole(role));
  return rule.roles.some(holds) || rule.scopes.some((s) => rights.scopes.includes(s));
}

/** Says what a rule asks for, for error messages and docs. */
export function describeRule(rule: AuthorizationRule): string {
  const parts = [];
  if (rule.roles.length) parts.push(`role ${rule.roles.join(' or ')}`);
  if (rule.scopes.length) parts.push(`scope ${rule.scopes.join(' or ')}`);
  return parts.join(', or ') || 'the admin role';
}

/** Joins the rules that apply to one field (its type's and its own): the caller must pass each. */
export function describeRules(rules: readonly AuthorizationRule[]): string {
  return rules.map(describeRule).join(', and ');
}

function strings(node: ConstValueNode | undefined): string[] {
  if (!node) return [];
  if (node.kind === Kind.STRING) return [node.value];
  if (node.kind === Kind.LIST) return node.values.flatMap(strings);
  return [];
}

/** The rule of the `@authorized` directives applied to one definition, if any (repeats add their roles and scopes). */
export function ruleOfDirectives(directives: readonly ConstDirectiveNode[] | undefined): AuthorizationRule | undefined {
  const found = directives?.filter((d) => d.name.value === AUTHORIZED_DIRECTIVE) ?? [];
  if (!found.length) return undefined;
  const argument = (d: ConstDirectiveNode, name: string) => d.arguments?.find((a) => a.name.value === name)?.value;
  return {
    roles: found.flatMap((d) => strings(argument(d, 'roles'))),
    scopes: found.flatMap((d) => strings(argument(d, 'scopes'))),
  };
}
