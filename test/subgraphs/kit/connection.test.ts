import type { GraphQLObjectType } from 'graphql';
import { auditsSystem } from '../../../subgraphs/audits/server';
import { encodeCursor, readPage, toConnection, type Keyset } from '../../../subgraphs/kit/paging';

// Cast: the keyset's fields beyond list, columns and direction do not matter to connections.
const keyset = { list: 'testRows', columns: ['n', 'id'], kinds: ['integer', 'text'], direction: 'asc' } as Keyset;
const rows = [
  { n: 1, id: 'a', name: 'first' },
  { n: 2, id: 'b', name: 'second' },
  { n: 3, id: 'c', name: 'third' },
];

describe('kit connections', () => {
  it('serves the first `first` rows, their cursors and page info from the first + 1 rows read', () => {
    const page = readPage({ first: 2, after: null }, keyset);
    const connection = toConnection(rows, page, keyset);
    expect(connection.nodes.map((node) => node.id)).toEqual(['a', 'b']);
    expect(connection.edges).toEqual([
      { cursor: encodeCursor('testRows', [1, 'a']), node: rows[0] },
      { cursor: encodeCursor('testRows', [2, 'b']), node: rows[1] },
    ]);
    expect(connection.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor('testRows', [1, 'a']),
      endCursor: encodeCursor('testRows', [2, 'b']),
    });
    const last = toConnection(
      rows.slice(2),
      readPage({ first: 2, after: connection.pageInfo.endCursor }, keyset),
      keyset,
      (row) => row.name,
    );
    expect(last.nodes).toEqual(['third']);
    expect(last.edges).toEqual([{ cursor: encodeCursor('testRows', [3, 'c']), node: 'third' }]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const empty = toConnection([], page, keyset);
    expect([empty.nodes, empty.edges, empty.pageInfo]).toEqual([
      [],
      [],
      { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    ]);
  });

  it('encodes cursors only when edges or page info are read', () => {
    // A Date cannot go into a cursor: encoding one throws, so the throw shows when encoding happens.
    const undated = [{ n: new Date(0), id: 'a' }];
    const connection = toConnection(undated, readPage({ first: 5, after: null }, keyset), keyset);
    expect(connection.nodes).toEqual(undated);
    expect(() => connection.pageInfo).toThrow(/keyset columns must hold text or integers/);
    expect(() => connection.edges).toThrow(/keyset columns must hold text or integers/);
  });

  it('reads each edge once and keeps the nodes the edges point to', () => {
    const connection = toConnection(rows, readPage({ first: 5, after: null }, keyset), keyset);
    expect(connection.edges).toBe(connection.edges);
    expect(connection.edges.map((edge) => edge.node)).toEqual(connection.nodes);
  });
});

describe('kit schema: plain fields resolve by default', () => {
  // What the rows answer is checked through the schema by each system's own tests (audits.paging.test.ts, …).
  it("gives plain fields no resolver of type-graphql's and keeps field resolvers", async () => {
    const schema = await auditsSystem.buildSchema();
    const audit = schema.getType('Audit') as GraphQLObjectType;
    const fields = audit.getFields();
    expect(fields.auditor!.resolve).toBeUndefined();
    expect(fields.scheduledFor!.resolve).toBeUndefined();
    expect(fields.findings!.resolve).toEqual(expect.any(Function));
    expect(fields.workCenter!.resolve).toEqual(expect.any(Function));
    const connection = schema.getType('AuditConnection') as GraphQLObjectType;
    expect(connection.getFields().nodes!.resolve).toBeUndefined();
  });
});

describe('kit schema: field resolvers of the row, context and info alone are called directly', () => {
  it("calls them without type-graphql's wrapper, with the values type-graphql would pass", async () => {
    const schema = await auditsSystem.buildSchema();
    const audit = (schema.getType('Audit') as GraphQLObjectType).getFields();
    const loaded: unknown[] = [];
    const context = { loaders: { findingsByAudit: { load: (id: string) => (loaded.push(id), [`finding of ${id}`]) } } };
    const findings = audit.findings!.resolve!;
    expect(String(findings)).not.toContain('getInstance');
    expect(findings({ id: 'AU0000001' }, {}, context, {} as never)).toEqual(['finding of AU0000001']);
    expect(loaded).toEqual(['AU0000001']);
    expect(audit.workCenter!.resolve!({ workCenterId: 'WC-1' }, {}, context, {} as never)).toEqual({ id: 'WC-1' });
    expect(audit.material!.resolve!({ materialId: null }, {}, context, {} as never)).toBeNull();
  });
});
