import { Arg, Args, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { unwrap } from '../../kit/outcome';
import type { QualityContext } from '../context';
import { Customer } from '../customer/customer.type';
import { Disposition, NcSource, NcStatus, Severity } from '../enums';
import { Lot } from '../lot/lot.type';
import { Material } from '../material/material.type';
import { Supplier } from '../supplier/supplier.type';
import { Capa } from './capa.type';
import { createNonconformance, dispositionNonconformance, openCapa } from './nonconformance.use-cases';
import { CapaInput, NonconformanceInput } from './nonconformance.input';
import { NONCONFORMANCES_KEYSET, pageNonconformances, type NonconformanceRow } from './nonconformance.repository';
import { Nonconformance, NonconformanceConnection } from './nonconformance.type';
import { Permit } from '../../kit/authorization';
import { PageArgs, readPage, toConnection } from '../../kit/paging';
import { nonconformanceOfPage } from '../timestamp-page';

@Resolver(() => Nonconformance)
export class NonconformanceResolver {
  @Query(() => Nonconformance, { nullable: true })
  nonconformance(@Arg('id', () => ID) id: string, @Ctx() ctx: QualityContext) {
    return ctx.loaders.nonconformance.load(id);
  }

  @Query(() => NonconformanceConnection, { description: 'NCRs, newest first (by when reported, then number)' })
  async nonconformances(
    @Arg('status', () => [NcStatus], { nullable: true }) status: NcStatus[] | null,
    @Arg('source', () => NcSource, { nullable: true }) source: NcSource | null,
    @Arg('severity', () => Severity, { nullable: true }) severity: Severity | null,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: QualityContext,
  ) {
    const page = readPage(args, NONCONFORMANCES_KEYSET);
    return toConnection(
      await pageNonconformances(ctx.db, { status, source, severity }, page),
      page,
      NONCONFORMANCES_KEYSET,
      nonconformanceOfPage,
    );
  }

  @FieldResolver(() => Material)
  material(@Root() ncr: NonconformanceRow) {
    return { id: ncr.materialId };
  }

  @FieldResolver(() => Lot, { nullable: true })
  lot(@Root() ncr: NonconformanceRow) {
    return ncr.lotId ? { id: ncr.lotId } : null;
  }

  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() ncr: NonconformanceRow) {
    return ncr.customerId ? { id: ncr.customerId } : null;
  }

  @FieldResolver(() => Supplier, { nullable: true })
  supplier(@Root() ncr: NonconformanceRow) {
    return ncr.supplierId ? { id: ncr.supplierId } : null;
  }

  @FieldResolver(() => Capa, { nullable: true })
  capa(@Root() ncr: NonconformanceRow, @Ctx() ctx: QualityContext) {
    return ctx.loaders.capa.load(ncr.id);
  }

  @Permit({ roles: ['quality', 'audits-relay'] })
  @Mutation(() => Nonconformance)
  async createNonconformance(
    @Arg('input', () => NonconformanceInput) input: NonconformanceInput,
    @Ctx() ctx: QualityContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { input }, (db) => createNonconformance(db, input)));
  }

  @Permit({ roles: ['quality'] })
  @Mutation(() => Nonconformance, { description: 'Records the MRB disposition of an OPEN or CONTAINED NCR' })
  async dispositionNonconformance(
    @Arg('id', () => ID) id: string,
    @Arg('disposition', () => Disposition) disposition: Disposition,
    @Ctx() ctx: QualityContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { id, disposition }, (db) => dispositionNonconformance(db, id, disposition)));
  }

  @Permit({ roles: ['quality'] })
  @Mutation(() => Capa)
  async openCapa(
    @Arg('nonconformanceId', () => ID) nonconformanceId: string,
    @Arg('input', () => CapaInput) input: CapaInput,
    @Ctx() ctx: QualityContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { nonconformanceId, input }, (db) => openCapa(db, nonconformanceId, input)));
  }
}
