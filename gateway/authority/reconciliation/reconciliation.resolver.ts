import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { PAGE_SIZE_MAX } from '../../../platform/paging';
import { readAllPages, type PageOf } from './graph-pages';
import { countPostingDisagreements, holdStockDisagreements } from './reconcile';
import { CountPostingDisagreement, CountPostingDisagreementKind, HoldStockDisagreement } from './reconciliation.type';
import type { ReconciliationContext } from './reconciliation.context';

// Each reconciliation reads the graph with operations over it, so ERP, quality, MES and inventory
// each answer from their own database and the gateway plans the batching. Lists that grow with the
// plant's history are connections: a reconciliation pages through them to their end.
const HOLDS = `query ReconcileHoldsWithBlockedStock($siteId: ID!, $first: Int!, $after: String) {
  materialSites(siteId: $siteId, first: $first, after: $after) {
    nodes {
      materialId siteId blockedQuantity
      material { activeHolds { id lot { id siteId quantity } } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const TRAIL_PAGE = 'nodes { operation reference } pageInfo { hasNextPage endCursor }';

const COUNTS = `query ReconcileCountsWithAdjustments($siteId: ID!, $first: Int!, $after: String) {
  countTasks(siteId: $siteId, status: [APPROVED, POSTED], first: $first, after: $after) {
    nodes {
      id status erpDocumentNumber approvedAt
      materialSite { materialId siteId changeHistory(first: $first) { ${TRAIL_PAGE} } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const TRAIL = `query ReconcileAdjustmentTrail($materialId: ID!, $siteId: ID!, $first: Int!, $after: String) {
  materialSite(materialId: $materialId, siteId: $siteId) { changeHistory(first: $first, after: $after) { ${TRAIL_PAGE} } }
}`;

interface HoldSite {
  materialId: string;
  siteId: string;
  blockedQuantity: number;
  material: { activeHolds: { id: string; lot: { id: string; siteId: string | null; quantity: number | null } | null }[] | null } | null;
}

type TrailPage = PageOf<{ operation: string; reference: string | null }>;

interface CountTaskNode {
  id: string;
  status: string;
  erpDocumentNumber: string | null;
  approvedAt: string | null;
  materialSite: { materialId: string; siteId: string; changeHistory: TrailPage | null };
}

const siteKey = (site: { materialId: string; siteId: string }) => `${site.materialId}/${site.siteId}`;

const adjustmentDocuments = (page: TrailPage | null) =>
  (page?.nodes ?? [])
    .filter((change) => change.operation === 'postInventoryAdjustment' && change.reference)
    .map((change) => change.reference!);

/**
 * The inventory-adjustment documents ERP's trail holds for each material-site of `tasks`. The
 * first page of each trail came with the tasks; a trail is read further, newest first, only while
 * a posted count's document is still missing from it, so an old posting is found wherever it sits
 * and the common case costs no extra operation.
 */
async function adjustmentTrails(ctx: ReconciliationContext, tasks: readonly CountTaskNode[]): Promise<Map<string, Set<string>>> {
  const trails = new Map<
    string,
    { documents: Set<string>; next: string | null; wanted: Set<string>; materialId: string; siteId: string }
  >();
  for (const task of tasks) {
    const site = task.materialSite;
    let trail = trails.get(siteKey(site));
    if (!trail) {
      const page = site.changeHistory;
      trail = {
        documents: new Set(adjustmentDocuments(page)),
        next: page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null,
        wanted: new Set(),
        materialId: site.materialId,
        siteId: site.siteId,
      };
      trails.set(siteKey(site), trail);
    }
    if (task.status === 'POSTED' && task.erpDocumentNumber) trail.wanted.add(task.erpDocumentNumber);
  }
  for (const trail of trails.values()) {
    const missing = () => [...trail.wanted].some((document) => !trail.documents.has(document));
    while (trail.next !== null && missing()) {
      const data = await ctx.query<{ materialSite: { changeHistory: TrailPage } | null }>(TRAIL, {
        materialId: trail.materialId,
        siteId: trail.siteId,
        first: PAGE_SIZE_MAX,
        after: trail.next,
      });
      const page = data.materialSite?.changeHistory ?? null;
      for (const document of adjustmentDocuments(page)) trail.documents.add(document);
      trail.next = page?.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    }
  }
  return new Map([...trails].map(([key, trail]) => [key, trail.documents]));
}

@Resolver()
export class ReconciliationResolver {
  @Query(() => [HoldStockDisagreement], {
    description: "Material-sites of a site where the quantity of lots on open quality hold differs from ERP's blocked stock",
  })
  async holdStockDisagreements(
    @Arg('siteId', () => ID) siteId: string,
    @Ctx() ctx: ReconciliationContext,
  ): Promise<HoldStockDisagreement[]> {
    const sites = await readAllPages(ctx, HOLDS, { siteId }, (data: { materialSites: PageOf<HoldSite> | null }) => data.materialSites);
    const rows = holdStockDisagreements(
      sites.map((site) => ({
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
  async countPostingDisagreements(
    @Arg('siteId', () => ID) siteId: string,
    @Ctx() ctx: ReconciliationContext,
  ): Promise<CountPostingDisagreement[]> {
    const tasks = await readAllPages(ctx, COUNTS, { siteId }, (data: { countTasks: PageOf<CountTaskNode> | null }) => data.countTasks);
    const trails = await adjustmentTrails(ctx, tasks);
    const rows = countPostingDisagreements(
      tasks.map((task) => ({
        countTaskId: task.id,
        status: task.status,
        erpDocumentNumber: task.erpDocumentNumber,
        approvedAt: task.approvedAt,
        materialId: task.materialSite.materialId,
        siteId: task.materialSite.siteId,
        erpAdjustmentDocuments: [...(trails.get(siteKey(task.materialSite)) ?? [])],
      })),
    );
    return rows.map((row) => ({
      countTask: { id: row.countTaskId },
      materialSite: { materialId: row.materialId, siteId: row.siteId },
      kind: row.kind as CountPostingDisagreementKind,
    }));
  }
}
