import { ADMIN_ROLE } from '../../platform/authorization';
import type { Caller } from '../../platform/caller';

/** The role that passes every `@authorized` check. */
export { ADMIN_ROLE };

/** Per-request state the security plugins share: set by the auth plugin, read by the others. */
export interface SecurityContext {
  caller?: Caller;
}

/** The caller of the request, once the auth plugin has authenticated it. */
export function callerOf(context: unknown): Caller | undefined {
  return (context as SecurityContext | undefined)?.caller;
}

/** Whether the caller is held to the partner contract (partner systems and users bound to a supplier or customer). */
export function isPartnerCaller(caller: Caller): boolean {
  return caller.kind === 'partner' || Boolean(caller.supplierId) || Boolean(caller.customerId);
}

/**
 * The caller used when authentication is explicitly off (`AUTH_MODE=none`). Authorization is off
 * with it, so it holds the admin role: the subgraphs, which check the rules again from the signed
 * caller, then refuse nothing either.
 */
export const UNAUTHENTICATED_CALLER: Caller = Object.freeze({ subject: 'anonymous', kind: 'user', roles: [ADMIN_ROLE], scopes: [] });
