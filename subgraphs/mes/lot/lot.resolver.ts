import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root, Args } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { CHANGE_HISTORY_KEYSET, ChangeRecordConnection } from '../../kit/audit-trail';
import { PageArgs, readPage, toConnection } from '../../kit/paging';
import { badInput } from '../../kit/errors';
import { DateTimeScalar } from '../../kit/scalars';
import type { MesContext } from '../context';
import { TraceDirection } from '../enums';
import { unwrap } from '../../kit/outcome';
import { GenealogyEdge } from '../genealogy/genealogy.type';
import { Material } from '../material/material.type';
import { workOrderParent, type WorkOrderParent } from '../work-order/work-order.resolver';
import { WorkOrder } from '../work-order/work-order.type';
import { fromPagedLot, listLots, LOTS_KEYSET, type LotRow } from './lot.repository';
import { Lot, LotConnection } from './lot.type';
import { reportProduction } from './production.use-cases';
import { ProductionReportInput } from './production.input';
import { Permit } from '../../kit/authorization';

/** How deep a trace may go: deep enough for any real bill of materials, bounded so one query stays cheap. */
export const MAX_GENEALOGY_DEPTH = 50;

@Resolver(() => Lot)
export class LotResolver {
  @Query(() => Lot, { nullable: true })
  lot(@Arg('id', () => ID) id: string, @Ctx() ctx: MesContext) {
    return ctx.loaders.lot.load(id);
  }

  @Query(() => LotConnection, { description: 'Lots by material, site and creation time, oldest first (then by lot number)' })
  async lots(
    @Arg('materialId', () => ID, { nullable: true }) materialId: string | null,
    @Arg('siteId', () => ID, { nullable: true }) siteId: string | null,
    @Arg('createdAfter', () => DateTimeScalar, { nullable: true }) createdAfter: Date | null,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: MesContext,
  ) {
    const checked = readPage(page, LOTS_KEYSET);
    return toConnection(await listLots(ctx.db, { materialId, siteId, createdAfter }, checked), checked, LOTS_KEYSET, fromPagedLot);
  }

  @Permit({ roles: ['operator'] })
  @Mutation(() => Lot, { description: 'Reports good/scrap output, creates/updates the output lot and its genealogy edges.' })
  async reportProduction(
    @Arg('input', () => ProductionReportInput) input: ProductionReportInput,
    @Ctx() ctx: MesContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const lot = unwrap(await idempotent(ctx, info, { input }, (db) => reportProduction(db, ctx.caller, input)));
    ctx.loaders.lot.clearAll();
    ctx.loaders.workOrder.clear(input.workOrderId);
    return lot;
  }

  @FieldResolver(() => Material)
  material(@Root() lot: LotRow): Material {
    return { id: lot.materialId };
  }

  @FieldResolver(() => WorkOrder, { nullable: true })
  async producedBy(@Root() lot: LotRow, @Ctx() ctx: MesContext): Promise<WorkOrderParent | null> {
    if (!lot.producedBy) return null;
    const row = await ctx.loaders.workOrder.load(lot.producedBy);
    return row ? workOrderParent(row) : { id: lot.producedBy, execution: null };
  }

  @FieldResolver(() => [GenealogyEdge], {
    description: 'Backward: what this lot consumed, recursively; forward: where it went. Each edge once, at its shortest depth.',
  })
  genealogy(
    @Root() lot: LotRow,
    @Arg('direction', () => TraceDirection) direction: TraceDirection,
    @Arg('maxDepth', () => Int, { nullable: true, defaultValue: 20, description: `1 to ${MAX_GENEALOGY_DEPTH}` }) maxDepth: number | null,
    @Ctx() ctx: MesContext,
  ) {
    const depth = maxDepth ?? 20;
    if (depth < 1 || depth > MAX_GENEALOGY_DEPTH) throw badInput('maxDepth', `expected 1 to ${MAX_GENEALOGY_DEPTH}, got ${depth}`);
    return ctx.loaders.genealogy.load({ lotId: lot.id, direction, maxDepth: depth });
  }

  @FieldResolver(() => ChangeRecordConnection)
  changeHistory(@Root() lot: LotRow, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: MesContext) {
    return ctx.loaders.changeHistory(readPage(page, CHANGE_HISTORY_KEYSET)).load({ entityType: 'Lot', entityId: lot.id });
  }
}
