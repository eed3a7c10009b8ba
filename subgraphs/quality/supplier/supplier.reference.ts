import type { SupplierParent } from './supplier.resolver';

// Keeps ERP's receivedQuantity12m from the representation; defectPpm12m batches through its loader.
export const supplierReference = {
  __resolveReference: (ref: SupplierParent): SupplierParent => ref,
};
