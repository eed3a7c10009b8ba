import type { QualityContext } from '../context';

export const nonconformanceReference = {
  __resolveReference: (ref: { id: string }, ctx: QualityContext) => ctx.loaders.nonconformance.load(ref.id),
};
