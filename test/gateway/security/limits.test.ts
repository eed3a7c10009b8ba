import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiSchemaOf } from '../../../gateway/apollo-internals';
import { buildSchema, Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { checkOperationLimits, DEFAULT_LIMITS, measureOperation } from '../../../gateway/security/operation-limits';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../../../platform/paging';
import { loadQuestions } from '../../../questions';

const ROOT = path.join(__dirname, '..', '..', '..');
const api = apiSchemaOf(readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'));

function measure(query: string, variables: Record<string, unknown> = {}, schema: GraphQLSchema = api) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return measureOperation(schema, document, operation, variables);
}

function check(query: string, variables: Record<string, unknown> = {}, schema: GraphQLSchema = api) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  return checkOperationLimits(schema, document, operation, variables);
}

// The connection shape alone, so the counting rules are pinned whatever the graph's fields become.
const paged = buildSchema(`
  type Query { orders(siteId: ID!, first: Int, after: String): OrderConnection! sites: [Site!]! }
  type Site { id: ID! orders(first: Int, after: String): OrderConnection! }
  type Order { id: ID! lines: [Line!]! audits(first: Int, after: String): AuditConnection! }
  type Line { quantity: Float! }
  type Audit { id: ID! findings: [Finding!]! }
  type Finding { question: String! severity: String! status: String! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type OrderEdge { cursor: String! node: Order! }
  type OrderConnection { nodes: [Order!]! edges: [OrderEdge!]! pageInfo: PageInfo! }
  type AuditEdge { cursor: String! node: Audit! }
  type AuditConnection { nodes: [Audit!]! edges: [AuditEdge!]! pageInfo: PageInfo! }
`);

describe('operation limits measure what they say', () => {
  it('lets every one of the ten questions through the default limits', () => {
    const questions = loadQuestions();
    expect(questions).toHaveLength(10);
    for (const q of questions) {
      const m = measure(q.document, { ...q.variables });
      const document = parse(q.document);
      const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
      expect({ id: q.id, verdict: checkOperationLimits(api, document, operation, { ...q.variables }) }).toEqual({
        id: q.id,
        verdict: { ok: true, measure: m },
      });
      expect(m.depth).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDepth);
    }
  });

  it('counts depth through fragments, aliases everywhere, and root fields after expansion', () => {
    const m = measure(
      'query { ...Roots } fragment Roots on Query { a: material(id: "M1") { ...M } b: material(id: "M2") { id } } fragment M on Material { id description }',
    );
    expect(m).toMatchObject({ depth: 2, aliases: 2, rootFields: 2 });
  });

  it('multiplies cost by list sizes: a plain root list 100, a connection its first, a plain list inside a row 10', () => {
    expect(measure('{ workCenters(siteId: "S01") { id } }').cost).toBe(DEFAULT_LIMITS.defaultListSize * (1 + 1));
    // myPurchaseOrders 1 + 20 × (number 1 + lines (10 × (1 + orderedQuantity 1)) + 1 for lines itself)
    expect(measure('{ myPurchaseOrders(first: 20) { nodes { number lines { orderedQuantity } } } }').cost).toBe(
      1 + 20 * (1 + 1 + DEFAULT_LIMITS.nestedListSize * 2),
    );
    // A nested connection without first counts the default page: 50 work orders × their customer's 50 sales orders.
    const nested = measure('{ workOrders(siteId: "S01") { nodes { id customer { salesOrders { nodes { number } } } } } }');
    expect(nested.cost).toBe(1 + PAGE_SIZE_DEFAULT * (1 + 1 + (1 + (1 + PAGE_SIZE_DEFAULT * 2))));
  });

  it("takes a bound from the arguments, a variable, or the schema's default for it", () => {
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
    expect(!verdict.ok && verdict.error.message).toBe(
      'the operation selects at least 2048 fields once its fragments are spread out; at most 2000 are allowed',
    );
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

describe('the cost of a connection is its first', () => {
  it('counts nodes and edges as first rows each, the default page when first is absent, pageInfo once', () => {
    expect(measure('{ orders(siteId: "S01") { nodes { id } } }', {}, paged).cost).toBe(1 + PAGE_SIZE_DEFAULT * 2);
    expect(measure('{ orders(siteId: "S01", first: 10) { nodes { id } } }', {}, paged).cost).toBe(1 + 10 * 2);
    // nodes and edges are the same rows: each counts the page, neither multiplies the other.
    const both = measure(
      '{ orders(siteId: "S01", first: 10) { nodes { id } edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
      {},
      paged,
    );
    expect(both.cost).toBe(1 + 10 * 2 + 10 * (1 + 1 + 2) + (1 + 2));
  });

  it('multiplies nested connections by each first, and plain lists inside a row by the nested estimate', () => {
    const nested = measure(
      '{ orders(siteId: "S01", first: 20) { nodes { audits(first: 5) { nodes { id } } lines { quantity } } } }',
      {},
      paged,
    );
    // 20 orders × (1 + audits (1 + 5 × 2) + lines 10 × 2)
    expect(nested.cost).toBe(1 + 20 * (1 + (1 + 5 * 2) + DEFAULT_LIMITS.nestedListSize * 2));
    // A connection under a plain root list: 1,000 sites × (1 + 50 orders × 2)
    expect(measure('{ sites { orders { nodes { id } } } }', {}, paged).cost).toBe(
      DEFAULT_LIMITS.defaultListSize * (1 + 1 + PAGE_SIZE_DEFAULT * 2),
    );
  });

  it("reads first from a variable, from the operation's default for it, and takes null as the default page", () => {
    const q = 'query ($n: Int) { orders(siteId: "S01", first: $n) { nodes { id } } }';
    expect(measure(q, { n: 200 }, paged).cost).toBe(1 + 200 * 2);
    expect(measure(q, { n: null }, paged).cost).toBe(1 + PAGE_SIZE_DEFAULT * 2);
    expect(measure(q, {}, paged).cost).toBe(1 + PAGE_SIZE_DEFAULT * 2);
    expect(measure('query ($n: Int = 200) { orders(siteId: "S01", first: $n) { nodes { id } } }', {}, paged).cost).toBe(1 + 200 * 2);
    expect(measure('query ($n: Int = 200) { orders(siteId: "S01", first: $n) { nodes { id } } }', { n: 3 }, paged).cost).toBe(1 + 3 * 2);
  });

  it('measures a fragment on a connection by the first of each place it is spread', () => {
    const q =
      '{ a: orders(siteId: "S01", first: 10) { ...Page } b: orders(siteId: "S02", first: 200) { ...Page } } fragment Page on OrderConnection { nodes { id } }';
    expect(measure(q, {}, paged).cost).toBe(1 + 10 * 2 + (1 + 200 * 2));
    const inline = '{ orders(siteId: "S01", first: 7) { ... on OrderConnection { nodes { id } } } }';
    expect(measure(inline, {}, paged).cost).toBe(1 + 7 * 2);
  });

  it(`refuses ${PAGE_SIZE_MAX} rows of ${PAGE_SIZE_MAX} rows and lets 10 of 10 through, on the same selection`, () => {
    const query = (n: number) =>
      `{ orders(siteId: "S01", first: ${n}) { nodes { id audits(first: ${n}) { nodes { id findings { question severity status } } } } } }`;
    // n orders × (id + audits (1 + n × (1 + id + 10 findings × 4)))
    const cost = (n: number) => 1 + n * (1 + 1 + (1 + n * (1 + 1 + DEFAULT_LIMITS.nestedListSize * 4)));
    expect(cost(PAGE_SIZE_MAX)).toBeGreaterThan(DEFAULT_LIMITS.maxCost);
    const small = check(query(10), {}, paged);
    expect(small).toMatchObject({ ok: true, measure: { cost: cost(10) } });
    const large = check(query(PAGE_SIZE_MAX), {}, paged);
    expect(large).toMatchObject({ ok: false, limit: 'cost' });
    // The walk stops at the overrun and reports a lower bound of the whole operation's cost.
    expect(!large.ok && large.value).toBeGreaterThan(DEFAULT_LIMITS.maxCost);
    expect(!large.ok && large.value).toBeLessThanOrEqual(cost(PAGE_SIZE_MAX));
    expect(!large.ok && large.error.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', max: DEFAULT_LIMITS.maxCost });
    expect(!large.ok && large.error.message).toMatch(/a connection counts first rows, 50 when first is absent.*ask for smaller pages/);
  });
});
