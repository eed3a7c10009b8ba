import { createOutboxResolver } from '../kit/outbox/outbox.resolver';
import { PAGING_FEDERATION_IMPORTS } from '../kit/paging';
import { buildSubgraph } from '../kit/schema';
import type { InventoryContext } from './context';
import { CountPolicyResolver } from './count-policy/count-policy.resolver';
import { countTaskReference } from './count-task/count-task.reference';
import { CountTaskResolver } from './count-task/count-task.resolver';
import { Material } from './material-site/material.type';
import { materialSiteReference } from './material-site/material-site.reference';
import { MaterialSiteResolver } from './material-site/material-site.resolver';
import { CountTaskSubscriptionResolver } from './count-task/count-task.subscription';

// `inventoryCommands` lists the outbox (parked commands by default); `retryInventoryCommand` sends one again.
const InventoryOutboxResolver = createOutboxResolver<InventoryContext>({ system: 'inventory', db: (ctx) => ctx.db });

/** Inventory's subgraph schema. */
export function buildInventorySchema() {
  return buildSubgraph<InventoryContext>({
    resolvers: [MaterialSiteResolver, CountTaskResolver, CountPolicyResolver, InventoryOutboxResolver, CountTaskSubscriptionResolver],
    orphanedTypes: [Material],
    federationImports: ['@key', '@external', '@requires', ...PAGING_FEDERATION_IMPORTS],
    referenceResolvers: {
      MaterialSite: materialSiteReference,
      CountTask: countTaskReference,
    },
  });
}
