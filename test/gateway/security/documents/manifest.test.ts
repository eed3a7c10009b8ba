import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { partnerContractOf } from '../../../../gateway/security/documents/contract';
import { contractRefusal } from '../../../../gateway/security/documents/contract-check';
import { readManifest, type ManifestOperation } from '../../../../gateway/security/documents/manifest';
import { documentId, SEEDED_MANIFEST } from '../../../../gateway/security/trusted-documents';

const ROOT = path.join(__dirname, '..', '..', '..', '..');

function operation(body: string, overrides: Partial<ManifestOperation> = {}): ManifestOperation {
  return {
    id: documentId(body),
    name: /(?:query|mutation|subscription)\s+(\w+)/.exec(body)?.[1] ?? 'Unnamed',
    type: body.startsWith('mutation') ? 'mutation' : 'query',
    body,
    ...overrides,
  };
}

function manifest(operations: unknown[]): unknown {
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

describe('persisted-query manifest', () => {
  it("reads the format Apollo's and Relay's tooling write, ids being the SHA-256 of the bodies", () => {
    const body = 'query Numbers { myPurchaseOrders { number } }';
    const result = readManifest(manifest([{ id: documentId(body), name: 'Numbers', type: 'query', body }]));
    expect(result).toEqual({ ok: true, operations: [{ id: documentId(body), name: 'Numbers', type: 'query', body }] });
  });

  it.each([
    [
      'another format',
      { format: 'relay', version: 1, operations: [] },
      'expected "format": "apollo-persisted-query-manifest", got "relay"',
    ],
    ['another version', { format: 'apollo-persisted-query-manifest', version: 2, operations: [] }, 'expected "version": 1, got 2'],
    ['no operations', manifest([]), 'expected "operations" to be a non-empty array'],
    [
      "an id that is not the body's hash",
      manifest([{ id: 'abc', name: 'A', type: 'query', body: 'query A { __typename }' }]),
      `operations[0] (A): "id" must be the SHA-256 of "body" (${documentId('query A { __typename }')}), got "abc"`,
    ],
    [
      'an unknown type',
      manifest([{ id: documentId('query A { __typename }'), name: 'A', type: 'fragment', body: 'query A { __typename }' }]),
      'operations[0] (A): expected "type" query, mutation or subscription, got "fragment"',
    ],
    ['not an object', 'x'.repeat(500), `expected a JSON object, got "${'x'.repeat(39)}…`],
  ])('refuses %s, saying what it expected and what it got', (_case, json, reason) => {
    expect(readManifest(json)).toEqual({ ok: false, reason });
  });

  it('keeps one copy of a document listed twice', () => {
    const body = 'query A { __typename }';
    const result = readManifest(manifest([operation(body), operation(body)]));
    expect(result.ok && result.operations).toHaveLength(1);
  });
});

describe('a published document against the partner contract', () => {
  let contract: GraphQLSchema;
  beforeAll(async () => {
    contract = await partnerContractOf(readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'));
  });

  it('serves the seeded manifest (questions/partner-manifest.json)', () => {
    const seeded = readManifest(SEEDED_MANIFEST);
    if (!seeded.ok) throw new Error(seeded.reason);
    expect(seeded.operations.map((o) => o.name).sort()).toEqual([
      'ConfirmPurchaseOrderLine',
      'MyOpenPurchaseOrders',
      'MyPurchaseOrderChanged',
    ]);
    expect(seeded.operations.map((o) => contractRefusal(contract, o))).toEqual([undefined, undefined, undefined]);
  });

  it('refuses a field outside the contract, naming it', () => {
    expect(contractRefusal(contract, operation('query Materials { materials { id } }'))).toBe(
      'Materials: the partner contract cannot serve it: Cannot query field "materials" on type "Query".',
    );
  });

  it('refuses a body that does not match its manifest entry or holds more than one operation', () => {
    const body = 'query A { myPurchaseOrders { nodes { number } } }';
    expect(contractRefusal(contract, operation(body, { name: 'B' }))).toBe('B: the body\'s operation is named "A", the manifest says "B"');
    expect(contractRefusal(contract, operation(body, { type: 'mutation' }))).toBe('A: the body is a query, the manifest says mutation');
    expect(contractRefusal(contract, operation(`${body} query C { __typename }`))).toBe('A: expected one operation in the body, found 2');
    expect(contractRefusal(contract, operation('query A { myPurchaseOrders {'))).toMatch(/^A: not a GraphQL document: Syntax Error/);
  });
});
