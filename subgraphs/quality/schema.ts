import { createOutboxResolver } from '../kit/outbox';
import { PAGING_FEDERATION_IMPORTS } from '../kit/paging';
import { buildSubgraph } from '../kit/schema';
import type { QualityContext } from './context';
import { customerReference } from './customer/customer.reference';
import { CustomerResolver } from './customer/customer.resolver';
import { Customer } from './customer/customer.type';
import { QualityHoldResolver } from './hold/hold.resolver';
import { InspectionResolver } from './inspection/inspection.resolver';
import { lotReference } from './lot/lot.reference';
import { LotResolver } from './lot/lot.resolver';
import { Lot } from './lot/lot.type';
import { materialReference } from './material/material.reference';
import { MaterialResolver } from './material/material.resolver';
import { Material } from './material/material.type';
import { nonconformanceReference } from './nonconformance/nonconformance.reference';
import { NonconformanceResolver } from './nonconformance/nonconformance.resolver';
import { supplierReference } from './supplier/supplier.reference';
import { SupplierResolver } from './supplier/supplier.resolver';
import { Supplier } from './supplier/supplier.type';
import { workOrderReference } from './work-order/work-order.reference';
import { WorkOrderResolver } from './work-order/work-order.resolver';
import { WorkOrder } from './work-order/work-order.type';
import { QualityHoldSubscriptionResolver } from './hold/hold.subscription';

/** Quality's subgraph schema; needs no database. */
export function buildQualitySchema() {
  return buildSubgraph<QualityContext>({
    resolvers: [
      InspectionResolver,
      QualityHoldResolver,
      QualityHoldSubscriptionResolver,
      NonconformanceResolver,
      LotResolver,
      MaterialResolver,
      CustomerResolver,
      SupplierResolver,
      WorkOrderResolver,
      createOutboxResolver<QualityContext>({ system: 'quality', db: (ctx) => ctx.db }),
    ],
    orphanedTypes: [Lot, Material, Customer, Supplier, WorkOrder],
    federationImports: ['@key', '@external', '@requires', '@tag', ...PAGING_FEDERATION_IMPORTS],
    // Partners read Lot.inspections (tagged on the field): its connection, edges and page info go with it.
    contractTags: { partner: ['InspectionConnection', 'InspectionEdge', 'PageInfo'] },
    referenceResolvers: {
      Lot: lotReference,
      Material: materialReference,
      Customer: customerReference,
      Supplier: supplierReference,
      WorkOrder: workOrderReference,
      Nonconformance: nonconformanceReference,
    },
  });
}
