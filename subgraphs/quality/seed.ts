import { sql, type Kysely } from 'kysely';
import { bulkInsert } from '../kit/seed/bulk';
import type { Progress } from '../kit/seed/progress';
import { auditEscalations, cachedLotFact, heldLots, lotHoldFact, lotInspectionFact, qualityIds } from '../kit/seed/quality-world';
import {
  addDays,
  between,
  ids,
  lotCount,
  materialTypeOf,
  pick,
  unit,
  workOrderFact,
  type LotFact,
  type ScalePlan,
} from '../kit/seed/world';
import type { QualityDatabase } from './db';
import { seedMaterialNumbers } from '../kit/material-numbers';

type InspectionRow = QualityDatabase['inspections'];
type MeasurementRow = QualityDatabase['measurements'];
type NcrRow = QualityDatabase['nonconformances'];
type PlanRow = QualityDatabase['planCharacteristics'];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const PRODUCTION_ISSUES = [
  'Scrap rate above control limit on the line',
  'Wrong component fitted during assembly',
  'Machine crash damaged parts in process',
  'Paint thickness out of specification',
];
const COMPLAINTS = [
  'Customer reports leaking units on arrival',
  'Parts delivered with damaged packaging',
  'Dimensional deviation found at incoming inspection of the customer',
  'Wrong labels on delivered units',
  'Noise complaint on installed units',
];
const SUPPLIER_DEFECTS = [
  'Material hardness below specification found at machining',
  'Contaminated granulate found at the extruder',
  'Coil width out of tolerance found at the press',
];
const ACTIONS = [
  'Add a poka-yoke check at the station',
  'Update the control plan and retrain operators',
  'Tighten supplier incoming inspection to 100 % for three lots',
  'Replace the worn fixture and add it to preventive maintenance',
  'Revise the packaging specification',
];
const ROOT_CAUSES = [
  'Worn fixture',
  'Operator not trained on revision C',
  'Supplier process change not notified',
  'Gauge out of calibration',
  'Packaging not rated for transport',
];

/** A result of one characteristic: inside the limits when conforming, outside otherwise. */
function resultOf(c: PlanRow, conforming: boolean, k: number): Pick<MeasurementRow, 'measuredValue' | 'attributeOk'> {
  if (c.isAttribute) return { measuredValue: null, attributeOk: conforming };
  const lower = c.lowerLimit;
  const upper = c.upperLimit!;
  const u = unit('measure', k);
  if (conforming) {
    const low = lower ?? 0;
    return { measuredValue: Math.round((low + (upper - low) * (0.1 + 0.8 * u)) * 10_000) / 10_000, attributeOk: null };
  }
  const span = lower === null ? upper : upper - lower;
  const above = lower === null || unit('measure-side', k) < 0.5;
  const off = span * (0.05 + 0.5 * u);
  return { measuredValue: Math.round((above ? upper + off : lower! - off) * 10_000) / 10_000, attributeOk: null };
}

/** NCR status and disposition by age: older NCRs are dispositioned or closed, recent ones open or contained. */
function lifecycle(
  stream: string,
  k: number,
  reportedAt: Date,
  asOf: number,
  supplier: boolean,
): Pick<NcrRow, 'status' | 'disposition' | 'dispositionedAt'> {
  const age = (asOf - reportedAt.getTime()) / DAY;
  const roll = unit(`${stream}-status`, k);
  const status =
    age > 30
      ? roll < 0.6
        ? 'CLOSED'
        : roll < 0.85
          ? 'DISPOSITIONED'
          : 'CONTAINED'
      : age > 7
        ? roll < 0.3
          ? 'DISPOSITIONED'
          : roll < 0.6
            ? 'CONTAINED'
            : 'OPEN'
        : roll < 0.3
          ? 'CONTAINED'
          : 'OPEN';
  if (status !== 'CLOSED' && status !== 'DISPOSITIONED') return { status, disposition: null, dispositionedAt: null };
  const disposition =
    supplier && unit(`${stream}-rts`, k) < 0.7 ? 'RETURN_TO_SUPPLIER' : pick(`${stream}-disposition`, k, ['USE_AS_IS', 'REWORK', 'SCRAP']);
  return { status, disposition, dispositionedAt: new Date(reportedAt.getTime() + between(`${stream}-mrb`, k, 1, 6) * DAY) };
}

function severityOf(stream: string, k: number): string {
  const roll = unit(`${stream}-severity`, k);
  return roll < 0.25 ? 'MINOR' : roll < 0.85 ? 'MAJOR' : 'CRITICAL';
}

/** A produced lot of a finished product at or before lot n (customer complaints concern what was shipped). */
function finishedLotAtOrBefore(plan: ScalePlan, n: number): LotFact | null {
  for (let k = n; k >= 1; k--) {
    const lot = cachedLotFact(plan, k);
    if (lot.kind === 'PRODUCED' && materialTypeOf(lot.material) === 'FINISHED') return lot;
  }
  return null;
}

/**
 * Quality's seed: an inspection lot for most lots with results against the plan, holds on
 * rejected and suspect lots, and about 180 NCRs (audit escalations first, with the ids the audits
 * seed links its findings to) with dispositions and CAPA.
 */
export async function seedQuality(db: Kysely<QualityDatabase>, plan: ScalePlan, progress: Progress): Promise<void> {
  const asOf = new Date(`${plan.asOf}T00:00:00Z`).getTime();
  // ERP's material numbers, which NCRs are checked against.
  await seedMaterialNumbers(db, plan);
  const characteristics = await db.selectFrom('planCharacteristics').selectAll().orderBy('position').execute();
  const planOf = (type: string) => characteristics.filter((c) => c.inspectionType === type);

  const inspections: InspectionRow[] = [];
  const measurements: MeasurementRow[] = [];
  const inspectionOfLot = new Map<number, InspectionRow>();
  const rejected: { inspection: InspectionRow; lot: LotFact; failed: string[] }[] = [];
  const receivedFrom = new Map<number, LotFact[]>();
  const lots = lotCount(plan);
  for (let n = 1; n <= lots; n++) {
    if (n % 1000 === 1) progress.step('quality: inspections', n - 1, lots);
    const fact = lotInspectionFact(plan, n);
    if (!fact) continue;
    if (fact.lot.supplier !== null) receivedFrom.set(fact.lot.supplier, [...(receivedFrom.get(fact.lot.supplier) ?? []), fact.lot]);
    const row: InspectionRow = {
      id: qualityIds.inspection(inspections.length + 1),
      inspectionType: fact.inspectionType,
      lotId: fact.lot.id,
      materialId: ids.material(fact.lot.material),
      siteId: ids.site(fact.lot.site),
      lotQuantity: fact.lot.quantity,
      workOrderId: fact.workOrder ? ids.workOrder(fact.workOrder) : null,
      status: fact.status,
      usageDecision: fact.decision,
      createdAt: new Date(fact.lot.createdAt.getTime() + HOUR),
      decidedAt: fact.decidedAt,
    };
    inspections.push(row);
    inspectionOfLot.set(n, row);
    if (fact.status !== 'COMPLETED' && fact.status !== 'IN_PROGRESS') continue;
    const chars = planOf(fact.inspectionType);
    const recorded = fact.status === 'COMPLETED' ? chars : chars.slice(0, Math.ceil(chars.length / 2));
    const failing =
      fact.decision === 'REJECT' || fact.decision === 'CONDITIONAL_ACCEPT' ? between('insp-failing', n, 0, chars.length - 1) : -1;
    const failed: string[] = [];
    recorded.forEach((c, i) => {
      const conforming = i !== failing;
      if (!conforming) failed.push(c.characteristic);
      measurements.push({
        inspectionId: row.id,
        characteristic: c.characteristic,
        lowerLimit: c.lowerLimit,
        upperLimit: c.upperLimit,
        ...resultOf(c, conforming, n * 8 + i),
        conforming,
        position: c.position,
        measuredAt: new Date(row.createdAt.getTime() + HOUR),
      });
    });
    if (fact.decision === 'REJECT') rejected.push({ inspection: row, lot: fact.lot, failed });
  }
  await bulkInsert(db, 'inspections', inspections);
  await bulkInsert(db, 'measurements', measurements, { progress, label: 'quality: measurements' });

  progress.step('quality: holds', 0, 1);
  const holds = heldLots(plan).map((n, i) => {
    const fact = lotHoldFact(plan, n)!;
    const inspection = inspectionOfLot.get(n);
    return {
      id: qualityIds.hold(i + 1),
      lotId: fact.lot.id,
      materialId: ids.material(fact.lot.material),
      siteId: ids.site(fact.lot.site),
      quantity: fact.lot.quantity,
      reason: fact.reason,
      inspectionId: fact.rejected ? inspection!.id : null,
      placedAt: fact.placedAt,
      releasedAt: fact.releasedAt,
      releaseJustification: fact.releasedAt ? 'MRB: material usable after 100 % re-inspection' : null,
      erpBlockDocument: `SSC-SEED-${String(i + 1).padStart(6, '0')}-B`,
      erpReleaseDocument: fact.releasedAt ? `SSC-SEED-${String(i + 1).padStart(6, '0')}-U` : null,
    };
  });
  await bulkInsert(db, 'qualityHolds', holds);

  progress.step('quality: nonconformances', 0, 1);
  const ncrs: NcrRow[] = [];
  const base = { customerId: null, supplierId: null, inspectionId: null, sourceFindingId: null, lotId: null, nonconformingQuantity: null };
  for (const escalation of auditEscalations(plan)) {
    const { audit, finding } = escalation;
    const reportedAt = new Date(new Date(`${audit.scheduledFor}T00:00:00Z`).getTime() + 16 * HOUR);
    const k = ncrs.length + 1;
    ncrs.push({
      ...base,
      id: escalation.nonconformanceId,
      source: 'AUDIT',
      severity: finding.severity,
      description: `Audit ${audit.id} at ${ids.workCenter(audit.workCenter)}: ${finding.question}`,
      materialId: ids.material(audit.material),
      sourceFindingId: escalation.findingId,
      reportedAt,
      ...lifecycle('ncr-audit', k, reportedAt, asOf, false),
    });
  }
  const next = () => qualityIds.nonconformance(ncrs.length + 1);
  for (const { inspection, lot, failed } of rejected) {
    const k = ncrs.length + 1;
    const supplier = lot.kind === 'RECEIVED';
    const reportedAt = inspection.decidedAt!;
    ncrs.push({
      ...base,
      id: next(),
      source: supplier ? 'SUPPLIER' : 'INSPECTION',
      severity: severityOf('ncr-inspection', k),
      description: `${inspection.inspectionType} inspection ${inspection.id} of lot ${lot.id} rejected: nonconforming ${failed.join(', ') || 'result'}`,
      materialId: inspection.materialId,
      lotId: lot.id,
      supplierId: supplier ? ids.supplier(lot.supplier!) : null,
      nonconformingQuantity: lot.quantity,
      inspectionId: inspection.id,
      reportedAt,
      ...lifecycle('ncr-inspection', k, reportedAt, asOf, supplier),
    });
  }
  for (let k = 1; k <= 30 * plan.scale; k++) {
    const lot = finishedLotAtOrBefore(plan, between('complaint-lot', k, 1, lots));
    if (!lot) continue;
    const order = workOrderFact(plan, lot.workOrder!);
    // The first complaint comes from the first customer, whom the customer 360 examples show.
    const customer = k === 1 ? 1 : (order.customer ?? between('complaint-customer', k, 1, plan.customers));
    const reportedAt = new Date(Math.min(asOf - 6 * HOUR, lot.createdAt.getTime() + between('complaint-delay', k, 3, 20) * DAY));
    ncrs.push({
      ...base,
      id: next(),
      source: 'CUSTOMER_COMPLAINT',
      severity: k === 1 ? 'MAJOR' : severityOf('ncr-complaint', k),
      description: pick('complaint-text', k, COMPLAINTS),
      materialId: ids.material(lot.material),
      lotId: lot.id,
      customerId: ids.customer(customer),
      nonconformingQuantity: between('complaint-qty', k, 1, 20),
      reportedAt,
      ...lifecycle('ncr-complaint', k, reportedAt, asOf, false),
    });
  }
  // Supplier defects found on the line in received material; the first is on a lot of supplier 1,
  // whose scorecard the examples show.
  for (let k = 1; k <= 10 * plan.scale; k++) {
    const supplier = k === 1 ? 1 : between('line-supplier', k, 1, plan.suppliers);
    const received = receivedFrom.get(supplier);
    if (!received) continue;
    const lot = pick('line-lot', k, received);
    const reportedAt = new Date(Math.min(asOf - 6 * HOUR, lot.createdAt.getTime() + between('line-delay', k, 2, 20) * DAY));
    ncrs.push({
      ...base,
      id: next(),
      source: 'SUPPLIER',
      severity: severityOf('ncr-line', k),
      description: pick('line-text', k, SUPPLIER_DEFECTS),
      materialId: ids.material(lot.material),
      lotId: lot.id,
      supplierId: ids.supplier(supplier),
      nonconformingQuantity: between('line-qty', k, 5, 200),
      reportedAt,
      ...lifecycle('ncr-line', k, reportedAt, asOf, true),
    });
  }
  for (let k = 1; k <= 15 * plan.scale; k++) {
    let lot = cachedLotFact(plan, between('production-lot', k, 1, lots));
    while (lot.kind !== 'PRODUCED' && lot.number > 1) lot = cachedLotFact(plan, lot.number - 1);
    const reportedAt = new Date(lot.createdAt.getTime() + between('production-delay', k, 1, 12) * HOUR);
    ncrs.push({
      ...base,
      id: next(),
      source: 'PRODUCTION',
      severity: severityOf('ncr-production', k),
      description: pick('production-text', k, PRODUCTION_ISSUES),
      materialId: ids.material(lot.material),
      lotId: lot.id,
      nonconformingQuantity: between('production-qty', k, 1, 40),
      reportedAt,
      ...lifecycle('ncr-production', k, reportedAt, asOf, false),
    });
  }
  await bulkInsert(db, 'nonconformances', ncrs);

  const capas = ncrs.flatMap((ncr, i) => {
    // Customer complaints above MINOR always get a CAPA (an 8D for the customer).
    const wanted =
      ncr.source === 'CUSTOMER_COMPLAINT' && ncr.severity !== 'MINOR'
        ? true
        : ncr.severity === 'MINOR'
          ? unit('capa', i) < 0.2
          : unit('capa', i) < 0.75;
    if (!wanted) return [];
    const age = (asOf - ncr.reportedAt.getTime()) / DAY;
    const status =
      ncr.status === 'CLOSED'
        ? 'CLOSED'
        : age > 20
          ? pick('capa-status', i, ['IN_PROGRESS', 'VERIFYING'])
          : pick('capa-status', i, ['OPEN', 'IN_PROGRESS']);
    return [
      {
        nonconformanceId: ncr.id,
        rootCause: status === 'OPEN' ? null : pick('capa-root', i, ROOT_CAUSES),
        correctiveAction: pick('capa-action', i, ACTIONS),
        dueDate: addDays(ncr.reportedAt.toISOString().slice(0, 10), between('capa-due', i, 14, 60)),
        status,
        openedAt: new Date(ncr.reportedAt.getTime() + between('capa-open', i, 1, 48) * HOUR),
      },
    ];
  });
  await bulkInsert(db, 'capas', capas);

  // New numbers continue after the seeded ones.
  await sql`select setval('inspection_number', ${Math.max(1, inspections.length)}), setval('hold_number', ${Math.max(1, holds.length)}), setval('nonconformance_number', ${Math.max(1, ncrs.length)})`.execute(
    db,
  );
  progress.step('quality: nonconformances', 1, 1);
}
