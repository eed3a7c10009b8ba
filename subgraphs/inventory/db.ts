
type Timestamp = Date;

/** Inventory's tables (camelCase here, snake_case in the database). */
export interface InventoryDatabase {
  countPolicies: { siteId: string; abcClass: string; countsPerYear: number; tolerancePercent: number };
  materialSiteProfiles: { materialId: string; siteId: string; abcClass: string; binCodes: string[] };
  countTasks: {
    id: string;
    materialId: string;
    siteId: string;
    binCode: string;
    scheduledFor: string;
    status: string;
    countedQuantity: number | null;
    recountQuantity: number | null;
    countedBy: string | null;
    countedAt: Timestamp | null;
    approvedBy: string | null;
    erpDocumentNumber: string | null;
  };
}
