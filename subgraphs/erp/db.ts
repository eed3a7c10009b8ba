
type Timestamp = Date;

/** ERP's tables as Kysely sees them (camelCase; the database uses snake_case). */
export interface ErpDatabase {
  sites: { id: string; name: string };
  materials: {
    id: string;
    description: string;
    materialType: string;
    baseUnitOfMeasure: string;
    standardCost: number;
    lotControlled: boolean;
  };
  materialSites: {
    materialId: string;
    siteId: string;
    bookQuantity: number;
    blockedQuantity: number;
    lastMovementAt: Timestamp | null;
  };
  customers: { id: string; creditLimit: number | null };
  workOrders: {
    id: string;
    materialId: string;
    siteId: string;
    plannedQuantity: number;
    dueDate: string;
    orderStatus: string;
    customerId: string | null;
  };
}
