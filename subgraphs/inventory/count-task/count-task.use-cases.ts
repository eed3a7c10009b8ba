import type { Kysely } from 'kysely';
import { failure, type Failure, invalid, invalidState, type Outcome, success } from '../../kit/outcome';
import { MAX_QUANTITY, roundQuantity } from '../../kit/numbers';
import { TEXT_LIMITS } from '../../kit/validation';
import { findCountPoliciesBySites } from '../count-policy/count-policy.repository';
import type { InventoryDatabase } from '../db';
import { CountStatus } from '../enums';
import { enqueueJudgeCount, enqueueReadBookToPost } from './count-task.handoff';
import { listCountTasks, lockCountTask, scheduleDueCounts, updateCountTask, type CountTaskRow } from './count-task.repository';
import { transact } from '../../../platform/db/transact';
import { preview } from '../../../platform/preview';

function checkQuantity(field: string, value: number): Failure | null {
  if (!Number.isFinite(value) || value < 0 || value > MAX_QUANTITY)
    return invalid(field, `expected a quantity from 0 to ${MAX_QUANTITY}, got ${value}`);
  return null;
}

function checkName(field: string, value: string): Failure | null {
  const trimmed = value.trim();
  if (!trimmed || trimmed.length > TEXT_LIMITS.line)
    return invalid(field, `expected a non-empty name of at most ${TEXT_LIMITS.line} characters, got ${preview(value)}`);
  return null;
}

/**
 * Runs one step of a task's life in one transaction: lock the task, check that its status allows
 * the step, apply it. Nothing is written when the step is refused.
 */
async function step(
  db: Kysely<InventoryDatabase>,
  taskId: string,
  action: string,
  allowed: readonly CountStatus[],
  apply: (trx: Kysely<InventoryDatabase>, task: CountTaskRow) => Promise<CountTaskRow>,
): Promise<Outcome<CountTaskRow>> {
  return transact(db, async (trx) => {
    const task = await lockCountTask(trx, taskId);
    if (!task) return failure('NOT_FOUND', `CountTask "${taskId}" does not exist`);
    if (!allowed.includes(task.status as CountStatus)) {
      return invalidState(
        `${action}: count task "${taskId}" is ${task.status}; ${action} needs a task that is ${allowed.join(' or ')}`,
        task.status,
      );
    }
    return success(await apply(trx, task));
  });
}

/** Schedules the counts due at a site on a date (idempotent) and returns that date's tasks. */
export async function scheduleCycleCounts(db: Kysely<InventoryDatabase>, siteId: string, date: string): Promise<Outcome<CountTaskRow[]>> {
  return transact(db, async (trx) => {
    const policies = await findCountPoliciesBySites(trx, [siteId]);
    if (policies.length === 0) return failure('NOT_FOUND', `Site "${siteId}" has no count policy`, 'siteId');
    await scheduleDueCounts(trx, siteId, date);
    return success(await listCountTasks(trx, { siteId, scheduledFor: date }));
  });
}

/** Records a first count; ERP's book then decides between RECOUNT_REQUIRED and PENDING_APPROVAL. */
export async function submitCount(
  db: Kysely<InventoryDatabase>,
  taskId: string,
  countedQuantity: number,
  countedBy: string,
): Promise<Outcome<CountTaskRow>> {
  const bad = checkQuantity('countedQuantity', countedQuantity) ?? checkName('countedBy', countedBy);
  if (bad) return bad;
  return step(db, taskId, 'submitCount', [CountStatus.SCHEDULED], async (trx, task) => {
    const counted = await updateCountTask(trx, task.id, {
      status: CountStatus.COUNTED,
      countedQuantity: roundQuantity(countedQuantity),
      countedBy: countedBy.trim(),
      countedAt: new Date(),
    });
    await enqueueJudgeCount(trx, counted);
    return counted;
  });
}

/** Records the recount of a count that was out of tolerance; it then awaits approval. */
export async function submitRecount(
  db: Kysely<InventoryDatabase>,
  taskId: string,
  quantity: number,
  countedBy: string,
): Promise<Outcome<CountTaskRow>> {
  const bad = checkQuantity('quantity', quantity) ?? checkName('countedBy', countedBy);
  if (bad) return bad;
  return step(db, taskId, 'submitRecount', [CountStatus.RECOUNT_REQUIRED], (trx, task) =>
    updateCountTask(trx, task.id, {
      status: CountStatus.PENDING_APPROVAL,
      recountQuantity: roundQuantity(quantity),
      recountedBy: countedBy.trim(),
      recountedAt: new Date(),
    }),
  );
}

/** Approves a count; the adjustment to ERP's book travels through the outbox, and the task is POSTED when ERP has posted it. */
export async function approveCount(db: Kysely<InventoryDatabase>, taskId: string, approver: string): Promise<Outcome<CountTaskRow>> {
  const bad = checkName('approver', approver);
  if (bad) return bad;
  return step(db, taskId, 'approveCount', [CountStatus.PENDING_APPROVAL], async (trx, task) => {
    const approved = await updateCountTask(trx, task.id, {
      status: CountStatus.APPROVED,
      approvedBy: approver.trim(),
      approvedAt: new Date(),
    });
    await enqueueReadBookToPost(trx, approved);
    return approved;
  });
}

/** Rejects a count that has not been approved; the material becomes due for counting again. */
export async function rejectCount(db: Kysely<InventoryDatabase>, taskId: string, reason: string): Promise<Outcome<CountTaskRow>> {
  if (!reason.trim() || reason.length > TEXT_LIMITS.text)
    return invalid('reason', `expected a non-empty reason of at most ${TEXT_LIMITS.text} characters, got ${preview(reason)}`);
  return step(db, taskId, 'rejectCount', [CountStatus.COUNTED, CountStatus.RECOUNT_REQUIRED, CountStatus.PENDING_APPROVAL], (trx, task) =>
    updateCountTask(trx, task.id, { status: CountStatus.REJECTED, rejectionReason: reason.trim() }),
  );
}
