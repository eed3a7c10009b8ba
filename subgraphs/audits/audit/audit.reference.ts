import type { AuditsContext } from '../context';

export const auditReference = {
  __resolveReference: (ref: { id: string }, ctx: AuditsContext) => ctx.loaders.audit.load(ref.id),
};
