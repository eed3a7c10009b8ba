import type { SystemName } from '../platform/systems';
import type { SystemModule } from './kit/system';
import { erpSystem } from './erp/server';
import { mesSystem } from './mes/server';
import { crmSystem } from './crm/server';
import { inventorySystem } from './inventory/server';
import { qualitySystem } from './quality/server';
import { auditsSystem } from './audits/server';

/** The systems this build serves, in registry order. */
export const SYSTEM_MODULES: Partial<Record<SystemName, SystemModule>> = {
  erp: erpSystem,
  mes: mesSystem,
  crm: crmSystem,
  inventory: inventorySystem,
  quality: qualitySystem,
  audits: auditsSystem,
};

export function implementedSystems(): SystemModule[] {
  return Object.values(SYSTEM_MODULES) as SystemModule[];
}
