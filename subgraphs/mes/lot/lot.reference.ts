import type { MesContext } from '../context';

export const lotReference = {
  __resolveReference: (ref: { id: string }, ctx: MesContext) => ctx.loaders.lot.load(ref.id),
};
