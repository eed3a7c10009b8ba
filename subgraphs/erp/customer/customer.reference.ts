import type { ErpContext } from '../context';

export const customerReference = {
  __resolveReference: (ref: { id: string }, ctx: ErpContext) => ctx.loaders.customer.load(ref.id),
};
