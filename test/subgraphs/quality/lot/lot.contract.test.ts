import type { GraphQLSchema } from 'graphql';
import { composeGraph } from '../../../../cli/compose';
import { partnerContractOf } from '../../../../gateway/security/documents/contract';
import { contractRefusal } from '../../../../gateway/security/documents/contract-check';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { mesSystem } from '../../../../subgraphs/mes/server';
import { qualitySystem } from '../../../../subgraphs/quality/server';

/**
 * A supplier reads the inspections of the lots it delivered through the `partner` contract the
 * gateway cuts from the supergraph: quality's tags keep the paged `Lot.inspections` whole.
 */
describe('quality in the partner contract: Lot.inspections as a connection', () => {
  let contract: GraphQLSchema;
  beforeAll(async () => {
    contract = await partnerContractOf((await composeGraph([erpSystem, mesSystem, qualitySystem])).files['supergraph.graphql']!);
  });

  const refusal = (body: string) => contractRefusal(contract, { id: 'test', name: 'Delivered', type: 'query', body });

  it("serves a page of a delivered lot's inspections with their nodes, edges and page info", () => {
    expect(
      refusal(`query Delivered($after: String) {
        myPurchaseOrders(first: 5) { nodes { lines { receivedLots { id qualityStatus
          inspections(first: 10, after: $after) {
            nodes { inspectionType usageDecision measurements { characteristic measuredValue conforming } }
            edges { cursor node { id } }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          }
        } } } }
      }`),
    ).toBeUndefined();
  });

  it('keeps out what is not tagged for partners', () => {
    expect(refusal('query Delivered { inspections(siteId: "S01") { nodes { id } } }')).toMatch(
      /Cannot query field "inspections" on type "Query"/,
    );
    expect(refusal('query Delivered { myPurchaseOrders { nodes { lines { receivedLots { holds { id } } } } } }')).toMatch(
      /Cannot query field "holds"/,
    );
    expect(refusal('query Delivered { nonconformances { nodes { id } } }')).toMatch(/Cannot query field "nonconformances"/);
  });
});
