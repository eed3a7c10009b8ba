import { Arg, Ctx, FieldResolver, ID, Info, Mutation, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { idempotent } from '../../kit/idempotency';
import { CommandDelivery } from '../../kit/outbox';
import { unwrap } from '../../kit/outcome';
import type { QualityContext } from '../context';
import { Lot } from '../lot/lot.type';
import { placeQualityHold, releaseQualityHold } from './hold.use-cases';
import type { HoldRow } from './hold.repository';
import { QualityHold } from './hold.type';
import { Permit } from '../../kit/authorization';

@Resolver(() => QualityHold)
export class QualityHoldResolver {
  @FieldResolver(() => Lot)
  lot(@Root() hold: HoldRow) {
    return { id: hold.lotId };
  }

  @FieldResolver(() => CommandDelivery, {
    nullable: true,
    description: 'The latest stock status change handed to ERP for this hold, and how its delivery stands',
  })
  stockStatusCommand(@Root() hold: HoldRow, @Ctx() ctx: QualityContext) {
    return ctx.loaders.latestCommand.load(`QualityHold:${hold.id}`);
  }

  @Permit({ roles: ['quality'] })
  @Mutation(() => QualityHold, { description: 'Holds a lot quality has an inspection lot for; ERP blocks its stock (through the outbox)' })
  async placeQualityHold(
    @Arg('lotId', () => ID) lotId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: QualityContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { lotId, reason }, (db) => placeQualityHold(db, lotId, reason)));
  }

  @Permit({ roles: ['quality'] })
  @Mutation(() => QualityHold, { description: 'Releases a hold; ERP moves the lot stock back to UNRESTRICTED (through the outbox)' })
  async releaseQualityHold(
    @Arg('holdId', () => ID) holdId: string,
    @Arg('justification', () => String) justification: string,
    @Ctx() ctx: QualityContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return unwrap(await idempotent(ctx, info, { holdId, justification }, (db) => releaseQualityHold(db, holdId, justification)));
  }
}
