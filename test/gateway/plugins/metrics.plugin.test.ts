import { opsHeaders, postGraphQL } from '../../support/stack';
import { startPlantGateway, type PlantGateway } from '../../support/plant-gateway';

/** Reads one sample of the Prometheus text exposition. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('gateway metrics on /metrics', () => {
  let plant: PlantGateway;

  beforeAll(async () => {
    plant = await startPlantGateway({ name: 'metered' });
  });
  afterAll(() => plant.stop());

  const scrape = async () => (await fetch(plant.url.replace('/graphql', '/metrics'), { headers: opsHeaders() })).text();

  it('counts requests by outcome, times operations and subgraph fetches, and shows breaker state', async () => {
    const before = await scrape();
    await postGraphQL(plant.url, '{ plant }');
    await postGraphQL(plant.url, '{ plant }');
    await postGraphQL(plant.url, '{ nowhere }');
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('plantgraph_gateway_requests_total', { operation_type: 'query', outcome: 'ok' })).toBe(2);
    expect(delta('plantgraph_gateway_requests_total', { outcome: 'rejected' })).toBe(1);
    expect(delta('plantgraph_gateway_operation_duration_seconds_count', { operation_type: 'query', outcome: 'ok' })).toBe(2);
    expect(delta('plantgraph_subgraph_fetch_duration_seconds_count', { system: 'metered', outcome: 'ok' })).toBe(2);
    expect(sample(after, 'plantgraph_subgraph_breaker_state', { system: 'metered' })).toBe(0);
    expect(after).toContain('# TYPE plantgraph_gateway_operation_duration_seconds histogram');
    expect(after).toContain('# TYPE plantgraph_subgraph_fetch_errors_total counter');
  });
});
