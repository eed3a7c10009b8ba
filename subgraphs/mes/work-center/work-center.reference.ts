import type { MesContext } from '../context';

export const workCenterReference = {
  __resolveReference: (ref: { id: string }, ctx: MesContext) => ctx.loaders.workCenter.load(ref.id),
};
