import type { Kysely, Transaction } from 'kysely';
import { recordChange } from '../../kit/audit-trail';
import type { Caller } from '../../../platform/caller';
import { preview } from '../../../platform/preview';
import type { MesDatabase } from '../db';
import { CONSUMABLE_LOT, DispatchStatus, LotLifecycleStatus } from '../enums';
import { addGenealogyEdges } from '../genealogy/genealogy.repository';
import { failure, inTransaction, invalid, missing, success, type Outcome, invalidState } from '../../kit/outcome';
import { quantityProblem, roundQuantity } from '../../kit/numbers';
import { findWorkCentersByIds } from '../work-center/work-center.repository';
import { lockWorkOrder, updateWorkOrder } from '../work-order/work-order.repository';
import { insertLot, lockLots, nextLotId, setLotQuantity, type LotRow } from './lot.repository';
import { recordChangeEvent } from '../../kit/events';

export interface ProductionReport {
  workOrderId: string;
  workCenterId: string;
  goodQuantity: number;
  scrapQuantity: number;
  /** Null: MES assigns a new lot number. */
  outputLotId?: string | null;
  consumed: readonly { lotId: string; quantity: number }[];
}

/** Orders production can be reported on; reporting starts a waiting or ready order. */
const REPORTABLE: readonly string[] = [DispatchStatus.WAITING, DispatchStatus.READY, DispatchStatus.RUNNING];
const LOT_ID = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,39}$/;
const OPERATION = 'reportProduction';

/** Checks what can be checked without the database; the report's numbers come back rounded as stored. */
function validate(report: ProductionReport): Outcome<ProductionReport> {
  const goodQuantity = roundQuantity(report.goodQuantity);
  const scrapQuantity = roundQuantity(report.scrapQuantity);
  const goodProblem = quantityProblem(goodQuantity, 0);
  if (goodProblem) return invalid('input.goodQuantity', goodProblem);
  const scrapProblem = quantityProblem(scrapQuantity, 0);
  if (scrapProblem) return invalid('input.scrapQuantity', scrapProblem);
  if (goodQuantity + scrapQuantity === 0) {
    return invalid('input.goodQuantity', 'expected good or scrap quantity above 0, got 0 and 0: nothing to report');
  }
  const outputLotId = report.outputLotId ?? null;
  if (outputLotId !== null && !LOT_ID.test(outputLotId)) {
    return invalid(
      'input.outputLotId',
      `expected a lot number of 1 to 40 letters, digits, "_", ".", "-" or "/", got ${preview(outputLotId)}`,
    );
  }
  const seen = new Set<string>();
  const consumed: { lotId: string; quantity: number }[] = [];
  for (const [i, item] of report.consumed.entries()) {
    const quantity = roundQuantity(item.quantity);
    const problem = quantityProblem(quantity, 0, true);
    if (problem) return invalid(`input.consumed[${i}].quantity`, problem);
    if (item.lotId === outputLotId)
      return invalid(`input.consumed[${i}].lotId`, `a lot cannot consume itself, got the output lot ${item.lotId}`);
    if (seen.has(item.lotId)) return invalid(`input.consumed[${i}].lotId`, `expected each lot once, got ${item.lotId} again`);
    seen.add(item.lotId);
    consumed.push({ lotId: item.lotId, quantity });
  }
  return success({ ...report, goodQuantity, scrapQuantity, outputLotId, consumed });
}

async function freshLotId(trx: Transaction<MesDatabase>): Promise<string> {
  // Lot numbers typed in by hand may already use a number of the sequence: skip those.
  for (;;) {
    const id = await nextLotId(trx);
    if ((await lockLots(trx, [id])).length === 0) return id;
  }
}

/**
 * Reports good and scrap output of a work order at a work center: creates or tops up the output
 * lot, takes the consumed quantities out of their lots, records the genealogy edges and advances
 * the order, all in one transaction with an audit-trail row per changed entity.
 */
export async function reportProduction(db: Kysely<MesDatabase>, caller: Caller, input: ProductionReport): Promise<Outcome<LotRow>> {
  const checked = validate(input);
  if (!checked.ok) return checked;
  const report = checked.value;
  return inTransaction(db, async (trx) => {
    const order = await lockWorkOrder(trx, report.workOrderId);
    if (!order) return missing('WorkOrder', report.workOrderId);
    const [center] = await findWorkCentersByIds(trx, [report.workCenterId]);
    if (!center) return missing('WorkCenter', report.workCenterId);
    if (center.siteId !== order.siteId) {
      return invalid(
        'input.workCenterId',
        `expected a work center of site ${order.siteId} (where ${order.id} is made), got ${center.id} of site ${center.siteId}`,
      );
    }
    if (!REPORTABLE.includes(order.dispatchStatus)) {
      return invalidState(
        `work order ${order.id} is ${order.dispatchStatus}; production can be reported only on ${REPORTABLE.join(', ')} orders`,
        order.dispatchStatus,
      );
    }

    const wanted = report.consumed.map((c) => c.lotId);
    if (report.outputLotId) wanted.push(report.outputLotId);
    const locked = new Map((await lockLots(trx, wanted)).map((lot) => [lot.id, lot] as const));

    const changes: { before: LotRow | null; after: LotRow }[] = [];
    for (const [i, item] of report.consumed.entries()) {
      const lot = locked.get(item.lotId);
      if (!lot) return missing('Lot', item.lotId);
      if (!CONSUMABLE_LOT.includes(lot.lifecycleStatus as LotLifecycleStatus)) {
        return invalidState(
          `lot ${lot.id} is ${lot.lifecycleStatus}; only ${CONSUMABLE_LOT.join(' or ')} lots can be consumed`,
          lot.lifecycleStatus,
        );
      }
      if (lot.siteId !== center.siteId) {
        return invalid(`input.consumed[${i}].lotId`, `expected a lot at site ${center.siteId}, got ${lot.id} at site ${lot.siteId}`);
      }
      if (item.quantity > lot.quantity) {
        return invalid(`input.consumed[${i}].quantity`, `lot ${lot.id} holds ${lot.quantity}, cannot consume ${item.quantity}`);
      }
      const left = roundQuantity(lot.quantity - item.quantity);
      const status = left === 0 ? LotLifecycleStatus.CONSUMED : lot.lifecycleStatus;
      changes.push({ before: lot, after: await setLotQuantity(trx, lot.id, left, status) });
    }

    let output: LotRow;
    const existing = report.outputLotId ? locked.get(report.outputLotId) : undefined;
    if (existing) {
      if (existing.producedBy !== order.id) {
        const origin = existing.producedBy ? `was produced by ${existing.producedBy}` : 'was received, not produced';
        return failure('CONFLICT', `output lot ${existing.id} ${origin}; it cannot take output of ${order.id}`);
      }
      if (!CONSUMABLE_LOT.includes(existing.lifecycleStatus as LotLifecycleStatus)) {
        return invalidState(
          `output lot ${existing.id} is ${existing.lifecycleStatus}; output can be added only to ${CONSUMABLE_LOT.join(' or ')} lots`,
          existing.lifecycleStatus,
        );
      }
      output = await setLotQuantity(trx, existing.id, roundQuantity(existing.quantity + report.goodQuantity), existing.lifecycleStatus);
      changes.push({ before: existing, after: output });
    } else {
      if (report.goodQuantity === 0) {
        return invalid('input.goodQuantity', 'expected a good quantity above 0 to create a new output lot, got 0');
      }
      output = await insertLot(trx, {
        id: report.outputLotId ?? (await freshLotId(trx)),
        materialId: order.materialId,
        siteId: center.siteId,
        quantity: report.goodQuantity,
        lifecycleStatus: LotLifecycleStatus.AVAILABLE,
        producedBy: order.id,
        createdAt: new Date(),
      });
      changes.push({ before: null, after: output });
    }

    await addGenealogyEdges(
      trx,
      report.consumed.map((c) => ({ consumedLotId: c.lotId, producedLotId: output.id, quantity: c.quantity })),
    );
    const orderAfter = await updateWorkOrder(trx, order.id, {
      dispatchStatus: DispatchStatus.RUNNING,
      workCenterId: center.id,
      goodQuantity: roundQuantity(order.goodQuantity + report.goodQuantity),
      scrapQuantity: roundQuantity(order.scrapQuantity + report.scrapQuantity),
    });

    for (const change of changes) {
      await recordChange(trx, {
        caller,
        operation: OPERATION,
        entityType: 'Lot',
        entityId: change.after.id,
        before: change.before,
        after: change.after,
      });
    }
    await recordChange(trx, {
      caller,
      operation: OPERATION,
      entityType: 'WorkOrder',
      entityId: order.id,
      before: order,
      after: orderAfter,
    });
    await recordChangeEvent(trx, { field: 'workOrderProgressed', scope: order.siteId, key: { id: order.id } });
    return success(output);
  });
}
