import { ADMIN_ROLE, type AuthorizationRule } from '../../platform/authorization';
import type { Caller } from '../../platform/caller';

/**
 * The roles and scopes the gateway tells a subgraph about: those some `@authorized` rule of the
 * current supergraph names, and the admin role, which passes every rule.
 *
 * A subgraph's answer depends on a role or a scope only through those rules (its kit checks them
 * with `isAllowed`; no resolver reads roles or scopes), so a name no rule uses changes nothing a
 * subgraph says, except in the header's bytes. Left out, it no longer keeps apart two callers
 * whose fetches could share one answer (platform/sharing.ts keys them on the signed rights): two
 * users whose tokens differ only in `offline_access`, `default-roles-plant` or a scope of their
 * own now send the same rights. The gateway's own checks (its field authorization, the partner
 * documents) still see every role and scope of the token.
 *
 * Fails closed: a name that only a subgraph's newer rule uses is not forwarded until the
 * gateway loads the supergraph that names it, and that subgraph refuses meanwhile (FORBIDDEN).
 */
export interface NamedRights {
  readonly roles: ReadonlySet<string>;
  readonly scopes: ReadonlySet<string>;
}

/** What is forwarded before any supergraph is read: only the admin role. */
export const ADMIN_ONLY: NamedRights = Object.freeze({ roles: new Set([ADMIN_ROLE]), scopes: new Set<string>() });

/** The roles and scopes the given rules name, with the admin role. */
export function namedRightsOf(rules: Iterable<AuthorizationRule>): NamedRights {
  const roles = new Set<string>([ADMIN_ROLE]);
  const scopes = new Set<string>();
  for (const rule of rules) {
    for (const role of rule.roles) roles.add(role);
    for (const scope of rule.scopes) scopes.add(scope);
  }
  return Object.freeze({ roles, scopes });
}

function keptOf(names: readonly string[], named: ReadonlySet<string>): readonly string[] {
  const kept = names.filter((name) => named.has(name));
  // Sorted and without repeats: two callers with the same named rights send the same lists, so a
  // subgraph's refusal, which quotes the roles, reads the same for both.
  return Object.freeze([...new Set(kept)].sort());
}

/**
 * The caller as a subgraph is told of it: its roles and scopes cut to those named, everything
 * else (kind, subject, supplier, customer) unchanged.
 */
export function forwardedCaller(caller: Caller, named: NamedRights): Caller {
  return Object.freeze({ ...caller, roles: keptOf(caller.roles, named.roles), scopes: keptOf(caller.scopes, named.scopes) });
}

/**
 * `forwardedCaller` for one set of named rights, remembered per caller object: a request's caller
 * is cut once however many subgraph fetches its plan makes.
 */
export function callerForwarder(named: NamedRights): (caller: Caller) => Caller {
  const cut = new WeakMap<Caller, Caller>();
  return (caller) => {
    let forwarded = cut.get(caller);
    if (!forwarded) cut.set(caller, (forwarded = forwardedCaller(caller, named)));
    return forwarded;
  };
}
