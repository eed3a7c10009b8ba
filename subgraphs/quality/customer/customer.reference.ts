// No statement here: complaints batch through their loader.
export const customerReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};
