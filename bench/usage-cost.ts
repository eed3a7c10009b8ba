import { HeaderMap } from '@apollo/server';
import { buildSchema, parse } from 'graphql';
import { Registry } from 'prom-client';
import { usagePlugin } from '../gateway/plugins/usage.plugin';
import { UsageAggregator } from '../gateway/usage/aggregator';

/**
 * What usage recording costs the gateway per operation, in process: the plugin's hooks for one
 * request (client, labels, metrics, memo look-ups, aggregation) with usage on and off, for a
 * document already seen. Prints a Markdown table of microseconds per operation.
 *
 *   npm run build && node dist/bench/usage-cost.js
 *
 * The database write is not in the request path (a timer writes every 10 s), so it is not here.
 */
const ITERATIONS = 50_000;
const schema = buildSchema(
  'type Query { order(id: ID!): Order orders(status: String): [Order!]! } type Order { id: ID! number: String lines: [Line!]! } type Line { item: String quantity: Float }',
);
const query = 'query Orders($s: String) { orders(status: $s) { id number lines { item quantity } } order(id: "1") { id } }';
const document = parse(query);

async function perOperation(plugin: ReturnType<typeof usagePlugin>): Promise<number> {
  const ctx: any = {
    schema,
    document,
    source: query,
    queryHash: 'a'.repeat(64),
    operationName: 'Orders',
    operation: document.definitions[0],
    request: { http: { headers: new HeaderMap([['apollographql-client-name', 'planning-board']]) } },
    contextValue: { caller: { subject: 'u', kind: 'user', roles: [], scopes: [] } },
    response: { body: { kind: 'single', singleResult: { data: { orders: [] } } } },
  };
  const once = async () => {
    const listener = (await plugin.requestDidStart!(ctx))!;
    await listener.didResolveSource!(ctx);
    await listener.willSendResponse!(ctx);
  };
  for (let i = 0; i < 2_000; i++) await once();
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) await once();
  return Number(process.hrtime.bigint() - started) / 1e3 / ITERATIONS;
}

async function main(): Promise<void> {
  const aggregator = new UsageAggregator(60_000, 10_000, () => undefined);
  const on = await perOperation(usagePlugin({ aggregator, registry: new Registry() }));
  const off = await perOperation(usagePlugin({ registry: new Registry() }));
  process.stdout.write(
    [
      '| usage recording | µs per operation |',
      '|---|---|',
      `| on (metrics and aggregation) | ${on.toFixed(2)} |`,
      `| off (metrics only) | ${off.toFixed(2)} |`,
      '',
    ].join('\n'),
  );
}

void main();
