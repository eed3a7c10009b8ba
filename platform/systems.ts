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
    authoritativeFor: ['material master', 'book and blocked stock', 'production orders (plan)', 'suppliers', 'purchase and sales orders', 'customer credit'],
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

/** The port of a system relative to the gateway's port: erp is PORT+1 … audits is PORT+6. */
export function systemPort(gatewayPort: number, system: SystemName): number {
  return gatewayPort + 1 + SYSTEM_NAMES.indexOf(system);
}

export function isSystemName(value: string): value is SystemName {
  return (SYSTEM_NAMES as readonly string[]).includes(value);
}
