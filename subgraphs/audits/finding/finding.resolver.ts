import { Arg, Ctx, FieldResolver, ID, Info, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { unwrap } from '../../kit/outcome';
import { CommandDelivery } from '../../kit/outbox';
import type { AuditsContext } from '../context';
import { Nonconformance } from '../nonconformance/nonconformance.type';
import { closeFinding, escalateFinding } from './finding.use-cases';
import type { FindingRow } from './finding.repository';
import { AuditFinding } from './finding.type';
import { Permit } from '../../kit/authorization';

@Resolver(() => AuditFinding)
export class AuditFindingResolver {
  @FieldResolver(() => Nonconformance, { nullable: true })
  nonconformance(@Root() finding: FindingRow) {
    return finding.nonconformanceId ? { id: finding.nonconformanceId } : null;
  }

  @FieldResolver(() => CommandDelivery, { nullable: true, description: 'The escalation handed to quality, and how its delivery stands' })
  escalation(@Root() finding: FindingRow, @Ctx() ctx: AuditsContext) {
    return finding.escalatedAt ? ctx.loaders.latestCommand.load(`AuditFinding:${finding.id}`) : null;
  }

  @Permit({ roles: ['auditor'] })
  @Mutation(() => AuditFinding)
  async closeFinding(
    @Arg('auditId', () => ID) auditId: string,
    @Arg('findingId', () => ID) findingId: string,
    @Arg('countermeasure', () => String) countermeasure: string,
    @Ctx() ctx: AuditsContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(
      await idempotent(ctx, info, { auditId, findingId, countermeasure }, (db) => closeFinding(db, auditId, findingId, countermeasure)),
    );
  }

  @Permit({ roles: ['auditor'] })
  @Mutation(() => AuditFinding, {
    description: 'Creates a quality NCR (source AUDIT) through the outbox and links it to the finding once quality has it.',
  })
  async escalateFinding(
    @Arg('auditId', () => ID) auditId: string,
    @Arg('findingId', () => ID) findingId: string,
    @Arg('materialId', () => ID, { nullable: true, description: 'The material the NCR names when the audit names none' })
    materialId: string | null,
    @Ctx() ctx: AuditsContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(
      await idempotent(ctx, info, { auditId, findingId, materialId }, (db) => escalateFinding(db, auditId, findingId, materialId)),
    );
  }
}
