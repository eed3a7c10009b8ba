import type { InventoryContext } from '../context';
import type { MaterialSiteParent } from './material-site.resolver';

/** Resolves a material-site with inventory's profile, keeping ERP's `@requires` values from the representation. */
export async function resolveMaterialSite(
  ref: { materialId: string; siteId: string; bookQuantity?: number; material?: { standardCost?: number | null } },
  ctx: InventoryContext,
): Promise<MaterialSiteParent> {
  const profile = await ctx.loaders.profile.load({ materialId: ref.materialId, siteId: ref.siteId });
  return { ...ref, abcClass: profile?.abcClass ?? null, binCodes: profile?.binCodes ?? null };
}

export const materialSiteReference = { __resolveReference: resolveMaterialSite };
