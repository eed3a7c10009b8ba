import type { ErpContext } from '../context';
import type { MaterialSiteKey } from './material-site.repository';

export const materialSiteReference = {
  __resolveReference: (ref: MaterialSiteKey, ctx: ErpContext) =>
    ctx.loaders.materialSite.load({ materialId: ref.materialId, siteId: ref.siteId }),
};
