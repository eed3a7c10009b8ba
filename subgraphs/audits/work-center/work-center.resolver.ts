import { Arg, Args, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { PageArgs, readPage } from '../../kit/paging';
import { DateScalar } from '../../kit/scalars';
import { WORK_CENTER_AUDITS_KEYSET } from '../audit/audit.repository';
import { AuditConnection } from '../audit/audit.type';
import type { AuditsContext } from '../context';
import { WorkCenter } from './work-center.type';

@Resolver(() => WorkCenter)
export class WorkCenterResolver {
  @FieldResolver(() => AuditConnection, { nullable: true })
  audits(
    @Root() center: { id: string },
    @Arg('from', () => DateScalar, { nullable: true }) from: string | null,
    @Arg('to', () => DateScalar, { nullable: true }) to: string | null,
    @Arg('layer', () => Int, { nullable: true }) layer: number | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: AuditsContext,
  ) {
    return ctx.loaders.auditsByWorkCenter({ from, to, layer })(readPage(page, WORK_CENTER_AUDITS_KEYSET)).load(center.id);
  }
}
