import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { MesContext } from '../context';
import { Lot } from '../lot/lot.type';
import type { TracedEdgeRow } from './genealogy.repository';
import { GenealogyEdge } from './genealogy.type';

@Resolver(() => GenealogyEdge)
export class GenealogyEdgeResolver {
  @FieldResolver(() => Lot)
  consumedLot(@Root() edge: TracedEdgeRow, @Ctx() ctx: MesContext) {
    return ctx.loaders.lot.load(edge.consumedLotId);
  }

  @FieldResolver(() => Lot)
  producedLot(@Root() edge: TracedEdgeRow, @Ctx() ctx: MesContext) {
    return ctx.loaders.lot.load(edge.producedLotId);
  }
}
