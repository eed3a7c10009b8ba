import { buildSchema, parse } from 'graphql';
import { fetchedFields, requestedPaths } from '../../../gateway/authority/response-paths';

const schema = buildSchema(`
  type Query { workOrders: [WorkOrder!]! grid: [[Cell]] }
  type WorkOrder { id: ID! customer: Customer tags: [String!] }
  type Customer { id: ID! name: String }
  type Cell { value: Int }
`);

describe('response paths of a request and of the fetches that answer it', () => {
  it('folds list positions, nested lists included, and follows aliases and fragments', () => {
    const document = parse(`
      query Board { orders: workOrders { ...Order tags } grid { value } }
      fragment Order on WorkOrder { id customer { who: name } }
      query Other { workOrders { id } }
    `);
    expect([...requestedPaths(schema, document, 'Board')]).toEqual([
      'orders.*',
      'orders.*.id',
      'orders.*.customer',
      'orders.*.customer.who',
      'orders.*.tags.*',
      'grid.*.*',
      'grid.*.*.value',
    ]);
    expect([...requestedPaths(schema, document, 'Other')]).toEqual(['workOrders.*', 'workOrders.*.id']);
  });

  it('places an entity fetch at its merge path and leaves out __typename', () => {
    const fetch = parse(
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { __typename id name } } }`,
    );
    expect(fetchedFields(schema, fetch, ['orders', '@', 'customer'])).toEqual([
      { path: 'orders.*.customer.id', hasChildren: false },
      { path: 'orders.*.customer.name', hasChildren: false },
    ]);
  });

  it('reads a root fetch from the top, objects marked as having children', () => {
    const fetch = parse(`{ workOrders { __typename id customer { __typename id } } }`);
    expect(fetchedFields(schema, fetch, [])).toEqual([
      { path: 'workOrders.*', hasChildren: true },
      { path: 'workOrders.*.id', hasChildren: false },
      { path: 'workOrders.*.customer', hasChildren: true },
      { path: 'workOrders.*.customer.id', hasChildren: false },
    ]);
  });
});
