import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { measureOperation } from '../../../gateway/plugins/limits.plugin';
import { loadQuestions } from '../../../questions';

const ROOT = path.join(__dirname, '..', '..', '..');
const api = Supergraph.build(readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8')).apiSchema().toGraphQLJSSchema();

function measure(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return measureOperation(api, document, operation, variables);
}

describe('operation limits measure what they say', () => {
  it('lets every one of the ten questions through the default limits', () => {
    const questions = loadQuestions();
    expect(questions).toHaveLength(10);
    for (const q of questions) {
      const m = measure(q.document, { ...q.variables });
      expect({ id: q.id, within: m.depth <= 15 && m.aliases <= 30 && m.rootFields <= 10 && m.cost <= 10_000_000 }).toEqual({ id: q.id, within: true });
    }
  });

  it('counts depth through fragments, aliases everywhere, and root fields after expansion', () => {
    const m = measure('query { ...Roots } fragment Roots on Query { a: material(id: "M1") { ...M } b: material(id: "M2") { id } } fragment M on Material { id description }');
    expect(m).toMatchObject({ depth: 2, aliases: 2, rootFields: 2 });
  });

  it('multiplies cost by list sizes: 100 at the root, 10 below, or what first/limit says', () => {
    const flat = measure('{ workOrders(siteId: "S01") { id } }');
    expect(flat.cost).toBe(100 * (1 + 1));
    const nested = measure('{ workOrders(siteId: "S01") { id customer { salesOrders { number } } } }');
    // workOrders 100 × (id 1 + customer (1 + salesOrders 10 × (1 + number 1)))
    expect(nested.cost).toBe(100 * (1 + 1 + (1 + 10 * (1 + 1))));
  });
});
