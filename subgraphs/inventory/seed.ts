import type { Insertable, Kysely } from 'kysely';
import { bulkInsert } from '../kit/seed/bulk';
import type { Progress } from '../kit/seed/progress';
import { abcClassOf, addDays, between, bookQuantityOf, ids, siteOfMaterial, unit, type ScalePlan } from '../kit/seed/world';
import type { InventoryDatabase } from './db';

/** ABC cycle-count policy: A 4 a year within 1 %, B 2 within 3 %, C 1 within 5 %. */
export const DEFAULT_POLICIES = [
  { abcClass: 'A', countsPerYear: 4, tolerancePercent: 1 },
  { abcClass: 'B', countsPerYear: 2, tolerancePercent: 3 },
  { abcClass: 'C', countsPerYear: 1, tolerancePercent: 5 },
] as const;

const COUNTERS = ['ana.ruiz', 'ben.okafor', 'chen.li', 'dara.kelly', 'emil.novak'];

export function countTaskId(n: number): string {
  return `CT${String(n).padStart(7, '0')}`;
}

function binCodesOf(material: number): string[] {
  const bins = between('bins', material, 1, 3);
  return Array.from({ length: bins }, (_, b) => {
    const k = material * 3 + b;
    return `${String.fromCharCode(65 + between('aisle', k, 0, 7))}-${String(between('rack', k, 1, 24)).padStart(2, '0')}-${String(between('level', k, 1, 5)).padStart(2, '0')}`;
  });
}

type Task = Insertable<InventoryDatabase['countTasks']>;

/** Inventory's seed: policies, material-site profiles, 90 days of counts and the coming schedule. */
export async function seedInventory(db: Kysely<InventoryDatabase>, plan: ScalePlan, progress: Progress): Promise<void> {
  const policies = Array.from({ length: plan.sites }, (_, s) => DEFAULT_POLICIES.map((p) => ({ siteId: ids.site(s + 1), ...p }))).flat();
  await db.insertInto('countPolicies').values(policies).execute();
  const tolerance = Object.fromEntries(DEFAULT_POLICIES.map((p) => [p.abcClass, p.tolerancePercent]));
  const share = { A: 1, B: 0.5, C: 0.25 } as const; // counts due in a 90-day window

  const profiles = Array.from({ length: plan.materials }, (_, i) => ({
    materialId: ids.material(i + 1),
    siteId: ids.site(siteOfMaterial(plan, i + 1)),
    abcClass: abcClassOf(i + 1),
    binCodes: binCodesOf(i + 1),
  }));
  await bulkInsert(db, 'materialSiteProfiles', profiles, { progress, label: 'inventory: profiles' });

  const tasks: Task[] = [];
  const asOf = new Date(`${plan.asOf}T00:00:00Z`).getTime();
  profiles.forEach((profile, i) => {
    const n = i + 1;
    const cls = profile.abcClass;
    const book = bookQuantityOf(n);
    const base = {
      materialId: profile.materialId,
      siteId: profile.siteId,
      binCode: profile.binCodes[0]!,
      approvedBy: null,
      erpDocumentNumber: null,
    };
    if (unit('counted', n) < share[cls]) {
      const daysAgo = between('count-age', n, 1, 89);
      const tol = tolerance[cls]! / 100;
      const roll = unit('count-outcome', n);
      // Most counts agree with the book within tolerance; some are off and wait for recount or approval.
      const outOfTolerance = roll < 0.08;
      const drift = outOfTolerance ? tol * (2 + unit('drift', n) * 3) : tol * 0.6 * unit('drift', n);
      const counted = Math.max(0, Math.round(book * (1 + (unit('sign', n) < 0.5 ? -drift : drift)) * 1000) / 1000);
      const status = outOfTolerance ? 'RECOUNT_REQUIRED' : roll < 0.14 ? 'PENDING_APPROVAL' : 'POSTED';
      tasks.push({
        ...base,
        id: '',
        scheduledFor: addDays(plan.asOf, -daysAgo),
        status,
        countedQuantity: counted,
        recountQuantity: null,
        countedBy: COUNTERS[n % COUNTERS.length]!,
        countedAt: new Date(asOf - daysAgo * 86_400_000 + 10 * 3_600_000),
        approvedBy: status === 'POSTED' ? 'inventory.controller' : null,
        erpDocumentNumber: status === 'POSTED' ? `ADJ-SEED-${String(n).padStart(7, '0')}` : null,
      });
    }
    if (unit('scheduled', n) < share[cls] * 0.6) {
      tasks.push({
        ...base,
        id: '',
        scheduledFor: addDays(plan.asOf, between('schedule-day', n, 0, 13)),
        status: 'SCHEDULED',
        countedQuantity: null,
        recountQuantity: null,
        countedBy: null,
        countedAt: null,
      });
    }
  });
  tasks.forEach((task, i) => (task.id = countTaskId(i + 1)));
  await bulkInsert(db, 'countTasks', tasks, { progress, label: 'inventory: count tasks' });
}
