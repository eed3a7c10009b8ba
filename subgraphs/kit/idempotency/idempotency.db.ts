import type { ColumnType } from 'kysely';

/**
 * One mutation applied under a caller's idempotency key: what it was asked (the fingerprint) and
 * what it answered (the outcome), written in the transaction of the mutation's own writes.
 */
export interface IdempotencyKeyTable {
  /** Whose key it is (the caller's subject): one caller never sees another's stored outcome. */
  scope: string;
  /** The `Idempotency-Key` header as the caller sent it. */
  idempotencyKey: string;
  /** The root field's response name (its alias, else its name): each field of one request has its own entry. */
  field: string;
  /** The mutation field that ran, e.g. `setWorkCenterState`. */
  operation: string;
  /** SHA-256 of the operation and its canonical input (fingerprint.ts). */
  fingerprint: string;
  /** The stored result (outcome-codec.ts); null only inside the transaction that claims the key. */
  outcome: ColumnType<unknown, string | null | undefined, string>;
  createdAt: ColumnType<Date, Date | string | undefined, never>;
}

/** The idempotency table as Kysely sees it; a system's database interface extends it. */
export interface IdempotencyDatabase {
  idempotencyKeys: IdempotencyKeyTable;
}
