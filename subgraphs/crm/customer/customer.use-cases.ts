import type { Kysely } from 'kysely';
import { recordChange } from '../../kit/audit-trail';
import type { Caller } from '../../../platform/caller';
import { failure, invalid, success, type Failure, type Outcome } from '../../kit/outcome';
import { TEXT_LIMITS } from '../../kit/validation';
import type { CrmDatabase } from '../db';
import type { CustomerSegment } from '../enums';
import { lockCustomer, updateCustomer, type CustomerRow } from './customer.repository';
import { transact } from '../../../platform/db/transact';

export interface CustomerProfileChange {
  name?: string | null;
  segment?: CustomerSegment | null;
  accountManager?: string | null;
  primaryContactName?: string | null;
}

type Changes = Partial<Omit<CustomerRow, 'id'>>;

/** A text attribute: trimmed, not blank, at most `max` characters. */
function text(field: string, value: string, max: number): Failure | string {
  const trimmed = value.trim();
  if (!trimmed) return invalid(field, 'expected a non-empty text, got a blank one');
  if (trimmed.length > max) return invalid(field, `expected at most ${max} characters, got ${trimmed.length}`);
  return trimmed;
}

/** The column changes an input asks for, or the first bad field. */
function changesOf(input: CustomerProfileChange): Failure | Changes {
  const changes: Changes = {};
  const required = [
    ['name', TEXT_LIMITS.line],
    ['accountManager', TEXT_LIMITS.name],
  ] as const;
  for (const [field, max] of required) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null) return invalid(field, 'cannot be cleared: a customer always has one');
    const checked = text(field, value, max);
    if (typeof checked !== 'string') return checked;
    changes[field] = checked;
  }
  if (input.segment === null) return invalid('segment', 'cannot be cleared: a customer always has one');
  if (input.segment !== undefined) changes.segment = input.segment;
  if (input.primaryContactName === null) changes.primaryContactName = null;
  else if (input.primaryContactName !== undefined) {
    const checked = text('primaryContactName', input.primaryContactName, TEXT_LIMITS.line);
    if (typeof checked !== 'string') return checked;
    changes.primaryContactName = checked;
  }
  if (Object.keys(changes).length === 0)
    return invalid('input', 'expected at least one of name, segment, accountManager, primaryContactName');
  return changes;
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
  if (!id.trim()) return invalid('id', 'expected a customer id, got an empty string');
  const changes = changesOf(input);
  if ('ok' in changes) return changes as Failure;
  return transact(db, async (trx): Promise<Outcome<CustomerRow>> => {
    const before = await lockCustomer(trx, id);
    if (!before) return failure('NOT_FOUND', `Customer "${id}" does not exist`);
    const after = await updateCustomer(trx, id, changes);
    const was = profile(before);
    const is = profile(after);
    if (JSON.stringify(was) !== JSON.stringify(is)) {
      await recordChange(trx, { caller, operation: 'updateCustomerProfile', entityType: 'Customer', entityId: id, before: was, after: is });
    }
    return success(after);
  });
}
