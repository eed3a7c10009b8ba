import type { Kysely, Transaction } from 'kysely';
import { answerMismatches, describeMismatches } from '../../kit/idempotency/answer-check';
import { enqueueCommand, type NewCommand, type OutboxCommandRow } from '../../kit/outbox/outbox.repository';
import { UnusableResultError, type OutboxHandlers } from '../../kit/outbox/relay';
import { findCountPoliciesBySites } from '../count-policy/count-policy.repository';
import type { InventoryDatabase } from '../db';
import { findProfilesByKeys } from '../material-site/material-site.repository';
import { effectiveCount, isWithinTolerance, varianceQuantity } from '../material-site/variance';
import { lockCountTask, updateCountTask, type CountTaskRow } from './count-task.repository';

/*
 * How a count reaches ERP. Inventory never keeps ERP's book quantity: each time it needs the book
 * it asks ERP through the gateway, by a command in its outbox, and acts on the answer in the
 * transaction that records it.
 *   submitCount  -> inventory.judgeCount       (read the book; COUNTED -> RECOUNT_REQUIRED or PENDING_APPROVAL)
 *   approveCount -> inventory.readBookToPost   (read the book at approval; enqueue the adjustment)
 *                -> inventory.postAdjustment   (erp.postInventoryAdjustment; APPROVED -> POSTED)
 * Commands wait in the outbox while ERP or the gateway is down, so a count is never lost, and the
 * adjustment carries the task id as ERP's idempotency key, so a re-send posts nothing twice.
 */

export const JUDGE_COUNT = 'inventory.judgeCount';
export const READ_BOOK_TO_POST = 'inventory.readBookToPost';
export const POST_ADJUSTMENT = 'inventory.postAdjustment';

// One material-site by its key: a root list of ERP's would arrive as a page. Migration
// 010_book_by_key rewrote the commands written before with the list query to this one.
export const BOOK_QUERY = `query InventoryBookQuantity($materialId: ID!, $siteId: ID!) {
  materialSite(materialId: $materialId, siteId: $siteId) { materialId siteId bookQuantity }
}`;

const POST_ADJUSTMENT_MUTATION = `mutation PostCycleCountAdjustment($input: InventoryAdjustmentInput!) {
  postInventoryAdjustment(input: $input) { documentNumber sourceCountTaskId reasonCode quantityDelta materialSite { materialId siteId } postedAt }
}`;

/** The subject under which a task's commands are filed (its `delivery` in the graph). */
export const countTaskSubject = (taskId: string) => `CountTask:${taskId}`;

function readBook(type: string, task: CountTaskRow, key: string): NewCommand {
  return {
    idempotencyKey: key,
    type,
    targetSystem: 'erp',
    subject: countTaskSubject(task.id),
    document: BOOK_QUERY,
    variables: { materialId: task.materialId, siteId: task.siteId },
  };
}

/** Asks ERP for the book to judge a first count against. */
export function enqueueJudgeCount(trx: Kysely<InventoryDatabase>, task: CountTaskRow): Promise<OutboxCommandRow> {
  return enqueueCommand(trx, readBook(JUDGE_COUNT, task, `count-task:${task.id}:judge`));
}

/** Asks ERP for the book at approval, from which the adjustment is computed. */
export function enqueueReadBookToPost(trx: Kysely<InventoryDatabase>, task: CountTaskRow): Promise<OutboxCommandRow> {
  return enqueueCommand(trx, readBook(READ_BOOK_TO_POST, task, `count-task:${task.id}:book-at-approval`));
}

function bookFrom(command: OutboxCommandRow, result: Record<string, unknown>): number {
  const { materialId, siteId } = command.variables as { materialId: string; siteId: string };
  const row = result.materialSite as { materialId: string; siteId: string; bookQuantity: number | null } | null | undefined;
  // ERP does not know the material at the site: re-asking will not change that, so a person must look.
  if (!row || row.materialId !== materialId || row.siteId !== siteId || typeof row.bookQuantity !== 'number') {
    throw new UnusableResultError(`ERP has no book quantity for ${materialId} at ${siteId}`);
  }
  return row.bookQuantity;
}

async function judge(trx: Transaction<InventoryDatabase>, command: OutboxCommandRow, result: Record<string, unknown>): Promise<void> {
  const taskId = command.subject!.slice('CountTask:'.length);
  const task = await lockCountTask(trx, taskId);
  // A task rejected (or otherwise moved on) while the book was on its way keeps its status.
  if (!task || task.status !== 'COUNTED') return;
  const book = bookFrom(command, result);
  const [profile] = await findProfilesByKeys(trx, [{ materialId: task.materialId, siteId: task.siteId }]);
  const policy = (await findCountPoliciesBySites(trx, [task.siteId])).find((p) => p.abcClass === profile?.abcClass);
  if (!policy) throw new Error(`no count policy for class ${profile?.abcClass ?? '(none)'} at ${task.siteId}`);
  const variance = varianceQuantity(task.countedQuantity, book)!;
  const within = isWithinTolerance(variance, book, policy.tolerancePercent);
  await updateCountTask(trx, task.id, { status: within ? 'PENDING_APPROVAL' : 'RECOUNT_REQUIRED' });
}

async function enqueueAdjustment(
  trx: Transaction<InventoryDatabase>,
  command: OutboxCommandRow,
  result: Record<string, unknown>,
): Promise<void> {
  const taskId = command.subject!.slice('CountTask:'.length);
  const task = await lockCountTask(trx, taskId);
  if (!task || task.status !== 'APPROVED') return;
  const book = bookFrom(command, result);
  const quantityDelta = varianceQuantity(effectiveCount(task), book)!;
  await enqueueCommand(trx, {
    idempotencyKey: `count-task:${task.id}:adjustment`,
    type: POST_ADJUSTMENT,
    targetSystem: 'erp',
    subject: countTaskSubject(task.id),
    document: POST_ADJUSTMENT_MUTATION,
    variables: {
      input: { materialId: task.materialId, siteId: task.siteId, quantityDelta, reasonCode: 'CYCLE_COUNT', sourceCountTaskId: task.id },
    },
  });
}

interface PostingAnswer {
  documentNumber?: string;
  postedAt?: string;
  sourceCountTaskId?: string;
  reasonCode?: string;
  quantityDelta?: number;
  materialSite?: { materialId?: string; siteId?: string };
}

/**
 * ERP's posting must be the one asked for: the same task, material-site, delta and reason. A
 * posting of something else (a key ERP had posted with another payload) is never recorded as this
 * count's; the command is parked for a person to look at.
 */
function checkPosting(command: OutboxCommandRow, posting: PostingAnswer): void {
  const { input } = command.variables as { input: Record<string, unknown> };
  const mismatches = answerMismatches(input, {
    ...posting,
    materialId: posting.materialSite?.materialId,
    siteId: posting.materialSite?.siteId,
  });
  if (mismatches.length) {
    throw new UnusableResultError(
      `ERP answered document ${posting.documentNumber} that differs from the adjustment asked: ${describeMismatches(mismatches)}`,
    );
  }
}

async function recordPosting(
  trx: Transaction<InventoryDatabase>,
  command: OutboxCommandRow,
  result: Record<string, unknown>,
): Promise<void> {
  const taskId = command.subject!.slice('CountTask:'.length);
  const posting = result.postInventoryAdjustment as PostingAnswer | null;
  if (!posting?.documentNumber) throw new Error('ERP answered without a document number');
  checkPosting(command, posting);
  const task = await lockCountTask(trx, taskId);
  if (!task || task.status !== 'APPROVED') return;
  await updateCountTask(trx, task.id, {
    status: 'POSTED',
    erpDocumentNumber: posting.documentNumber,
    postedAt: posting.postedAt ? new Date(posting.postedAt) : new Date(),
  });
}

/** Inventory's outbox handlers: what each delivered command changes in inventory. */
export const inventoryOutboxHandlers: OutboxHandlers<InventoryDatabase> = {
  [JUDGE_COUNT]: { onDelivered: judge },
  [READ_BOOK_TO_POST]: { onDelivered: enqueueAdjustment },
  [POST_ADJUSTMENT]: { onDelivered: recordPosting },
};
