import { AUDIT_TRAIL_FEDERATION_IMPORTS } from '../kit/audit-trail';
import { PAGING_FEDERATION_IMPORTS } from '../kit/paging';
import { buildSubgraph } from '../kit/schema';
import type { CrmContext } from './context';
import { customerReference } from './customer/customer.reference';
import { CustomerResolver } from './customer/customer.resolver';

/** CRM's subgraph schema; needs no database, so `compose` can print it. */
export function buildCrmSchema() {
  return buildSubgraph<CrmContext>({
    resolvers: [CustomerResolver],
    federationImports: [...new Set(['@key', ...AUDIT_TRAIL_FEDERATION_IMPORTS, ...PAGING_FEDERATION_IMPORTS])],
    referenceResolvers: { Customer: customerReference },
  });
}
