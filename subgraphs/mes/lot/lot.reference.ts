import type { MesContext } from '../context';

/** Entity resolution of lots, batched through the per-request lot loader. */
export const lotReference = {
  __resolveReference: (ref: { id: string }, ctx: MesContext) => ctx.loaders.lot.load(ref.id),
};
