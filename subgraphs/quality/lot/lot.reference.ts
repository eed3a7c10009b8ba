import type { LotParent } from './lot.resolver';

// No statement here: each quality field of the lot batches its own rows through a loader.
export const lotReference = {
  __resolveReference: (ref: { id: string }): LotParent => ({ id: ref.id }),
};
