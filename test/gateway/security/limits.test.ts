import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiSchemaOf } from '../../../gateway/apollo-internals';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { checkOperationLimits, DEFAULT_LIMITS, measureOperation } from '../../../gateway/security/operation-limits';
import { loadQuestions } from '../../../questions';

const ROOT = path.join(__dirname, '..', '..', '..');
const api = apiSchemaOf(readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'));

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
      const document = parse(q.document);
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
      expect({ id: q.id, verdict: checkOperationLimits(api, document, operation, { ...q.variables }) }).toEqual({ id: q.id, verdict: { ok: true, measure: m } });
      expect(m.depth).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDepth);
    }
  });

  it('counts depth through fragments, aliases everywhere, and root fields after expansion', () => {
    const m = measure('query { ...Roots } fragment Roots on Query { a: material(id: "M1") { ...M } b: material(id: "M2") { id } } fragment M on Material { id description }');
    expect(m).toMatchObject({ depth: 2, aliases: 2, rootFields: 2 });
  });

  it('multiplies cost by list sizes: the largest page (1,000) at the root, 10 below, or what first/limit says', () => {
    const flat = measure('{ workOrders(siteId: "S01") { id } }');
    expect(flat.cost).toBe(1000 * (1 + 1));
    const nested = measure('{ workOrders(siteId: "S01") { id customer { salesOrders { number } } } }');
    // workOrders 1000 × (id 1 + customer (1 + salesOrders 10 × (1 + number 1)))
    expect(nested.cost).toBe(1000 * (1 + 1 + (1 + 10 * (1 + 1))));
  });

  it('takes a bound from the arguments, a variable, or the schema\'s default for it', () => {
    expect(measure('{ auditsCommands { id } }').cost).toBe(100 * 2);
    expect(measure('{ auditsCommands(limit: 3) { id } }').cost).toBe(3 * 2);
    expect(measure('query ($n: Int!) { auditsCommands(limit: $n) { id } }', { n: 7 }).cost).toBe(7 * 2);
  });

  it('refuses a document of more than 100 fragments at the 101st, before measuring anything', () => {
    let text = 'query { material(id: "M1") { ...F150 } } fragment F0 on Material { id }';
    for (let i = 1; i <= 150; i++) text += ` fragment F${i} on Material { ...F${i - 1} }`;
    const document = parse(text);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const verdict = checkOperationLimits(api, document, operation);
    expect(verdict).toMatchObject({ ok: false, limit: 'fragments', value: 101 });
    expect(!verdict.ok && verdict.error.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', max: 100 });
  });

  it('stops at the first exceeded budget and says what it counted', () => {
    let text = 'query FanOut { material(id: "M1") { ...F40 } } fragment F0 on Material { id description }';
    for (let i = 1; i <= 40; i++) text += ` fragment F${i} on Material { ...F${i - 1} ...F${i - 1} }`;
    const document = parse(text);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const started = performance.now();
    const verdict = checkOperationLimits(api, document, operation);
    // 2^41 fields when spread out; measured once per fragment, the walk is a few hundred steps.
    expect(performance.now() - started).toBeLessThan(50);
    expect(verdict).toMatchObject({ ok: false, limit: 'fields', value: 2048 });
    expect(!verdict.ok && verdict.error.message).toBe('the operation selects at least 2048 fields once its fragments are spread out; at most 2000 are allowed');
    expect(measureOperation(api, document, operation).fields).toBe(2 ** 41 + 1);
  });

  it('counts the cost of a list with nothing below it as zero, never NaN', () => {
    expect(measure('{ auditsCommands(limit: 0) { id } }').cost).toBe(0);
  });

  it('counts the fields of a fragment once for every place it is spread', () => {
    const m = measure('{ material(id: "M1") { ...A ...A b: description } } fragment A on Material { id description }');
    expect(m.fields).toBe(1 + 2 + 2 + 1);
  });
});
