import { Directive } from 'type-graphql';
import type { Role } from '../../../platform/roles';

/** Who may run a mutation or read a field: any of the roles or scopes (the admin role always). */
export interface PermitRule {
  readonly roles?: readonly Role[];
  readonly scopes?: readonly string[];
}

/** The `@authorized` directive text of a rule, as the subgraph SDL carries it. */
export function authorizedDirective(rule: PermitRule): string {
  const list = (name: string, values: readonly string[] = []) =>
    values.length ? [`${name}: [${values.map((v) => JSON.stringify(v)).join(', ')}]`] : [];
  return `@authorized(${[...list('roles', rule.roles), ...list('scopes', rule.scopes)].join(', ')})`;
}

/**
 * Declares who may run a mutation or read a field or type. The one declaration is enforced twice:
 * by the gateway, which reads it from the supergraph and never sends a denied field, and by the
 * owning subgraph (authorization.plugin.ts), which refuses a caller without the rights.
 */
export function Permit(rule: PermitRule): MethodDecorator & PropertyDecorator & ClassDecorator {
  return Directive(authorizedDirective(rule));
}
