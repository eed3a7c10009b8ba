import type { CrmContext } from '../context';

export const customerReference = {
  __resolveReference: (ref: { id: string }, ctx: CrmContext) => ctx.loaders.customer.load(ref.id),
};
