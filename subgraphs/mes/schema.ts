import { AUDIT_TRAIL_FEDERATION_IMPORTS } from '../kit/audit-trail';
import { buildSubgraph } from '../kit/schema';
import type { MesContext } from './context';
import { GenealogyEdgeResolver } from './genealogy/genealogy.resolver';
import { lotReference } from './lot/lot.reference';
import { LotResolver } from './lot/lot.resolver';
import { Material } from './material/material.type';
import { workCenterReference } from './work-center/work-center.reference';
import { WorkCenterResolver } from './work-center/work-center.resolver';
import { WorkCenterSubscriptionResolver } from './work-center/work-center.subscription';
import { WorkOrderSubscriptionResolver } from './work-order/work-order.subscription';
import { workOrderReference } from './work-order/work-order.reference';
import { WorkOrderResolver } from './work-order/work-order.resolver';
import { WorkOrder } from './work-order/work-order.type';

/** MES's subgraph schema; needs no database, so `compose` can print it. */
export function buildMesSchema() {
  return buildSubgraph<MesContext>({
    resolvers: [
      WorkCenterResolver,
      WorkOrderResolver,
      LotResolver,
      GenealogyEdgeResolver,
      WorkCenterSubscriptionResolver,
      WorkOrderSubscriptionResolver,
    ],
    orphanedTypes: [Material, WorkOrder],
    federationImports: ['@key', '@external', '@requires', '@tag', ...AUDIT_TRAIL_FEDERATION_IMPORTS],
    referenceResolvers: {
      WorkCenter: workCenterReference,
      WorkOrder: workOrderReference,
      Lot: lotReference,
    },
  });
}
