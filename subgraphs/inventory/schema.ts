import { buildSubgraph } from '../kit/schema';
import type { InventoryContext } from './context';
import { CountPolicyResolver } from './count-policy/count-policy.resolver';
import { countTaskReference } from './count-task/count-task.reference';
import { CountTaskResolver } from './count-task/count-task.resolver';
import { Material } from './material-site/material.type';
import { materialSiteReference } from './material-site/material-site.reference';
import { MaterialSiteResolver } from './material-site/material-site.resolver';

/** Inventory's subgraph schema. */
export function buildInventorySchema() {
  return buildSubgraph<InventoryContext>({
    resolvers: [MaterialSiteResolver, CountTaskResolver, CountPolicyResolver],
    orphanedTypes: [Material],
    federationImports: ['@key', '@external', '@requires'],
    referenceResolvers: {
      MaterialSite: materialSiteReference,
      CountTask: countTaskReference,
    },
  });
}
