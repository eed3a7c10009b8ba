// Decorated types load through the context's imports, before the schema module brings the polyfill in.
import 'reflect-metadata';
import type { SystemModule } from '../kit/system';
import { createAuditsContext, type AuditsContext } from './context';
import type { AuditsDatabase } from './db';
import { auditsOutboxHandlers } from './finding/escalation.handoff';
import { auditsMigrations } from './migrations';
import { buildAuditsSchema } from './schema';
import { seedAudits } from './seed';

/** Audits, the system of engagement for layered process audits, findings and their escalation. */
export const auditsSystem: SystemModule<AuditsDatabase, AuditsContext> = {
  name: 'audits',
  migrations: auditsMigrations,
  buildSchema: buildAuditsSchema,
  createContext: createAuditsContext,
  seed: seedAudits,
  isEmpty: async (db) => !(await db.selectFrom('audits').select('id').limit(1).executeTakeFirst()),
  outbox: auditsOutboxHandlers,
};
