import type { ErpContext } from '../context';

export const workOrderReference = {
  __resolveReference: (ref: { id: string }, ctx: ErpContext) => ctx.loaders.workOrder.load(ref.id),
};
