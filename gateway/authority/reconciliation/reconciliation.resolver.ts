import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { countPostingDisagreements, holdStockDisagreements } from './reconcile';
import { CountPostingDisagreement, CountPostingDisagreementKind, HoldStockDisagreement } from './reconciliation.type';
import type { ReconciliationContext } from './reconciliation.context';

// Each reconciliation is one operation over the graph, so ERP, quality, MES and inventory each
// answer from their own database and the gateway plans the batching.
const HOLDS = `query ReconcileHoldsWithBlockedStock($siteId: ID!) {
  materialSites(siteId: $siteId) {
    materialId siteId blockedQuantity
    material { activeHolds { id lot { id siteId quantity } } }
  }
}`;

const COUNTS = `query ReconcileCountsWithAdjustments($siteId: ID!) {
  countTasks(siteId: $siteId, status: [APPROVED, POSTED]) {
    id status erpDocumentNumber approvedAt
    materialSite { materialId siteId changeHistory { operation reference } }
  }
}`;

interface HoldsData {
  materialSites: {
    materialId: string;
    siteId: string;
    blockedQuantity: number;
    material: { activeHolds: { id: string; lot: { id: string; siteId: string | null; quantity: number | null } | null }[] | null } | null;
  }[];
}

interface CountsData {
  countTasks: {
    id: string;
    status: string;
    erpDocumentNumber: string | null;
    approvedAt: string | null;
    materialSite: { materialId: string; siteId: string; changeHistory: { operation: string; reference: string | null }[] | null };
  }[];
}

@Resolver()
export class ReconciliationResolver {
  @Query(() => [HoldStockDisagreement], {
    description: "Material-sites of a site where the quantity of lots on open quality hold differs from ERP's blocked stock",
  })
  async holdStockDisagreements(@Arg('siteId', () => ID) siteId: string, @Ctx() ctx: ReconciliationContext): Promise<HoldStockDisagreement[]> {
    const data = await ctx.query<HoldsData>(HOLDS, { siteId });
    const rows = holdStockDisagreements(
      data.materialSites.map((site) => ({
        materialId: site.materialId,
        siteId: site.siteId,
        blockedQuantity: site.blockedQuantity,
        openHolds: (site.material?.activeHolds ?? [])
          .filter((hold) => hold.lot)
          .map((hold) => ({ holdId: hold.id, lotId: hold.lot!.id, lotSiteId: hold.lot!.siteId, lotQuantity: hold.lot!.quantity })),
      })),
    );
    return rows.map((row) => ({
      materialSite: { materialId: row.materialId, siteId: row.siteId },
      heldLots: row.heldLotIds.map((id) => ({ id })),
      openHoldIds: row.openHoldIds,
      heldQuantity: row.heldQuantity,
      difference: row.difference,
    }));
  }

  @Query(() => [CountPostingDisagreement], {
    description: 'Counts of a site that inventory approved or posted and ERP has not posted as an inventory adjustment',
  })
  async countPostingDisagreements(@Arg('siteId', () => ID) siteId: string, @Ctx() ctx: ReconciliationContext): Promise<CountPostingDisagreement[]> {
    const data = await ctx.query<CountsData>(COUNTS, { siteId });
    const rows = countPostingDisagreements(
      data.countTasks.map((task) => ({
        countTaskId: task.id,
        status: task.status,
        erpDocumentNumber: task.erpDocumentNumber,
        approvedAt: task.approvedAt,
        materialId: task.materialSite.materialId,
        siteId: task.materialSite.siteId,
        erpAdjustmentDocuments: (task.materialSite.changeHistory ?? [])
          .filter((change) => change.operation === 'postInventoryAdjustment' && change.reference)
          .map((change) => change.reference!),
      })),
    );
    return rows.map((row) => ({
      countTask: { id: row.countTaskId },
      materialSite: { materialId: row.materialId, siteId: row.siteId },
      kind: row.kind as CountPostingDisagreementKind,
    }));
  }
}
