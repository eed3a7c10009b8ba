import type { ErpContext } from '../context';

/**
 * MES owns lots; ERP knows a lot by its id alone, and each contributed field goes through its
 * own loader, so resolving any number of lot representations costs no statement here.
 */
export const lotReference = {
  __resolveReference: (ref: { id: string }, _ctx: ErpContext) => ({ id: ref.id }),
};
