import type { ErpContext } from '../context';

export const supplierReference = {
  __resolveReference: (ref: { id: string }, ctx: ErpContext) => ctx.loaders.supplier.load(ref.id),
};
