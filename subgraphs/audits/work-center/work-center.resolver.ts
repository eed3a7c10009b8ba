import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { DateScalar } from '../../kit/scalars';
import { Audit } from '../audit/audit.type';
import type { AuditsContext } from '../context';
import { WorkCenter } from './work-center.type';

@Resolver(() => WorkCenter)
export class WorkCenterResolver {
  @FieldResolver(() => [Audit], { nullable: true })
  audits(
    @Root() center: { id: string },
    @Arg('from', () => DateScalar, { nullable: true }) from: string | null,
    @Arg('to', () => DateScalar, { nullable: true }) to: string | null,
    @Arg('layer', () => Int, { nullable: true }) layer: number | null,
    @Ctx() ctx: AuditsContext,
  ) {
    return ctx.loaders.auditsByWorkCenter({ from, to, layer }).load(center.id);
  }
}
