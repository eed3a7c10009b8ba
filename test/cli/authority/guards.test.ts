import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { checkSupergraph } from '../../../cli/authority/guards';
import { readSupergraph } from '../../../cli/authority/supergraph';
import { composeSubgraphs, CompositionError, type SubgraphSource } from '../../../cli/compose';
import { AUTHORITY, type AuthorityRules } from '../../../platform/systems';

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@override"])';

function subgraph(name: string, body: string): SubgraphSource {
  return { name, url: `http://127.0.0.1:1/${name}`, sdl: `${LINK}\n${body}` };
}

const ERP_MATERIAL = subgraph(
  'erp',
  `type Material @key(fields: "id") { id: ID! description: String! standardCost: Float! }
   type Query { material(id: ID!): Material }`,
);

/** The message of the CompositionError that composing these subgraphs throws. */
function failure(subgraphs: SubgraphSource[], rules: AuthorityRules = AUTHORITY): string {
  try {
    composeSubgraphs(subgraphs, { rules });
  } catch (err) {
    expect(err).toBeInstanceOf(CompositionError);
    return (err as Error).message;
  }
  throw new Error('expected the composition to fail');
}

describe('authority guards at compose time', () => {
  it('composes a graph that keeps one owner per field', () => {
    const inventory = subgraph('inventory', `type Material @key(fields: "id") { id: ID! abcClass: String }`);
    const { files, warnings } = composeSubgraphs([ERP_MATERIAL, inventory]);
    expect(warnings).toEqual([]);
    expect(Object.keys(files).sort()).toEqual([
      'AUTHORITY.md',
      'ROLES.md',
      'authority.json',
      'erp.graphql',
      'inventory.graphql',
      'supergraph.graphql',
    ]);
  });

  it('rejects @shareable on a field of an entity type, naming the field and both systems', () => {
    const inventory = subgraph('inventory', `type Material @key(fields: "id") { id: ID! description: String! @shareable }`);
    const erp = subgraph(
      'erp',
      `type Material @key(fields: "id") { id: ID! description: String! @shareable } type Query { material(id: ID!): Material }`,
    );
    const message = failure([erp, inventory]);
    expect(message).toContain('authority check failed');
    expect(message).toContain('Material.description: @shareable in inventory, but an entity field has one owner (also served by erp)');
    expect(message).toContain('Material.description: @shareable in erp, but an entity field has one owner (also served by inventory)');
  });

  it('sees @shareable through a renamed import and on the type itself', () => {
    const renamed = {
      name: 'inventory',
      url: 'http://127.0.0.1:1/inventory',
      sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", { name: "@shareable", as: "@everyone" }])
            type Material @key(fields: "id") @everyone { id: ID! description: String! }`,
    };
    const erp = subgraph(
      'erp',
      `type Material @key(fields: "id") @shareable { id: ID! description: String! } type Query { material(id: ID!): Material }`,
    );
    const message = failure([erp, renamed]);
    expect(message).toContain('Material.description: @shareable in inventory');
    expect(message).toContain('Material.description: @shareable in erp');
  });

  it('rejects a root field that two systems answer', () => {
    const erp = subgraph('erp', `type Query { materialCount: Int @shareable }`);
    const inventory = subgraph('inventory', `type Query { materialCount: Int @shareable }`);
    expect(failure([erp, inventory])).toContain(
      'Query.materialCount: @shareable in erp, but a root field has one owner (also served by inventory)',
    );
  });

  it('rejects an @override that the registry does not declare', () => {
    const inventory = subgraph('inventory', `type Material @key(fields: "id") { id: ID! standardCost: Float! @override(from: "erp") }`);
    expect(failure([ERP_MATERIAL, inventory])).toContain(
      'Material.standardCost: @override(from: "erp") in inventory moves authority from erp to inventory, but the systems registry declares no such move',
    );
  });

  it('accepts a declared move, and the authority map follows it', () => {
    const mes = subgraph('mes', `type Material @key(fields: "id") { id: ID! standardCost: Float! @override(from: "erp") }`);
    const rules: AuthorityRules = {
      ...AUTHORITY,
      reserved: { ...AUTHORITY.reserved, 'Material.standardCost': 'mes' },
      moves: [{ field: 'Material.standardCost', from: 'erp', to: 'mes', reason: 'costing moved to the plant' }],
    };
    const { files } = composeSubgraphs([ERP_MATERIAL, mes], { rules });
    const map = JSON.parse(files['authority.json']!);
    expect(map.fields['Material.standardCost']).toMatchObject({ system: 'mes', kind: 'record', overrides: 'erp' });
    expect(files['AUTHORITY.md']).toContain('`Material.standardCost`: erp → mes. costing moved to the plant');
  });

  it('rejects a progressive (label) override even when the move is declared', () => {
    const mes = subgraph(
      'mes',
      `type Material @key(fields: "id") { id: ID! standardCost: Float! @override(from: "erp", label: "percent(50)") }`,
    );
    const rules: AuthorityRules = {
      ...AUTHORITY,
      reserved: {},
      moves: [{ field: 'Material.standardCost', from: 'erp', to: 'mes', reason: 'test' }],
    };
    expect(failure([ERP_MATERIAL, mes], rules)).toContain('splits the field between erp and mes by traffic');
  });

  it('rejects a system of engagement serving a field reserved for a system of record', () => {
    const erp = subgraph(
      'erp',
      `type MaterialSite @key(fields: "materialId siteId") { materialId: ID! siteId: ID! blockedQuantity: Float! } type Query { site: MaterialSite }`,
    );
    const inventory = subgraph(
      'inventory',
      `type MaterialSite @key(fields: "materialId siteId") { materialId: ID! siteId: ID! bookQuantity: Float }`,
    );
    expect(failure([erp, inventory])).toContain(
      'MaterialSite.bookQuantity: served by Inventory (system of engagement), but the systems registry reserves it for ERP (system of record)',
    );
  });

  it('rejects a reserved value type served by a system of engagement', () => {
    const quality = subgraph('quality', `type PurchaseOrder { number: ID! } type Query { openOrders: [PurchaseOrder!]! }`);
    expect(failure([ERP_MATERIAL, quality])).toContain(
      'PurchaseOrder.number: served by Quality (system of engagement), but the systems registry reserves it for ERP (system of record)',
    );
  });

  it("rejects @provides, which makes a second source of another system's field", () => {
    const erp = subgraph('erp', `type Supplier @key(fields: "id") { id: ID! name: String! } type Query { supplier(id: ID!): Supplier }`);
    const mes = subgraph(
      'mes',
      `type Supplier @key(fields: "id") { id: ID! name: String! @external }
       type Lot @key(fields: "id") { id: ID! supplier: Supplier @provides(fields: "name") }
       type Query { lot(id: ID!): Lot }`,
    );
    expect(failure([erp, mes])).toContain(
      'Lot.supplier: @provides(fields: "name") in mes makes mes a second source of Supplier.name (owned by erp)',
    );
  });

  it("warns when a field contributed to another system's entity is non-null (docs/domain.md#rule-3)", () => {
    const inventory = subgraph('inventory', `type Material @key(fields: "id") { id: ID! abcClass: String! }`);
    const { warnings } = composeSubgraphs([ERP_MATERIAL, inventory]);
    expect(warnings).toEqual([expect.stringContaining("Material.abcClass: inventory contributes it to erp's Material as non-null")]);
  });

  it('finds two owners in the supergraph itself, whatever let them through', () => {
    // Composed without the subgraph guards, as a supergraph built elsewhere would be.
    const erp = subgraph(
      'erp',
      `type Material @key(fields: "id") { id: ID! description: String! @shareable } type Query { material(id: ID!): Material }`,
    );
    const crm = subgraph('crm', `type Material @key(fields: "id") { id: ID! description: String! @shareable }`);
    const result = composeServices([erp, crm].map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
    expect(result.errors).toBeUndefined();
    const { errors } = checkSupergraph(readSupergraph(parse(result.supergraphSdl!)), AUTHORITY);
    expect(errors).toEqual([
      'Material.description: answered by crm and erp; a field has one owner',
      'Material.description: served by CRM (system of record), but the systems registry reserves it for ERP (system of record); declare it @external in crm and derive with @requires',
    ]);
  });

  it('still reports what composition itself rejects', () => {
    const inventory = subgraph('inventory', `type Material @key(fields: "id") { id: ID! description: Int! }`);
    expect(failure([ERP_MATERIAL, inventory])).toContain('composition failed');
  });
});
