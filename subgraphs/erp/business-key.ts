import { fingerprintOf } from '../kit/idempotency';
import { failure, success, type Outcome } from '../kit/outcome';

/** A posting made under a business key, with the fingerprint of what it was asked (null on older postings). */
interface KeyedPosting {
  documentNumber: string;
  commandFingerprint?: string | null;
}

/**
 * How a posting command is answered when its business key (sourceCountTaskId, sourceHoldId) has
 * posted before: with that posting when the command asks the same, refused with
 * IDEMPOTENCY_KEY_REUSED when it asks something else, so a reused key never passes for a success.
 */
export function createKeyedReplay<Row extends KeyedPosting>(options: {
  operation: string;
  /** The input field holding the business key. */
  keyField: string;
  key: string;
  /** The command as it is stored: the same numbers the posting would hold. */
  command: Record<string, unknown>;
  /** For postings older than the fingerprint: whether the row matches the command. */
  matchesRow: (row: Row) => boolean;
}) {
  const fingerprint = fingerprintOf(options.operation, options.command);
  return {
    fingerprint,
    replay(row: Row): Outcome<Row> {
      const same = row.commandFingerprint ? row.commandFingerprint === fingerprint : options.matchesRow(row);
      if (same) return success(row);
      return failure(
        'IDEMPOTENCY_KEY_REUSED',
        `${options.keyField}: "${options.key.slice(0, 40)}" was posted as document ${row.documentNumber} with another payload; a repeat must send the same payload, a new posting a new ${options.keyField}`,
        options.keyField,
      );
    },
  };
}
