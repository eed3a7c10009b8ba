import type { GraphQLSchema } from 'graphql';
import { composeGraph } from '../../../../cli/compose';
import { partnerContractOf } from '../../../../gateway/security/documents/contract';
import { contractRefusal } from '../../../../gateway/security/documents/contract-check';
import { erpSystem } from '../../../../subgraphs/erp/server';

/**
 * Partners reach ERP only through the `partner`-tagged contract the gateway cuts from the
 * supergraph: ERP's tags must keep a partner's paged query of its own purchase orders servable.
 */
describe('ERP in the partner contract: myPurchaseOrders as a connection', () => {
  let contract: GraphQLSchema;
  beforeAll(async () => {
    contract = await partnerContractOf((await composeGraph([erpSystem])).files['supergraph.graphql']!);
  });

  const refusal = (body: string) => contractRefusal(contract, { id: 'test', name: 'Mine', type: 'query', body });

  it('serves a page of the own purchase orders with their lines, cursors and page info', () => {
    expect(
      refusal(`query Mine($after: String) {
        myPurchaseOrders(status: [OPEN], first: 20, after: $after) {
          nodes { number status orderDate lines { lineNumber material { id description } orderedQuantity receivedQuantity promisedDate } }
          edges { cursor node { number } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
      }`),
    ).toBeUndefined();
  });

  it('keeps out what is not tagged for partners', () => {
    expect(refusal('query Mine { workOrders(siteId: "S01") { nodes { id } } }')).toMatch(/Cannot query field "workOrders"/);
    expect(refusal('query Mine { myPurchaseOrders { nodes { changeHistory { nodes { actor } } } } }')).toMatch(
      /Cannot query field "changeHistory"/,
    );
  });
});
