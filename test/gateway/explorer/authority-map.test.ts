import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { composeGraph } from '../../../cli/compose';
import {
  deriveAuthority,
  describeAuthority,
  mergeAuthority,
  parseAuthorityFile,
  type AuthorityMap,
} from '../../../gateway/explorer/authority-map';
import { renderAuthoritySvg } from '../../../gateway/explorer/authority-page';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';

describe('authority map', () => {
  let supergraph: string;
  let authorityJson: unknown;
  let derived: AuthorityMap;
  const field = (map: AuthorityMap, coordinate: string) => map.fields.find((f) => `${f.type}.${f.field}` === coordinate);

  beforeAll(async () => {
    const { files } = await composeGraph([erpSystem, inventorySystem]);
    supergraph = files['supergraph.graphql']!;
    authorityJson = JSON.parse(files['authority.json']!);
    derived = deriveAuthority(supergraph);
  });

  it('derives each field owner from the supergraph, with kind and steward from the systems registry', () => {
    expect(derived.source).toBe('supergraph');
    expect(derived.systems.map((s) => [s.name, s.kind])).toEqual([
      ['erp', 'record'],
      ['inventory', 'engagement'],
    ]);
    expect(field(derived, 'MaterialSite.bookQuantity')).toMatchObject({
      system: 'erp',
      kind: 'record',
      steward: 'Finance & Supply Chain',
      key: false,
    });
    expect(field(derived, 'MaterialSite.abcClass')).toMatchObject({ system: 'inventory', kind: 'engagement', key: false });
    expect(field(derived, 'Query.countTasks')).toMatchObject({ system: 'inventory' });
    expect(field(derived, 'Query.material')).toMatchObject({ system: 'erp' });
  });

  it('marks a computed field with what it requires, and key fields as shared by every holder', () => {
    expect(field(derived, 'MaterialSite.countVarianceQuantity')).toMatchObject({
      system: 'inventory',
      requires: expect.stringContaining('bookQuantity'),
    });
    const key = field(derived, 'MaterialSite.materialId')!;
    expect(key.key).toBe(true);
    expect([...key.systems].sort()).toEqual(['erp', 'inventory']);
  });

  it('takes owners from authority.json when it is there, and agrees with the supergraph on every field', () => {
    const declared = parseAuthorityFile(authorityJson);
    expect(declared.owners.size).toBeGreaterThan(20);
    expect(declared.systems.get('inventory')).toEqual({ label: 'Inventory', kind: 'engagement', steward: 'Warehouse' });
    const merged = mergeAuthority(derived, declared);
    expect(merged.source).toBe('authority.json');
    for (const f of merged.fields) {
      const mine = field(derived, `${f.type}.${f.field}`)!;
      expect([`${f.type}.${f.field}`, f.systems.includes(f.system)]).toEqual([`${f.type}.${f.field}`, true]);
      if (!mine.key) expect([`${f.type}.${f.field}`, f.system]).toEqual([`${f.type}.${f.field}`, mine.system]);
    }
    // A key's source is the entity's owner: ERP owns MaterialSite, inventory holds its key too.
    expect(field(merged, 'MaterialSite.materialId')).toMatchObject({ system: 'erp', key: true });
  });

  it('falls back to the supergraph for a file without a fields section, and ignores entries without a system', () => {
    expect(parseAuthorityFile({ systems: {} }).owners.size).toBe(0);
    expect(parseAuthorityFile(null).owners.size).toBe(0);
    expect(parseAuthorityFile({ fields: { 'A.b': { system: null, role: 'shared' }, 'A.c': { system: 'erp' } } }).owners).toEqual(
      new Map([['A.c', { system: 'erp' }]]),
    );
    expect(mergeAuthority(derived, undefined)).toBe(derived);
  });

  it('says the source in the words of the API schema', () => {
    expect(describeAuthority(field(derived, 'MaterialSite.bookQuantity')!)).toBe('Authoritative source: ERP (system of record)');
    expect(describeAuthority(field(derived, 'MaterialSite.abcClass')!)).toBe('Authoritative source: Inventory (system of engagement)');
    const merged = mergeAuthority(derived, parseAuthorityFile(authorityJson));
    expect(describeAuthority(field(merged, 'MaterialSite.materialId')!)).toBe(
      'Authoritative source: ERP (system of record); a key that Inventory also holds',
    );
  });

  it('draws one column per system and puts each field in its owner’s cell', () => {
    const svg = renderAuthoritySvg(derived);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('data-system="erp" data-kind="record"');
    expect(svg).toContain('data-system="inventory" data-kind="engagement"');
    const cell = (type: string, system: string) => {
      const match = new RegExp(`<g class="cell" data-type="${type}" data-system="${system}">(.*?)</g>`).exec(svg);
      return match ? [...match[1]!.matchAll(/data-field="([^"]+)"/g)].map((m) => m[1]) : [];
    };
    expect(cell('MaterialSite', 'erp')).toEqual(expect.arrayContaining(['MaterialSite.bookQuantity', 'MaterialSite.blockedQuantity']));
    expect(cell('MaterialSite', 'erp')).not.toContain('MaterialSite.abcClass');
    expect(cell('MaterialSite', 'inventory')).toEqual(
      expect.arrayContaining(['MaterialSite.abcClass', 'MaterialSite.countVarianceQuantity']),
    );
    expect(cell('MaterialSite', 'inventory')).not.toContain('MaterialSite.materialId');
  });

  it('puts a shared value-type field under every system that returns it, and says so', () => {
    const subgraph = (name: string, root: string) => ({
      name,
      url: `http://127.0.0.1/${name}`,
      typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])
        type Query { ${root}: Note }
        type Note @shareable { text: String }`),
    });
    const composed = composeServices([subgraph('erp', 'erpNote'), subgraph('mes', 'mesNote')]);
    if (composed.errors) throw composed.errors[0];
    const map = deriveAuthority(composed.supergraphSdl);
    const text = field(map, 'Note.text')!;
    expect(text).toMatchObject({ shared: true, key: false });
    expect([...text.systems].sort()).toEqual(['erp', 'mes']);
    expect(describeAuthority(text)).toMatch(/^Answered by whichever of (ERP, MES|MES, ERP) returned the parent$/);
    expect(field(map, 'Query.mesNote')).toMatchObject({ system: 'mes' });
    const svg = renderAuthoritySvg(map);
    expect(svg.match(/class="field shared" data-field="Note.text"/g)).toHaveLength(2);
  });

  it('shows who may run a mutation or read a protected field, from the rules authority.json carries', () => {
    const merged = mergeAuthority(derived, parseAuthorityFile(authorityJson));
    expect(field(merged, 'Mutation.postInventoryAdjustment')).toMatchObject({ system: 'erp', authorized: 'role inventory-relay' });
    expect(field(merged, 'Material.standardCost')).toMatchObject({ authorized: 'role finance, or scope finance:read' });
    expect(field(merged, 'Material.description')?.authorized).toBeUndefined();
    const svg = renderAuthoritySvg(merged);
    expect(svg).toContain(
      'Mutation.postInventoryAdjustment: ERP, steward Finance &amp; Supply Chain; needs role inventory-relay</title>postInventoryAdjustment 🔒',
    );
  });

  it('escapes names so a description or name cannot break the picture', () => {
    const svg = renderAuthoritySvg({
      source: 'supergraph',
      systems: [{ name: 'x<y', label: '<script>' }],
      fields: [{ type: 'T', field: 'a', system: 'x<y', systems: ['x<y'], key: false }],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });
});
