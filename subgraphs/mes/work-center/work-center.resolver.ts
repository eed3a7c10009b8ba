import { Arg, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root, Args } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { CHANGE_HISTORY_KEYSET, ChangeRecordConnection } from '../../kit/audit-trail';
import { PageArgs, readPage } from '../../kit/paging';
import type { MesContext } from '../context';
import { WorkCenterState } from '../enums';
import { unwrap } from '../../kit/outcome';
import { setWorkCenterState } from './work-center.use-cases';
import { listWorkCenters, type WorkCenterRow } from './work-center.repository';
import { WorkCenter } from './work-center.type';
import { Permit } from '../../kit/authorization';

@Resolver(() => WorkCenter)
export class WorkCenterResolver {
  @Query(() => [WorkCenter], { description: 'Work centers of a site, optionally of one ISA-95 area, by id' })
  workCenters(
    @Arg('siteId', () => ID) siteId: string,
    @Arg('area', () => String, { nullable: true }) area: string | null,
    @Ctx() ctx: MesContext,
  ) {
    return listWorkCenters(ctx.db, { siteId, area });
  }

  @Permit({ roles: ['operator', 'maintenance'] })
  @Mutation(() => WorkCenter, { description: 'Sets the state of a work center (e.g. DOWN with a reason code); audited.' })
  async setWorkCenterState(
    @Arg('id', () => ID) id: string,
    @Arg('state', () => WorkCenterState) state: WorkCenterState,
    @Arg('reasonCode', () => String, { nullable: true }) reasonCode: string | null,
    @Ctx() ctx: MesContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const command = { id, state, reasonCode };
    const row = unwrap(await idempotent(ctx, info, command, (db) => setWorkCenterState(db, ctx.caller, command)));
    ctx.loaders.workCenter.clear(id).prime(id, row);
    return row;
  }

  @FieldResolver(() => ChangeRecordConnection)
  changeHistory(@Root() center: WorkCenterRow, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MesContext) {
    return ctx.loaders.changeHistory(readPage(page, CHANGE_HISTORY_KEYSET)).load({ entityType: 'WorkCenter', entityId: center.id });
  }
}
