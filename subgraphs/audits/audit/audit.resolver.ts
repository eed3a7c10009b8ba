import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { unwrap } from '../../kit/outcome';
import { PageArgs, readPage, toConnection } from '../../kit/paging';
import { DateScalar } from '../../kit/scalars';
import type { AuditsContext } from '../context';
import { AuditStatus, AuditType } from '../enums';
import { AuditFinding } from '../finding/finding.type';
import { Material } from '../material/material.type';
import { WorkCenter } from '../work-center/work-center.type';
import { scheduleAudit, submitAuditResponses } from './audit.use-cases';
import { AuditResponseInput } from './audit.input';
import { AUDITS_KEYSET, listAudits, type AuditRow } from './audit.repository';
import { Audit, AuditConnection } from './audit.type';
import { Permit } from '../../kit/authorization';

@Resolver(() => Audit)
export class AuditResolver {
  @Query(() => Audit, { nullable: true })
  audit(@Arg('id', () => ID) id: string, @Ctx() ctx: AuditsContext) {
    return ctx.loaders.audit.load(id);
  }

  @Query(() => AuditConnection, { description: 'Audits in date order, then by audit number; from and to are inclusive' })
  async audits(
    @Arg('workCenterIds', () => [ID], { nullable: true }) workCenterIds: string[] | null,
    @Arg('status', () => [AuditStatus], { nullable: true }) status: AuditStatus[] | null,
    @Arg('from', () => DateScalar, { nullable: true }) from: string | null,
    @Arg('to', () => DateScalar, { nullable: true }) to: string | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: AuditsContext,
  ) {
    const checked = readPage(page, AUDITS_KEYSET);
    return toConnection(await listAudits(ctx.db, { workCenterIds, status, from, to }, checked), checked, AUDITS_KEYSET);
  }

  @FieldResolver(() => WorkCenter)
  workCenter(@Root() audit: AuditRow) {
    return { id: audit.workCenterId };
  }

  @FieldResolver(() => Material, { nullable: true })
  material(@Root() audit: AuditRow) {
    return audit.materialId ? { id: audit.materialId } : null;
  }

  @FieldResolver(() => [AuditFinding])
  findings(@Root() audit: AuditRow, @Ctx() ctx: AuditsContext) {
    return ctx.loaders.findingsByAudit.load(audit.id);
  }

  @Permit({ roles: ['auditor'] })
  @Mutation(() => Audit)
  async scheduleAudit(
    @Arg('workCenterId', () => ID) workCenterId: string,
    @Arg('auditType', () => AuditType) auditType: AuditType,
    @Arg('layer', () => Int, { nullable: true }) layer: number | null,
    @Arg('auditor', () => String) auditor: string,
    @Arg('date', () => DateScalar) date: string,
    @Arg('materialId', () => ID, { nullable: true, description: 'The product audited or made at the work center' })
    materialId: string | null,
    @Ctx() ctx: AuditsContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const command = { workCenterId, auditType, layer, auditor, date, materialId };
    return unwrap(await idempotent(ctx, info, command, (db) => scheduleAudit(db, command)));
  }

  @Permit({ roles: ['auditor'] })
  @Mutation(() => Audit, { description: 'Completes the audit: computes conformanceRate and opens a finding for each nonconforming answer' })
  async submitAuditResponses(
    @Arg('auditId', () => ID) auditId: string,
    @Arg('responses', () => [AuditResponseInput]) responses: AuditResponseInput[],
    @Ctx() ctx: AuditsContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { auditId, responses }, (db) => submitAuditResponses(db, auditId, responses)));
  }
}
