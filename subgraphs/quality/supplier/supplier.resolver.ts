import { Ctx, FieldResolver, Float, Resolver, Root } from 'type-graphql';
import type { QualityContext } from '../context';
import { Supplier } from './supplier.type';
import { defectPpm } from './defect-ppm';

/** A supplier as the gateway hands it to quality: ERP's received quantity comes with it (@requires). */
export interface SupplierParent {
  id: string;
  receivedQuantity12m?: number | null;
}

@Resolver(() => Supplier)
export class SupplierResolver {
  @FieldResolver(() => Float, { nullable: true })
  async defectPpm12m(@Root() supplier: SupplierParent, @Ctx() ctx: QualityContext) {
    if (supplier.receivedQuantity12m === undefined || supplier.receivedQuantity12m === null) return null;
    const rejected = await ctx.loaders.supplierRejected12m.load(supplier.id);
    return defectPpm(rejected, supplier.receivedQuantity12m);
  }
}
