/**
 * Who is calling, as the gateway vouches for it; subgraphs use it for row-level rules and audit trails.
 *
 * The rule every subgraph keeps: a query's answer may depend on the caller's rights (kind, roles,
 * scopes, the supplier or customer a partner is bound to) but never on who the caller is. The
 * subject is for mutations (their audit trail names the actor); the subgraph kit makes it
 * unreadable while a query runs. The gateway relies on the rule: callers with the same rights may
 * share one answer (platform/sharing.ts, which also lists the headers that do not affect answers).
 * The gateway signs it into every subgraph request (`caller-header.ts`); a process that calls the
 * gateway on its own behalf (the outbox relay) sends `authorization: serviceAuthorization(name, key)`
 * with the shared `CALLER_SIGNING_KEY` and arrives here as `{ kind: 'service', subject: 'service:<name>' }`.
 */
export interface Caller {
  /** Stable subject: a user id, `partner:<key id>` or `service:<name>`. */
  readonly subject: string;
  readonly kind: 'user' | 'partner' | 'service';
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  /** Partners bound to a supplier see only that supplier's rows. */
  readonly supplierId?: string;
  /** Partners bound to a customer see only that customer's rows. */
  readonly customerId?: string;
}

/** The caller used where no identity is passed (tests that build a subgraph in-process). */
export const ANONYMOUS: Caller = Object.freeze({ subject: 'anonymous', kind: 'user', roles: [], scopes: [] });
