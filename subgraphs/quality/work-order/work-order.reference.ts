// No statement here: inspections batch through their loader.
export const workOrderReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};
