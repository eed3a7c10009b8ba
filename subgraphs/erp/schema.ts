import { AUDIT_TRAIL_FEDERATION_IMPORTS } from '../kit/audit-trail';
import { PAGING_FEDERATION_IMPORTS } from '../kit/paging';
import { buildSubgraph } from '../kit/schema';
import type { ErpContext } from './context';
import { InventoryAdjustmentResolver } from './inventory-adjustment/inventory-adjustment.resolver';
import { StockStatusChangeResolver } from './stock-status-change/stock-status-change.resolver';
import { customerReference } from './customer/customer.reference';
import { CustomerResolver } from './customer/customer.resolver';
import { lotReference } from './lot/lot.reference';
import { LotResolver } from './lot/lot.resolver';
import { PurchaseOrderLineResolver } from './purchase-order/purchase-order-line.resolver';
import { PurchaseOrderResolver } from './purchase-order/purchase-order.resolver';
import { PurchaseOrderSubscriptionResolver } from './purchase-order/purchase-order.subscription';
import { supplierReference } from './supplier/supplier.reference';
import { SupplierResolver } from './supplier/supplier.resolver';
import { materialReference } from './material/material.reference';
import { MaterialResolver } from './material/material.resolver';
import { materialSiteReference } from './material-site/material-site.reference';
import { MaterialSiteResolver } from './material-site/material-site.resolver';
import { workOrderReference } from './work-order/work-order.reference';
import { WorkOrderResolver } from './work-order/work-order.resolver';
import { MaterialSiteSubscriptionResolver } from './material-site/material-site.subscription';

/** ERP's subgraph schema; needs no database, so `compose` can print it. */
export function buildErpSchema() {
  return buildSubgraph<ErpContext>({
    resolvers: [
      MaterialResolver,
      MaterialSiteResolver,
      MaterialSiteSubscriptionResolver,
      WorkOrderResolver,
      InventoryAdjustmentResolver,
      StockStatusChangeResolver,
      SupplierResolver,
      PurchaseOrderResolver,
      PurchaseOrderSubscriptionResolver,
      PurchaseOrderLineResolver,
      CustomerResolver,
      LotResolver,
    ],
    federationImports: [...new Set(['@key', '@tag', ...AUDIT_TRAIL_FEDERATION_IMPORTS, ...PAGING_FEDERATION_IMPORTS])],
    // Partners page myPurchaseOrders (tagged on the field): its connection, edges and page info go with it.
    contractTags: { partner: ['PurchaseOrderConnection', 'PurchaseOrderEdge', 'PageInfo'] },
    referenceResolvers: {
      Material: materialReference,
      MaterialSite: materialSiteReference,
      WorkOrder: workOrderReference,
      Customer: customerReference,
      Supplier: supplierReference,
      Lot: lotReference,
    },
  });
}
