export { IDEMPOTENCY_KEY_HEADER } from '../../../platform/idempotency';
export { idempotent, idempotencyKeyOf, MAX_IDEMPOTENCY_KEY_LENGTH, type IdempotentContext } from './idempotency';
export { idempotencyMigration } from './idempotency.migration';
export type { IdempotencyDatabase, IdempotencyKeyTable } from './idempotency.db';
export { canonicalJson, fingerprintOf } from './fingerprint';
export { startIdempotencyPruner, type IdempotencyPrunerOptions } from './pruner';
