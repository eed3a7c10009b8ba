import type { ErpContext } from '../context';

export const materialReference = {
  __resolveReference: (ref: { id: string }, ctx: ErpContext) => ctx.loaders.material.load(ref.id),
};
