/** The systems Plantgraph composes, in port order (erp is PORT+1 … audits is PORT+6). */
export const SYSTEM_NAMES = ['erp', 'mes', 'crm', 'inventory', 'quality', 'audits'] as const;

export type SystemName = (typeof SYSTEM_NAMES)[number];

/** A system of record owns master and transactional truth; a system of engagement captures frontline work. */
export type SystemKind = 'record' | 'engagement';

export interface SystemInfo {
  readonly name: SystemName;
  readonly label: string;
  readonly kind: SystemKind;
  /** The team accountable for the system's data. */
  readonly steward: string;
  readonly description: string;
  /** What the system is the authoritative source for. */
  readonly authoritativeFor: readonly string[];
}

/** The systems registry: one entry per system, the single place where authority is declared. */
export const SYSTEMS: Readonly<Record<SystemName, SystemInfo>> = Object.freeze({
  erp: {
    name: 'erp',
    label: 'ERP',
    kind: 'record',
    steward: 'Finance & Supply Chain',
    description: 'Enterprise resource planning: material master, stock ledger, orders and partners',
    authoritativeFor: [
      'material master',
      'book and blocked stock',
      'production orders (plan)',
      'suppliers',
      'purchase and sales orders',
      'customer credit',
    ],
  },
  mes: {
    name: 'mes',
    label: 'MES',
    kind: 'record',
    steward: 'Manufacturing Operations',
    description: 'Manufacturing execution: equipment, work-order execution, lots and genealogy',
    authoritativeFor: ['equipment hierarchy', 'work-order execution', 'lots', 'genealogy'],
  },
  crm: {
    name: 'crm',
    label: 'CRM',
    kind: 'record',
    steward: 'Sales',
    description: 'Customer relationship management: customer identity and relationship',
    authoritativeFor: ['customer identity and relationship'],
  },
  inventory: {
    name: 'inventory',
    label: 'Inventory',
    kind: 'engagement',
    steward: 'Warehouse',
    description: 'Cycle counting: count program, physical counts, bins',
    authoritativeFor: ['cycle-count program', 'physical counts', 'bins'],
  },
  quality: {
    name: 'quality',
    label: 'Quality',
    kind: 'engagement',
    steward: 'Quality Assurance',
    description: 'Quality control: inspections, holds, nonconformances, CAPA',
    authoritativeFor: ['inspections', 'measurements', 'holds', 'nonconformances', 'CAPA', 'supplier defect rate'],
  },
  audits: {
    name: 'audits',
    label: 'Audits',
    kind: 'engagement',
    steward: 'Operational Excellence',
    description: 'Digital audits: layered process audits, findings and escalation',
    authoritativeFor: ['audits', 'findings', 'escalation'],
  },
});

/**
 * A declared move of one field from one system to another (Federation's `@override(from:)`).
 * Composition accepts any `@override`; the compose guards accept only the moves listed here.
 */
export interface AuthorityMove {
  /** `Type.field` */
  readonly field: string;
  readonly from: SystemName;
  readonly to: SystemName;
  /** Why the field moved; shown in review. */
  readonly reason: string;
}

/** The rules the compose guards enforce beyond composition's own. */
export interface AuthorityRules {
  /** The system that owns each entity type (its key fields are that system's). */
  readonly entityOwners: Readonly<Record<string, SystemName>>;
  /**
   * Fields only one system of record may serve: `Type.field`, or `Type.*` for every field of a
   * type. A system of engagement that serves one of them has taken a copy of the record.
   */
  readonly reserved: Readonly<Record<string, SystemName>>;
  /** The only `@override`s the graph accepts. */
  readonly moves: readonly AuthorityMove[];
}

/** Who owns which entity, which fields belong to systems of record, and which moves of authority are declared. */
export const AUTHORITY: AuthorityRules = Object.freeze({
  entityOwners: Object.freeze({
    Material: 'erp',
    MaterialSite: 'erp',
    WorkOrder: 'erp',
    Supplier: 'erp',
    Customer: 'crm',
    Lot: 'mes',
    WorkCenter: 'mes',
    CountTask: 'inventory',
    Nonconformance: 'quality',
    Audit: 'audits',
  }),
  reserved: Object.freeze({
    'Material.description': 'erp',
    'Material.materialType': 'erp',
    'Material.baseUnitOfMeasure': 'erp',
    'Material.standardCost': 'erp',
    'Material.lotControlled': 'erp',
    'MaterialSite.material': 'erp',
    'MaterialSite.bookQuantity': 'erp',
    'MaterialSite.blockedQuantity': 'erp',
    'MaterialSite.lastMovementAt': 'erp',
    'WorkOrder.material': 'erp',
    'WorkOrder.plannedQuantity': 'erp',
    'WorkOrder.dueDate': 'erp',
    'WorkOrder.orderStatus': 'erp',
    'WorkOrder.customer': 'erp',
    'WorkOrder.dispatchStatus': 'mes',
    'WorkOrder.goodQuantity': 'mes',
    'WorkOrder.scrapQuantity': 'mes',
    'WorkOrder.remainingQuantity': 'mes',
    'WorkOrder.workCenter': 'mes',
    'Supplier.name': 'erp',
    'Supplier.receivedQuantity12m': 'erp',
    'Supplier.purchaseOrders': 'erp',
    'Customer.creditLimit': 'erp',
    'Customer.salesOrders': 'erp',
    'Customer.name': 'crm',
    'Customer.segment': 'crm',
    'Customer.countryCode': 'crm',
    'Customer.accountManager': 'crm',
    'Lot.material': 'mes',
    'Lot.quantity': 'mes',
    'Lot.lifecycleStatus': 'mes',
    'Lot.genealogy': 'mes',
    'Lot.supplier': 'erp',
    'Lot.shippedTo': 'erp',
    'WorkCenter.name': 'mes',
    'WorkCenter.state': 'mes',
    'PurchaseOrder.*': 'erp',
    'PurchaseOrderLine.*': 'erp',
    'SalesOrder.*': 'erp',
    'InventoryAdjustment.*': 'erp',
    'StockStatusChange.*': 'erp',
    'GenealogyEdge.*': 'mes',
  }),
  moves: Object.freeze([]),
});

/** The system of record a field is reserved for, if any. */
export function reservedOwner(rules: AuthorityRules, typeName: string, fieldName: string): SystemName | undefined {
  return rules.reserved[`${typeName}.${fieldName}`] ?? rules.reserved[`${typeName}.*`];
}

/** A source of the graph that is not a system of its own and owns no business fact. */
export interface DerivedSource {
  readonly label: string;
  readonly steward: string;
  readonly description: string;
  readonly authoritativeFor: readonly string[];
}

/** Sources the gateway answers itself: the reconciliation owns only the comparisons it derives. */
export const DERIVED_SOURCES: Readonly<Record<string, DerivedSource>> = Object.freeze({
  reconciliation: {
    label: 'Reconciliation',
    steward: 'Data Governance',
    description: 'Answered in the gateway by comparing what a system of engagement and the system of record say, read through the graph',
    authoritativeFor: ['disagreements between systems of engagement and systems of record'],
  },
});

/** The port of a system relative to the gateway's port: erp is PORT+1 … audits is PORT+6. */
export function systemPort(gatewayPort: number, system: SystemName): number {
  return gatewayPort + 1 + SYSTEM_NAMES.indexOf(system);
}

/** The embedded PostgreSQL's port relative to the gateway's port, unless `PG_PORT` moves it. */
export const PG_PORT_OFFSET = 10;

/** Every port `plantgraph start` binds, relative to PORT: the gateway, the six subgraphs, the embedded PostgreSQL. */
export const START_PORT_OFFSETS: readonly number[] = [0, ...SYSTEM_NAMES.map((system) => systemPort(0, system)), PG_PORT_OFFSET];

export function isSystemName(value: string): value is SystemName {
  return (SYSTEM_NAMES as readonly string[]).includes(value);
}
