import type { Kysely, Transaction } from 'kysely';

/**
 * Runs `work` in a transaction: the one `db` already is (a mutation wrapped by the idempotency
 * mechanism runs inside the transaction that records its key), else a new one.
 */
export function transact<DB, T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<DB>) : db.transaction().execute(work);
}
