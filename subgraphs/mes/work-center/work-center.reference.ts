import type { MesContext } from '../context';

/** Entity resolution of work centers, batched through the per-request loader. */
export const workCenterReference = {
  __resolveReference: (ref: { id: string }, ctx: MesContext) => ctx.loaders.workCenter.load(ref.id),
};
