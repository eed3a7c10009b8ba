import { buildSubgraph } from '../kit/schema';
import type { ErpContext } from './context';
import { customerReference } from './customer/customer.reference';
import { Customer } from './customer/customer.type';
import { materialReference } from './material/material.reference';
import { MaterialResolver } from './material/material.resolver';
import { materialSiteReference } from './material-site/material-site.reference';
import { MaterialSiteResolver } from './material-site/material-site.resolver';
import { workOrderReference } from './work-order/work-order.reference';
import { WorkOrderResolver } from './work-order/work-order.resolver';

/** ERP's subgraph schema; needs no database, so `compose` can print it. */
export function buildErpSchema() {
  return buildSubgraph<ErpContext>({
    resolvers: [MaterialResolver, MaterialSiteResolver, WorkOrderResolver],
    orphanedTypes: [Customer],
    federationImports: ['@key', '@tag'],
    referenceResolvers: {
      Material: materialReference,
      MaterialSite: materialSiteReference,
      WorkOrder: workOrderReference,
      Customer: customerReference,
    },
  });
}
