import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Caller } from '../../platform/caller';

/**
 * Keeps the rule of platform/caller.ts: a query's answer depends on the caller's rights, never on
 * who the caller is. The gateway shares one subgraph answer between callers with the same rights,
 * so a query resolver that read the subject would leak one user's answer to another; here it
 * fails instead, on its first test. Mutations read the subject for their audit trail.
 */
export class SubjectReadInQueryError extends Error {
  constructor() {
    super(
      "caller.subject read while a query runs: a query's answer may depend on the caller's rights (kind, roles, scopes, partner binding), never on who asks; read the subject in mutations only",
    );
    this.name = 'SubjectReadInQueryError';
  }
}

interface Gate {
  subjectReadable: boolean;
}

// Keyed by the guarded caller: Apollo Server hands plugins a copy of the context object, but the
// copy holds the same caller.
const gates = new WeakMap<Caller, Gate>();

/**
 * The caller as a request's resolvers see it (put it in the context as `caller`): the subject
 * stays unreadable until the operation is known to be a mutation (`callerGuardPlugin` opens it).
 */
export function guardCaller(caller: Caller): Caller {
  const gate: Gate = { subjectReadable: false };
  const guarded = Object.freeze(
    Object.defineProperty({ ...caller }, 'subject', {
      enumerable: true,
      get(): string {
        if (!gate.subjectReadable) throw new SubjectReadInQueryError();
        return caller.subject;
      },
    }),
  );
  gates.set(guarded, gate);
  return guarded;
}

/** Opens the subject of a guarded caller once the request's operation turns out to be a mutation. */
export function callerGuardPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ contextValue }) {
      const caller = (contextValue as { caller?: Caller }).caller;
      const gate = caller && gates.get(caller);
      if (!gate) return;
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'mutation') gate.subjectReadable = true;
        },
      };
    },
  };
}
