import { buildSchema } from 'graphql';
import { classifyChanges, touches } from '../../../cli/check/classify';

const DEPLOYED = buildSchema(`
  enum Status { OPEN CLOSED HELD }
  input Window { from: String, status: Status }
  input Filter { window: Window, text: String }
  type Order { id: ID!, status: Status!, note: String }
  type Query {
    orders(filter: Filter, first: Int): [Order!]!
    order(id: ID!): Order
    byStatus(status: Status): [Order!]!
  }
`);

async function changesTo(sdl: string) {
  return classifyChanges(DEPLOYED, buildSchema(sdl));
}

describe('classifying changes and the usage they touch', () => {
  it('maps a removed enum value to every field returning the enum and every argument whose input carries it, nested too', async () => {
    const [change] = await changesTo(`
      enum Status { OPEN CLOSED }
      input Window { from: String, status: Status }
      input Filter { window: Window, text: String }
      type Order { id: ID!, status: Status!, note: String }
      type Query { orders(filter: Filter, first: Int): [Order!]!, order(id: ID!): Order, byStatus(status: Status): [Order!]! }
    `);
    expect(change).toMatchObject({ level: 'breaking', type: 'ENUM_VALUE_REMOVED', path: 'Status.HELD' });
    expect([...change!.touched!.exact].sort()).toEqual(['Order.status', 'Query.byStatus(status:)', 'Query.orders(filter:)']);
  });

  it('touches only callers that pass a removed argument, but every caller of a field that gains a required one', async () => {
    const changes = await changesTo(`
      enum Status { OPEN CLOSED HELD }
      input Window { from: String, status: Status }
      input Filter { window: Window, text: String }
      type Order { id: ID!, status: Status!, note: String }
      type Query { orders(filter: Filter): [Order!]!, order(id: ID!, site: ID!): Order, byStatus(status: Status): [Order!]! }
    `);
    const removed = changes.find((c) => c.type === 'FIELD_ARGUMENT_REMOVED')!;
    expect(touches(removed.touched!, 'Query.orders(first:)')).toBe(true);
    expect(touches(removed.touched!, 'Query.orders')).toBe(false);
    const required = changes.find((c) => c.type === 'FIELD_ARGUMENT_ADDED')!;
    expect(required.level).toBe('breaking');
    expect(touches(required.touched!, 'Query.order')).toBe(true);
    expect(touches(required.touched!, 'Query.order(id:)')).toBe(true);
  });

  it('touches every field of a removed type, and classifies a deprecation and an optional field as safe', async () => {
    const changes = await changesTo(`
      enum Status { OPEN CLOSED HELD }
      input Window { from: String, status: Status }
      input Filter { window: Window, text: String }
      type Query { orders(filter: Filter, first: Int): [String!]!, order(id: ID!): String @deprecated(reason: "use orders"), byStatus(status: Status): [String!]!, sites: [String!] }
    `);
    const typeRemoved = changes.find((c) => c.type === 'TYPE_REMOVED')!;
    expect(touches(typeRemoved.touched!, 'Order.note')).toBe(true);
    expect(changes.filter((c) => c.type === 'FIELD_DEPRECATION_ADDED' || c.type === 'FIELD_ADDED').map((c) => c.level)).toEqual([
      'safe',
      'safe',
    ]);
  });
});
