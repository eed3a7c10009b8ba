/** Quantities are compared at the precision ERP books them, so float noise is no disagreement. */
const PRECISION = 1000;

function round(value: number): number {
  return Math.round(value * PRECISION) / PRECISION;
}

/** One material-site as ERP books it, with quality's open holds on lots of the material (from MES's lot facts). */
export interface HoldStockInput {
  readonly materialId: string;
  readonly siteId: string;
  readonly blockedQuantity: number;
  readonly openHolds: readonly {
    readonly holdId: string;
    readonly lotId: string;
    readonly lotSiteId: string | null;
    readonly lotQuantity: number | null;
  }[];
}

export interface HoldStockDisagreementRow {
  readonly materialId: string;
  readonly siteId: string;
  readonly heldQuantity: number;
  readonly erpBlockedQuantity: number;
  readonly difference: number;
  readonly openHoldIds: string[];
  readonly heldLotIds: string[];
}

/**
 * Material-sites whose ERP blocked stock differs from the quantity of the lots quality holds there.
 * A lot counts once however many holds it has; holds on lots of other sites belong to those sites.
 */
export function holdStockDisagreements(rows: readonly HoldStockInput[]): HoldStockDisagreementRow[] {
  const result: HoldStockDisagreementRow[] = [];
  for (const row of rows) {
    const here = row.openHolds.filter((h) => h.lotSiteId === row.siteId);
    const lots = new Map<string, number>();
    for (const hold of here) lots.set(hold.lotId, hold.lotQuantity ?? 0);
    const held = round([...lots.values()].reduce((a, b) => a + b, 0));
    const blocked = round(row.blockedQuantity);
    if (held === blocked) continue;
    result.push({
      materialId: row.materialId,
      siteId: row.siteId,
      heldQuantity: held,
      erpBlockedQuantity: blocked,
      difference: round(held - blocked),
      openHoldIds: [...new Set(here.map((h) => h.holdId))].sort(),
      heldLotIds: [...lots.keys()].sort(),
    });
  }
  return result.sort((a, b) => a.materialId.localeCompare(b.materialId) || a.siteId.localeCompare(b.siteId));
}

/** How an approved count and ERP disagree. */
export type CountPostingDisagreementKind = 'NOT_POSTED' | 'UNKNOWN_TO_ERP';

/** One approved or posted count, with the inventory-adjustment documents ERP's trail holds for its material-site. */
export interface CountPostingInput {
  readonly countTaskId: string;
  readonly status: string;
  readonly erpDocumentNumber: string | null;
  readonly approvedAt: string | null;
  readonly materialId: string;
  readonly siteId: string;
  readonly erpAdjustmentDocuments: readonly string[];
}

export interface CountPostingDisagreementRow {
  readonly countTaskId: string;
  readonly materialId: string;
  readonly siteId: string;
  readonly countStatus: string;
  readonly erpDocumentNumber: string | null;
  readonly approvedAt: string | null;
  readonly kind: CountPostingDisagreementKind;
}

/**
 * Counts inventory approved that ERP has not posted (`NOT_POSTED`), and counts inventory marks
 * posted under a document ERP's trail for that material-site does not hold (`UNKNOWN_TO_ERP`).
 */
export function countPostingDisagreements(rows: readonly CountPostingInput[]): CountPostingDisagreementRow[] {
  const result: CountPostingDisagreementRow[] = [];
  for (const row of rows) {
    let kind: CountPostingDisagreementKind | undefined;
    if (row.status === 'APPROVED') kind = 'NOT_POSTED';
    else if (row.status === 'POSTED' && (!row.erpDocumentNumber || !row.erpAdjustmentDocuments.includes(row.erpDocumentNumber)))
      kind = 'UNKNOWN_TO_ERP';
    if (!kind) continue;
    result.push({
      countTaskId: row.countTaskId,
      materialId: row.materialId,
      siteId: row.siteId,
      countStatus: row.status,
      erpDocumentNumber: row.erpDocumentNumber,
      approvedAt: row.approvedAt,
      kind,
    });
  }
  return result.sort((a, b) => a.countTaskId.localeCompare(b.countTaskId));
}
