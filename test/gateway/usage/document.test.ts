import { buildSchema, parse } from 'graphql';
import { UsageAggregator } from '../../../gateway/usage/aggregator';
import { selectedCoordinates } from '../../../gateway/usage/coordinates';
import { LabelFolder } from '../../../gateway/usage/label-folding';
import { documentHash } from '../../../gateway/usage/signature';

const schema = buildSchema(`
  type Query { order(id: ID!): Order orders(status: String, first: Int): [Order!]! node(id: ID!): Node }
  interface Node { id: ID! }
  type Order implements Node { id: ID! number: String lines(first: Int): [Line!]! }
  type Line { item: String }
`);

describe('usage of one document', () => {
  it('lists the fields an operation selects, through fragments, and the arguments it passes', () => {
    const document = parse(`
      query A($s: String) { orders(status: $s) { ...OrderBits } node(id: "1") { id ... on Order { number } } }
      query B { order(id: "2") { number } }
      fragment OrderBits on Order { id lines(first: 2) @include(if: true) { item __typename } }
    `);
    expect(selectedCoordinates(schema, document, 'A')).toEqual([
      'Line.item',
      'Node.id',
      'Order.id',
      'Order.lines',
      'Order.lines(first:)',
      'Order.number',
      'Query.node',
      'Query.node(id:)',
      'Query.orders',
      'Query.orders(status:)',
    ]);
    expect(selectedCoordinates(schema, document, 'B')).toEqual(['Order.number', 'Query.order', 'Query.order(id:)']);
  });

  it('hashes the normalized document: literals, aliases and layout do not count, selections do', () => {
    const one = documentHash(parse('query Q { order(id: "1") { number id } }'), 'Q');
    expect(one).toMatch(/^[0-9a-f]{64}$/);
    expect(documentHash(parse('query Q {\n  order(id: "2") {\n    id\n    n: number\n  }\n}'), 'Q')).toBe(one);
    expect(documentHash(parse('query Q { order(id: "1") { id } }'), 'Q')).not.toBe(one);
  });
});

describe('usage aggregation and labels', () => {
  it('sums operations per bucket and key, and drops (counting) beyond its bound', () => {
    let dropped = 0;
    const aggregator = new UsageAggregator(60_000, 2, (n) => (dropped += n));
    const use = (at: number, operationName: string, failed = false) =>
      aggregator.add({
        at,
        clientName: 'c',
        clientVersion: '',
        operationName,
        documentHash: 'h',
        coordinates: ['Query.order'],
        failed,
        durationMs: failed ? 5 : 2,
      });
    use(60_000, 'A');
    use(61_000, 'A', true);
    use(121_000, 'A');
    use(62_000, 'B');
    expect(dropped).toBe(1);
    const [first, second] = aggregator.take();
    expect(first).toMatchObject({ bucket: new Date(60_000), count: 2, errorCount: 1, durationMsMax: 5, lastSeen: new Date(61_000) });
    expect(first!.fields.get('Query.order')).toEqual({ count: 2, errorCount: 1 });
    expect(second).toMatchObject({ bucket: new Date(120_000), count: 1 });
    expect(aggregator.size).toBe(0);
  });

  it('keeps the first names up to the limit and folds the rest, and odd names, into other', () => {
    const folder = new LabelFolder(2, /^[A-Za-z]+$/);
    expect(['A', 'B', 'C', 'A', '', 'x y'].map((n) => folder.fold(n))).toEqual(['A', 'B', 'other', 'A', 'other', 'other']);
  });
});
