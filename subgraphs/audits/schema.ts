import { createOutboxResolver } from '../kit/outbox';
import { buildSubgraph } from '../kit/schema';
import { auditReference } from './audit/audit.reference';
import { AuditResolver } from './audit/audit.resolver';
import type { AuditsContext } from './context';
import { AuditFindingResolver } from './finding/finding.resolver';
import { Material } from './material/material.type';
import { Nonconformance } from './nonconformance/nonconformance.type';
import { workCenterReference } from './work-center/work-center.reference';
import { WorkCenterResolver } from './work-center/work-center.resolver';
import { WorkCenter } from './work-center/work-center.type';

/** Audits' subgraph schema; needs no database. */
export function buildAuditsSchema() {
  return buildSubgraph<AuditsContext>({
    resolvers: [
      AuditResolver,
      AuditFindingResolver,
      WorkCenterResolver,
      createOutboxResolver<AuditsContext>({ system: 'audits', db: (ctx) => ctx.db }),
    ],
    orphanedTypes: [WorkCenter, Nonconformance, Material],
    federationImports: ['@key', '@shareable'],
    referenceResolvers: {
      Audit: auditReference,
      WorkCenter: workCenterReference,
    },
  });
}
