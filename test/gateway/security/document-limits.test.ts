import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiSchemaOf } from '../../../gateway/apollo-internals';
import { documentLimits } from '../../../gateway/security/document-limits';

const ROOT = path.join(__dirname, '..', '..', '..');
const api = apiSchemaOf(readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'));

describe('operation limits on the text as it arrives', () => {
  const limits = documentLimits();

  it('refuses a document over a limit without validating it (unknown fields and all)', () => {
    const query = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: nope`).join(' ')} }`;
    expect(limits.refusal(api, { query })?.extensions).toMatchObject({
      code: 'OPERATION_TOO_COMPLEX',
      limit: 'aliases',
      http: { status: 400 },
    });
  });

  it('measures the operation named in the request, with its variables', () => {
    const query = 'query Small { material(id: "M1") { id } } query Big($n: Int!) { auditsCommands(limit: $n) { id type } }';
    expect(limits.refusal(api, { query, operationName: 'Small' })).toBeUndefined();
    expect(limits.refusal(api, { query, operationName: 'Big', variables: { n: 10 } })).toBeUndefined();
    expect(limits.refusal(api, { query, operationName: 'Big', variables: { n: 50_000_000 } })?.extensions).toMatchObject({ limit: 'cost' });
  });

  it('refuses a document nested too deeply for the parser with the depth limit, not a stack overflow', () => {
    let nested = 'id';
    for (let i = 0; i < 3_000; i++) nested = `material(id: "M1") { ${nested} }`;
    const refusal = limits.refusal(api, { query: `{ ${nested} }` });
    expect(refusal?.message).toBe('the document nests selections too deeply to be read; at most 15 levels are allowed');
    expect(refusal?.extensions).toMatchObject({ code: 'OPERATION_TOO_COMPLEX', limit: 'depth', max: 15 });
  });

  it('leaves to Apollo Server what it answers itself: no text, no schema yet, a syntax error, no single operation', () => {
    expect(limits.refusal(api, { sha256Hash: 'a'.repeat(64) })).toBeUndefined();
    expect(limits.refusal(undefined, { query: '{ a: x b: x }' })).toBeUndefined();
    expect(limits.refusal(api, { query: '{ material(' })).toBeUndefined();
    expect(limits.refusal(api, { query: 'query A { __typename } query B { __typename }' })).toBeUndefined();
  });
});
