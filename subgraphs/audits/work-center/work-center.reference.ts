// No statement here: audits batch through their loader.
export const workCenterReference = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
};
