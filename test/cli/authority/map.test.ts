import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { composeGraph, type ComposedGraph } from '../../../cli/compose';
import { SYSTEM_MODULES } from '../../../subgraphs/catalog';
import type { SystemModule } from '../../../subgraphs/kit/system';

const INTROSPECTION = `{
  __schema {
    types { name kind fields { name description } inputFields { name description } }
  }
}`;

interface IntrospectedType {
  name: string;
  kind: string;
  fields: { name: string; description: string | null }[] | null;
  inputFields: { name: string; description: string | null }[] | null;
}

describe('the authority map and the source of every field', () => {
  let graph: ComposedGraph;
  let map: any;
  let types: IntrospectedType[];

  beforeAll(async () => {
    graph = await composeGraph([SYSTEM_MODULES.erp, SYSTEM_MODULES.inventory] as SystemModule[]);
    map = JSON.parse(graph.files['authority.json']!);
    // The gateway builds its API schema from the supergraph; introspection needs no subgraph.
    const apollo = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: graph.files['supergraph.graphql']! }) });
    await apollo.start();
    try {
      const response = await apollo.executeOperation({ query: INTROSPECTION });
      const body = response.body as { kind: 'single'; singleResult: { data?: any; errors?: unknown } };
      expect(body.singleResult.errors).toBeUndefined();
      types = body.singleResult.data.__schema.types;
    } finally {
      await apollo.stop();
    }
  });

  it('maps every Type.field of the API schema, and introspection ends each description with the same source', () => {
    const apiTypes = types.filter((t) => !t.name.startsWith('__') && (t.kind === 'OBJECT' || t.kind === 'INPUT_OBJECT'));
    expect(apiTypes.length).toBeGreaterThan(5);
    let checked = 0;
    for (const type of apiTypes) {
      for (const field of [...(type.fields ?? []), ...(type.inputFields ?? [])]) {
        const coordinate = `${type.name}.${field.name}`;
        const entry = map.fields[coordinate];
        expect({ coordinate, mapped: Boolean(entry) }).toEqual({ coordinate, mapped: true });
        // A field of a value type that both systems return (a page of material-sites) names them both.
        const sentence =
          entry.role === 'shared'
            ? `Authoritative source: the system that returned the parent object (${entry.systems.map((s: string) => map.systems[s].label).join(', ')})`
            : `Authoritative source: ${entry.label} (system of ${entry.kind})`;
        expect({ coordinate, ends: field.description?.endsWith(sentence) }).toEqual({ coordinate, ends: true });
        checked++;
      }
    }
    expect(checked).toBe(Object.keys(map.fields).length);
  });

  it('keeps what the subgraph said before the source', () => {
    const materialSite = types.find((t) => t.name === 'MaterialSite')!;
    const book = materialSite.fields!.find((f) => f.name === 'bookQuantity')!;
    expect(book.description).toBe('Book on-hand quantity, base unit (all stock types)\n\nAuthoritative source: ERP (system of record)');
  });

  it('gives fields to their one system, keys to the entity owner, and records @requires', () => {
    expect(map.fields['Material.standardCost']).toEqual({
      system: 'erp',
      label: 'ERP',
      kind: 'record',
      steward: 'Finance & Supply Chain',
      role: 'field',
      systems: ['erp'],
      authorized: [{ roles: ['finance'], scopes: ['finance:read'] }],
    });
    expect(map.fields['MaterialSite.countVarianceValue']).toMatchObject({
      system: 'inventory',
      kind: 'engagement',
      steward: 'Warehouse',
      requires: 'bookQuantity material { standardCost }',
    });
    expect(map.fields['MaterialSite.materialId']).toMatchObject({ system: 'erp', role: 'key', systems: ['erp', 'inventory'] });
    expect(map.fields['Query.countDiscrepancies']).toMatchObject({ system: 'inventory', role: 'root' });
    expect(map.types.MaterialSite).toEqual({ kind: 'entity', owner: 'erp', keys: ['materialId siteId'], systems: ['erp', 'inventory'] });
    expect(map.systems.inventory).toMatchObject({ label: 'Inventory', kind: 'engagement', steward: 'Warehouse' });
  });

  it('renders a types-by-systems matrix for review', () => {
    const md = graph.files['AUTHORITY.md']!;
    expect(md).toContain('| type | ERP | Inventory |');
    const row = md.split('\n').find((line) => line.startsWith('| **MaterialSite**'))!;
    const [, erp, inventory] = row.split(' | ');
    expect(erp).toContain('bookQuantity');
    expect(erp).not.toContain('abcClass');
    expect(inventory).toContain('countVarianceQuantity ← requires `bookQuantity`');
    expect(inventory).not.toContain('bookQuantity,');
  });
});
