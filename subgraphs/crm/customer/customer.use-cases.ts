import type { Kysely } from 'kysely';
import { recordChange } from '../../kit/audit-trail';
import type { Caller } from '../../../platform/caller';
import { inTransaction, invalid, missing, success, type Outcome } from '../../kit/outcome';
import { blankText, requireText } from '../../kit/validation';
import type { CrmDatabase } from '../db';
import type { CustomerSegment } from '../enums';
import { lockCustomer, updateCustomer, type CustomerRow } from './customer.repository';

export interface CustomerProfileChange {
  name?: string | null;
  segment?: CustomerSegment | null;
  accountManager?: string | null;
  primaryContactName?: string | null;
}

type Changes = Partial<Omit<CustomerRow, 'id'>>;

/**
 * The column changes an input asks for, or the first bad field. Lengths and control characters
 * were checked before the resolver ran (kit/validation's guard, by TEXT_LIMITS).
 */
function changesOf(input: CustomerProfileChange): Outcome<Changes> {
  const changes: Changes = {};
  for (const field of ['name', 'accountManager'] as const) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null) return invalid(field, 'cannot be cleared: a customer always has one');
    const checked = requireText(field, value);
    if (!checked.ok) return checked;
    changes[field] = checked.value;
  }
  if (input.segment === null) return invalid('segment', 'cannot be cleared: a customer always has one');
  if (input.segment !== undefined) changes.segment = input.segment;
  if (input.primaryContactName === null) changes.primaryContactName = null;
  else if (input.primaryContactName !== undefined) {
    const checked = requireText('primaryContactName', input.primaryContactName);
    if (!checked.ok) return checked;
    changes.primaryContactName = checked.value;
  }
  if (Object.keys(changes).length === 0)
    return invalid('input', 'expected at least one of name, segment, accountManager, primaryContactName');
  return success(changes);
}

const profile = (row: CustomerRow) => ({
  name: row.name,
  segment: row.segment,
  accountManager: row.accountManager,
  primaryContactName: row.primaryContactName,
});

/** Changes a customer's profile in one transaction, with an audit-trail row when anything changed. */
export async function updateCustomerProfile(
  db: Kysely<CrmDatabase>,
  caller: Caller,
  id: string,
  input: CustomerProfileChange,
): Promise<Outcome<CustomerRow>> {
  const bad = blankText('id', id);
  if (bad) return bad;
  const changes = changesOf(input);
  if (!changes.ok) return changes;
  return inTransaction(db, async (trx): Promise<Outcome<CustomerRow>> => {
    const before = await lockCustomer(trx, id);
    if (!before) return missing('Customer', id);
    const after = await updateCustomer(trx, id, changes.value);
    const was = profile(before);
    const is = profile(after);
    if (JSON.stringify(was) !== JSON.stringify(is)) {
      await recordChange(trx, { caller, operation: 'updateCustomerProfile', entityType: 'Customer', entityId: id, before: was, after: is });
    }
    return success(after);
  });
}
