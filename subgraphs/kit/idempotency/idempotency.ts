import type { GraphQLResolveInfo } from 'graphql';
import type { Kysely } from 'kysely';
import type { Caller } from '../../../platform/caller';
import { IDEMPOTENCY_KEY_HEADER } from '../../../platform/idempotency';
import { userError } from '../errors';
import type { Outcome } from '../outcome';
import { fingerprintOf } from './fingerprint';
import type { IdempotencyDatabase } from './idempotency.db';
import { claimKey, findKey, storeOutcome, type IdempotencyKeyId } from './idempotency.repository';
import { decodeOutcome, encodeOutcome } from './outcome-codec';

/** Longest key accepted; a key is printable ASCII. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const PRINTABLE = /^[\x20-\x7e]+$/;

/** What a mutation resolver's context gives the mechanism. */
export interface IdempotentContext<DB> {
  db: Kysely<DB>;
  caller: Caller;
  /** The request's `Idempotency-Key` header, when it has one. */
  idempotencyKey?: string;
}

/** The key of a request, or undefined; a header sent twice counts by its first value. */
export function idempotencyKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers[IDEMPOTENCY_KEY_HEADER];
  return Array.isArray(value) ? value[0] : value;
}

/** At most `length` characters of a key, for messages. */
const shortKey = (key: string, length = 40) => (key.length > length ? `${key.slice(0, length)}…` : key);

function checkKey(key: string): void {
  if (key.length >= 1 && key.length <= MAX_IDEMPOTENCY_KEY_LENGTH && PRINTABLE.test(key)) return;
  throw userError(
    'BAD_USER_INPUT',
    `Idempotency-Key: expected 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters, got ${key.length} characters starting ${JSON.stringify(shortKey(key, 16))}`,
    { field: 'Idempotency-Key' },
  );
}

/** Carries a failed outcome out of the transaction, which it rolls back. */
class FailedOutcome {
  constructor(readonly value: unknown) {}
}

const isFailure = (value: unknown) => typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;

/**
 * A stored result as an Outcome. Use cases that once threw their failures stored their value
 * bare; such a key, repeated within IDEMPOTENCY_RETENTION after they came to return an Outcome,
 * answers the value it stored.
 */
function storedOutcome<T>(stored: unknown): Outcome<T> {
  const ok = typeof stored === 'object' && stored !== null ? (stored as { ok?: unknown }).ok : undefined;
  return ok === true ? (stored as Outcome<T>) : { ok: true, value: stored as T };
}

/**
 * Runs a mutation once per caller, key and root field. Without a key, `work` just runs. With one,
 * `work` runs in a transaction that first claims the key and then stores the result beside the
 * fingerprint of the field's name and input: a repeat with the same input returns that stored
 * result and writes nothing; a repeat with another input is refused with IDEMPOTENCY_KEY_REUSED.
 * A failed outcome (`{ ok: false }`) or a thrown error rolls everything back, the claim too, so
 * a failed attempt may be retried under the same key.
 */
export async function idempotent<DB, T>(
  ctx: IdempotentContext<DB>,
  info: Pick<GraphQLResolveInfo, 'fieldName' | 'path'>,
  input: Record<string, unknown>,
  work: (db: Kysely<DB>) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  const key = ctx.idempotencyKey;
  if (key === undefined) return work(ctx.db);
  checkKey(key);
  const operation = info.fieldName;
  const id: IdempotencyKeyId = { scope: ctx.caller.subject, idempotencyKey: key, field: String(info.path.key) };
  const fingerprint = fingerprintOf(operation, input);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const keys = trx as unknown as Kysely<IdempotencyDatabase>;
      if (!(await claimKey(keys, id, operation, fingerprint))) {
        const earlier = (await findKey(keys, id))!;
        if (earlier.operation !== operation || earlier.fingerprint !== fingerprint) {
          throw userError(
            'IDEMPOTENCY_KEY_REUSED',
            `Idempotency-Key "${shortKey(key)}" was used for ${earlier.operation} with another input; a repeat must send the same input to get the first outcome, a new request a new key`,
            { idempotencyKey: shortKey(key), operation: earlier.operation },
          );
        }
        return storedOutcome<T>(decodeOutcome(earlier.outcome));
      }
      const value = await work(trx);
      if (isFailure(value)) throw new FailedOutcome(value);
      await storeOutcome(keys, id, encodeOutcome(value));
      return value;
    });
  } catch (err) {
    if (err instanceof FailedOutcome) return err.value as Outcome<T>;
    throw err;
  }
}
