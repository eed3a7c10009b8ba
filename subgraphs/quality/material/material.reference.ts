// No statement here: activeHolds batches through its loader.
export const materialReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};
