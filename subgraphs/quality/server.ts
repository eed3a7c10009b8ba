// Decorated types load through the context's imports, before the schema module brings the polyfill in.
import 'reflect-metadata';
import type { SystemModule } from '../kit/system';
import { createQualityContext, type QualityContext } from './context';
import type { QualityDatabase } from './db';
import { qualityOutboxHandlers } from './hold/stock.handoff';
import { qualityMigrations } from './migrations';
import { buildQualitySchema } from './schema';
import { seedQuality } from './seed';

/** Quality, the system of engagement for inspections, holds, nonconformances and CAPA. */
export const qualitySystem: SystemModule<QualityDatabase, QualityContext> = {
  name: 'quality',
  migrations: qualityMigrations,
  buildSchema: buildQualitySchema,
  createContext: createQualityContext,
  seed: seedQuality,
  isEmpty: async (db) => !(await db.selectFrom('inspections').select('id').limit(1).executeTakeFirst()),
  outbox: qualityOutboxHandlers,
};
