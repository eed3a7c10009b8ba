import type { InventoryContext } from '../context';

export const countTaskReference = {
  __resolveReference: (ref: { id: string }, ctx: InventoryContext) => ctx.loaders.countTask.load(ref.id),
};
