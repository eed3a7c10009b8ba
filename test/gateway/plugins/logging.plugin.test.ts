import { capturingLogger } from '../../support/logs';
import { startPlantGateway, type PlantGateway } from '../../support/plant-gateway';

describe('request ids and JSON logs from the gateway to a subgraph', () => {
  const gatewayLog = capturingLogger({ name: 'gateway' });
  const subgraphLog = capturingLogger({ name: 'plant' });
  let plant: PlantGateway;

  beforeAll(async () => {
    plant = await startPlantGateway({ subgraphLogger: subgraphLog.logger, gateway: { logger: gatewayLog.logger } });
  });
  afterAll(() => plant.stop());

  const ask = (headers: Record<string, string> = {}) => plant.request('query Where { plant }', headers);

  it('carries the client request id to the subgraph and logs it on both sides', async () => {
    const response = await ask({ 'x-request-id': 'trace-me-42' });
    expect(await response.json()).toEqual({ data: { plant: 'S01' } });
    expect(response.headers.get('x-request-id')).toBe('trace-me-42');

    const operation = gatewayLog.lines.find((l) => l.msg === 'graphql operation' && l.requestId === 'trace-me-42');
    expect(operation).toMatchObject({ name: 'gateway', operationName: 'Where', operationType: 'query', status: 200 });
    expect(operation!.durationMs).toEqual(expect.any(Number));
    const access = subgraphLog.lines.find((l) => l.msg === 'request' && l.requestId === 'trace-me-42');
    expect(access).toMatchObject({ name: 'plant', method: 'POST', path: '/graphql', status: 200 });
  });

  it('generates an id when the client sends none, or sends one that is not a token', async () => {
    for (const headers of [{}, { 'x-request-id': 'no spaces\tor tabs please' }] as Record<string, string>[]) {
      const response = await ask(headers);
      const id = response.headers.get('x-request-id')!;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(subgraphLog.lines.some((l) => l.requestId === id)).toBe(true);
    }
  });
});
