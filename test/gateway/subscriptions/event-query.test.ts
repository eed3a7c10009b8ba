import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildASTSchema, parse, print, type GraphQLField, type GraphQLSchema } from 'graphql';
import { AS_OF_CHANGE_ARG, eventQueryOf, LIVE_FIELDS } from '../../../gateway/subscriptions/event-query';

const supergraph = readFileSync(path.join(__dirname, '../../../schema/supergraph.graphql'), 'utf8');

/** The subgraph a field of the supergraph resolves in (its `@join__field(graph:)`). */
function ownerOf(field: GraphQLField<unknown, unknown>): string | undefined {
  const join = field.astNode?.directives?.find((d) => d.name.value === 'join__field');
  const graph = join?.arguments?.find((a) => a.name.value === 'graph')?.value;
  return graph?.kind === 'EnumValue' ? graph.value : undefined;
}

describe('the query each live event runs', () => {
  let schema: GraphQLSchema;
  beforeAll(() => {
    schema = buildASTSchema(parse(supergraph), { assumeValidSDL: true });
  });

  it('reads the entity as of the change only where the system writing the events owns the query by key', () => {
    const subscription = schema.getSubscriptionType()!.getFields();
    const query = schema.getQueryType()!.getFields();
    const asOf: string[] = [];
    for (const [live, byKey] of Object.entries(LIVE_FIELDS)) {
      const queryField = query[byKey]!;
      expect(subscription[live]).toBeDefined();
      if (!queryField.args.some((a) => a.name === AS_OF_CHANGE_ARG)) continue;
      asOf.push(live);
      // Change numbers are the writing system's own: another system's query could not resolve them.
      expect({ live, owner: ownerOf(subscription[live]!) }).toEqual({ live, owner: ownerOf(queryField) });
    }
    // workOrderProgressed is written by MES and read through ERP's workOrder: as it is when resolved.
    expect(asOf.sort()).toEqual([
      'countTaskChanged',
      'purchaseOrderChanged',
      'qualityHoldChanged',
      'stockStatusChanged',
      'workCenterStateChanged',
    ]);
  });

  it('passes the event’s change number as asOfChange, and its key, as variables', () => {
    const document = parse('subscription S($site: ID!) { mine: countTaskChanged(siteId: $site) { id status } }');
    const made = eventQueryOf(schema, document, document.definitions[0] as any, { site: 'S01' });
    if (!made.ok) throw new Error(made.message);
    expect(print(parse(made.eventQuery.query))).toBe(
      print(
        parse(
          'query S($liveKey_id: ID!, $liveKey_asOfChange: ID) { mine: countTask(id: $liveKey_id, asOfChange: $liveKey_asOfChange) { id status } }',
        ),
      ),
    );
    expect(made.eventQuery.variablesFor({ key: { id: 'CT-1' }, seq: 42 })).toEqual({ liveKey_id: 'CT-1', liveKey_asOfChange: '42' });
    expect(made.eventQuery.scope).toBe('S01');
  });
});
