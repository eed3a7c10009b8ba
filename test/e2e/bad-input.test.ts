import 'reflect-metadata';
import { request as httpRequest } from 'node:http';
import { erpSystem } from '../../subgraphs/erp/server';
import { inventorySystem } from '../../subgraphs/inventory/server';
import { startTestStack, testToken, type TestStack } from '../support/stack';

interface Case {
  name: string;
  method?: string;
  /** Path and query string; default `/graphql`. */
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Acceptable statuses; all are 4xx. */
  status: number | number[];
  /** What the error message must say. */
  message: RegExp;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const good = '{ materialSites(siteId: "S01", materialIds: ["M000001"]) { nodes { bookQuantity abcClass } } }';
const json = (value: unknown) => JSON.stringify(value);

const CASES: Case[] = [
  { name: 'malformed JSON', headers: JSON_TYPE, body: '{"query": "{ materialSites', status: 400, message: /not valid JSON/ },
  { name: 'an empty body', headers: JSON_TYPE, body: '', status: 400, message: /body|query/i },
  { name: 'a JSON string', headers: JSON_TYPE, body: json('{ materialSites }'), status: 400, message: /body|object|query/i },
  { name: 'a JSON number', headers: JSON_TYPE, body: '42', status: 400, message: /body|object|query/i },
  { name: 'JSON null', headers: JSON_TYPE, body: 'null', status: 400, message: /body|object|query/i },
  { name: 'a batched array', headers: JSON_TYPE, body: json([{ query: good }, { query: good }]), status: 400, message: /batch/i },
  { name: 'an empty object', headers: JSON_TYPE, body: '{}', status: 400, message: /has no "query"/ },
  { name: 'a query that is a number', headers: JSON_TYPE, body: json({ query: 42 }), status: 400, message: /quer(y|ies).*string/i },
  { name: 'a query that is an object', headers: JSON_TYPE, body: json({ query: { q: 1 } }), status: 400, message: /quer(y|ies).*string/i },
  {
    name: 'only variables',
    headers: JSON_TYPE,
    body: json({ variables: { siteId: 'S01' } }),
    status: 400,
    message: /has no "query".*variables/,
  },
  { name: 'an empty query', headers: JSON_TYPE, body: json({ query: '' }), status: 400, message: /query/i },
  { name: 'a syntax error', headers: JSON_TYPE, body: json({ query: '{ materialSites(siteId: ' }), status: 400, message: /Syntax Error/ },
  {
    name: 'an unknown field',
    headers: JSON_TYPE,
    body: json({ query: '{ nothingHere }' }),
    status: 400,
    message: /Cannot query field "nothingHere"/,
  },
  {
    name: 'variables that are a string',
    headers: JSON_TYPE,
    body: json({ query: good, variables: 'siteId=S01' }),
    status: 400,
    message: /variables/i,
  },
  {
    name: 'variables that are an array',
    headers: JSON_TYPE,
    body: json({ query: good, variables: [1] }),
    status: 400,
    message: /variables/i,
  },
  {
    name: 'a variable of the wrong type',
    headers: JSON_TYPE,
    body: json({
      query: 'query ($s: [CountStatus!]) { countTasks(siteId: "S01", status: $s) { nodes { id } } }',
      variables: { s: ['NOT_A_STATUS'] },
    }),
    status: 400,
    message: /\$s.*NOT_A_STATUS|NOT_A_STATUS/,
  },
  {
    name: 'a missing required variable',
    headers: JSON_TYPE,
    body: json({ query: 'query ($site: ID!) { countTasks(siteId: $site) { nodes { id } } }' }),
    status: 400,
    message: /\$site/,
  },
  {
    name: 'extensions that are a string',
    headers: JSON_TYPE,
    body: json({ query: good, extensions: 'x' }),
    status: 400,
    message: /extensions/i,
  },
  {
    name: 'an operationName that is a number',
    headers: JSON_TYPE,
    body: json({ query: good, operationName: 7 }),
    status: 400,
    message: /operationName/i,
  },
  {
    name: 'an operationName that is not in the document',
    headers: JSON_TYPE,
    body: json({ query: `query A ${good}`, operationName: 'B' }),
    status: 400,
    message: /Unknown operation named "B"; the document defines A/,
  },
  {
    name: 'two operations and no operationName',
    headers: JSON_TYPE,
    body: json({ query: `query A ${good} query B ${good}` }),
    status: 400,
    message: /several operations \(A, B\)/,
  },
  {
    name: 'a body over the size limit',
    headers: JSON_TYPE,
    body: json({ query: `{ materialSites(siteId: "${'S'.repeat(2_000_000)}") { bookQuantity } }` }),
    status: 413,
    message: /larger than the limit/,
  },
  {
    name: 'binary garbage',
    headers: JSON_TYPE,
    body: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x9c, 0x80, 0x00, 0x7b]),
    status: 400,
    message: /JSON/,
  },
  {
    name: 'a query with NUL bytes',
    headers: JSON_TYPE,
    body: json({ query: '{ material\u0000Sites }' }),
    status: 400,
    message: /Syntax Error|Invalid character/i,
  },
  {
    name: 'deeply nested selections',
    headers: JSON_TYPE,
    body: json({ query: `{ materialSites(siteId: "S01") ${'{ material '.repeat(3_000)}${'}'.repeat(3_000)} }` }),
    status: 400,
    message: /./,
  },
  { name: 'text/plain', headers: { 'content-type': 'text/plain' }, body: good, status: 400, message: /content-type|preflight|CSRF/i },
  { name: 'no content type', body: json({ query: good }), status: 400, message: /content-type|preflight|CSRF/i },
  {
    name: 'form data',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `query=${encodeURIComponent(good)}`,
    status: 400,
    message: /content-type|preflight|CSRF/i,
  },
  {
    name: 'a GET with a mutation',
    method: 'GET',
    path: `/graphql?query=${encodeURIComponent('mutation { anything }')}`,
    headers: { 'apollo-require-preflight': 'true' },
    status: [400, 405],
    message: /mutation/i,
  },
  {
    name: 'a GET with no query',
    method: 'GET',
    path: '/graphql?variables=%7B%7D',
    headers: { 'apollo-require-preflight': 'true', accept: 'application/json' },
    status: 400,
    message: /query/i,
  },
  {
    name: 'a GET with variables that are not JSON',
    method: 'GET',
    path: `/graphql?query=${encodeURIComponent(good)}&variables=%7Bnope`,
    headers: { 'apollo-require-preflight': 'true' },
    status: 400,
    message: /variables/i,
  },
  { name: 'a PUT', method: 'PUT', headers: JSON_TYPE, body: json({ query: good }), status: 405, message: /POST|GET/ },
  { name: 'a DELETE', method: 'DELETE', status: 405, message: /POST|GET/ },
];

/** Raw HTTP, so that bodies, methods and headers reach the server exactly as written. */
function send(base: URL, c: Case, token: string): Promise<{ status: number; body: string; contentType: string }> {
  return new Promise((resolve, reject) => {
    // Authenticated, so that what is judged is the request's shape, not its credentials.
    const headers = { authorization: `Bearer ${token}`, ...c.headers };
    const req = httpRequest(
      { host: base.hostname, port: base.port, method: c.method ?? 'POST', path: c.path ?? '/graphql', headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body, contentType: String(res.headers['content-type']) }));
      },
    );
    req.on('error', reject);
    if (c.body !== undefined) req.write(c.body);
    req.end();
  });
}

describe('bad input to the gateway: a 4xx with a clear error, never a 5xx, never a crash', () => {
  let stack: TestStack;
  let base: URL;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    base = new URL(stack.gatewayUrl);
    token = await testToken();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const response = await send(base, c, token);
    const statuses = Array.isArray(c.status) ? c.status : [c.status];
    // The body is in the failure message: a wrong status alone does not say what went wrong.
    expect(statuses.includes(response.status) ? 'expected status' : `status ${response.status}: ${response.body.slice(0, 300)}`).toBe(
      'expected status',
    );
    expect(response.contentType).toMatch(/json/);
    const parsed = JSON.parse(response.body) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect(parsed.errors?.length).toBeGreaterThan(0);
    expect(parsed.errors![0]!.message).toMatch(c.message);
    expect(parsed.errors![0]!.extensions?.code).toEqual(expect.any(String));
  });

  it('still answers a good request after all of that', async () => {
    const { status, body } = await stack.query(good);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.materialSites.nodes[0].bookQuantity).toEqual(expect.any(Number));
  });
});
