import type { Kysely } from 'kysely';
import { recordChange } from '../../kit/audit-trail';
import { recordChangeEvent } from '../../kit/events';
import type { Caller } from '../../../platform/caller';
import type { ErpDatabase } from '../db';
import { failure, firstFailure, inTransaction, invalid, missing, success, type Outcome, invalidState } from '../../kit/outcome';
import { blankText } from '../../kit/validation';
import {
  findLineByMaterial,
  lockPurchaseOrder,
  PURCHASE_ORDER_CHANGES,
  setPromisedDate,
  type PurchaseOrderRow,
} from './purchase-order.repository';

const CONFIRMABLE = ['OPEN', 'PARTIALLY_RECEIVED'];

/** The supplier a partner caller is bound to, or why it may not see purchase orders. */
export function callerSupplier(caller: Caller): Outcome<string> {
  return caller.supplierId
    ? success(caller.supplierId)
    : failure('FORBIDDEN', 'purchase orders of "my" supplier need a caller bound to a supplier (claim supplier_id); this caller has none');
}

/**
 * The row rule of a purchase order: a caller bound to a supplier reads its own orders only, and a
 * caller held to the partner contract without a supplier (a customer's) reads none; the plant's
 * users read every order.
 */
export function readableBy(caller: Caller, order: PurchaseOrderRow): Outcome<PurchaseOrderRow> {
  if (caller.supplierId) {
    return order.supplierId === caller.supplierId
      ? success(order)
      : failure('FORBIDDEN', `PurchaseOrder "${order.number}" belongs to another supplier than the caller's (${caller.supplierId})`);
  }
  if (caller.kind === 'partner' || caller.customerId) {
    return failure('FORBIDDEN', 'purchase orders are read by the plant and by the supplier they are placed with; this caller is neither');
  }
  return success(order);
}

export interface ConfirmLineCommand {
  poNumber: string;
  materialId: string;
  promisedDate: string;
}

/** A supplier confirms a delivery date on a line of one of its own open purchase orders. */
export async function confirmPurchaseOrderLine(
  db: Kysely<ErpDatabase>,
  caller: Caller,
  input: ConfirmLineCommand,
): Promise<Outcome<PurchaseOrderRow>> {
  const supplier = callerSupplier(caller);
  if (!supplier.ok) return supplier;
  const bad = firstFailure(blankText('poNumber', input.poNumber), blankText('materialId', input.materialId));
  if (bad) return bad;

  return inTransaction(db, async (trx): Promise<Outcome<PurchaseOrderRow>> => {
    const order = await lockPurchaseOrder(trx, input.poNumber);
    if (!order) return missing('PurchaseOrder', input.poNumber);
    const readable = readableBy(caller, order);
    if (!readable.ok) return readable;
    if (!CONFIRMABLE.includes(order.status)) {
      return invalidState(
        `PurchaseOrder "${input.poNumber}" is ${order.status}; only OPEN or PARTIALLY_RECEIVED orders take a promised date`,
        order.status,
      );
    }
    const line = await findLineByMaterial(trx, input.poNumber, input.materialId);
    if (!line) return failure('NOT_FOUND', `PurchaseOrder "${input.poNumber}" has no line for material "${input.materialId}"`);
    if (input.promisedDate < order.orderDate) {
      return invalid('promisedDate', `expected a date on or after the order date ${order.orderDate}, got ${input.promisedDate}`);
    }
    const updated = await setPromisedDate(trx, line, input.promisedDate);
    await recordChange(trx, {
      caller,
      operation: 'confirmPurchaseOrderLine',
      entityType: 'PurchaseOrder',
      entityId: order.number,
      reference: `${order.number}/${line.lineNumber}`,
      before: { lineNumber: line.lineNumber, materialId: line.materialId, promisedDate: line.promisedDate },
      after: { lineNumber: updated.lineNumber, materialId: updated.materialId, promisedDate: updated.promisedDate },
    });
    await recordChangeEvent(trx, { ...PURCHASE_ORDER_CHANGES, scope: order.supplierId, key: { number: order.number } });
    return success(order);
  });
}
