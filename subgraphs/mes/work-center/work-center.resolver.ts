import { Arg, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { ChangeRecord } from '../../kit/audit-trail';
import type { MesContext } from '../context';
import { WorkCenterState } from '../enums';
import { valueOrThrow } from '../errors';
import { setWorkCenterState } from './work-center.commands';
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
    const row = valueOrThrow(await idempotent(ctx, info, command, (db) => setWorkCenterState(db, ctx.caller, command)));
    ctx.loaders.workCenter.clear(id).prime(id, row);
    return row;
  }

  @FieldResolver(() => [ChangeRecord])
  changeHistory(@Root() center: WorkCenterRow, @Ctx() ctx: MesContext) {
    return ctx.loaders.changeHistory.load({ entityType: 'WorkCenter', entityId: center.id });
  }
}
