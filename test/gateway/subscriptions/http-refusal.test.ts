import 'reflect-metadata';
import { erpSystem } from '../../../subgraphs/erp/server';
import { mesSystem } from '../../../subgraphs/mes/server';
import { postGraphQL, startTestStack, testToken, type TestStack } from '../../support/stack';

const SUBSCRIPTION = 'subscription { workCenterStateChanged(siteId: "S01") { id } }';
const MIXED = 'query Q { __typename } subscription S { workCenterStateChanged(siteId: "S01") { id } }';

describe('a subscription sent as a plain JSON POST', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack([erpSystem, mesSystem]);
  });
  afterAll(() => stack?.stop());

  it('is refused with 400 and a message naming the WebSocket and SSE transports', async () => {
    const { status, body } = await stack.query(SUBSCRIPTION);
    expect(status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]!.extensions?.code).toBe('BAD_REQUEST');
    expect(body.errors![0]!.message).toMatch(/graphql-transport-ws/);
    expect(body.errors![0]!.message).toMatch(/text\/event-stream/);
  });

  it('is refused when the operation is picked by name from a document holding a query too', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken()}` },
      body: JSON.stringify({ query: MIXED, operationName: 'S' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers the query of that document, and its ambiguity without a name with 400, never 500', async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken()}` },
      body: JSON.stringify({ query: MIXED, operationName: 'Q' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data).toEqual({ __typename: 'Query' });
    const ambiguous = await stack.query(MIXED);
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.errors![0]!.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  });

  it('is refused before anything when it carries no credentials', async () => {
    const { status } = await postGraphQL(stack.gatewayUrl, SUBSCRIPTION, undefined, { authorization: 'Bearer not-a-token' });
    expect(status).toBe(401);
  });

  it('leaves queries alone', async () => {
    const { status, body } = await stack.query('{ __typename }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ __typename: 'Query' });
  });
});
