import { loadPerformanceConfig } from '../../../gateway/performance';

describe('fetch path settings', () => {
  it('aliases root queries only by default, and takes `all` or `off`', () => {
    expect(loadPerformanceConfig({}).batchAliases).toBe('roots');
    expect(loadPerformanceConfig({ SUBGRAPH_BATCH_ALIASES: 'ALL' }).batchAliases).toBe('all');
    expect(loadPerformanceConfig({ SUBGRAPH_BATCH_ALIASES: 'off' }).batchAliases).toBe('off');
  });

  it('refuses any other value, naming the variable and the values it takes', () => {
    expect(() => loadPerformanceConfig({ SUBGRAPH_BATCH_ALIASES: 'entities' })).toThrow(
      'SUBGRAPH_BATCH_ALIASES must be one of roots, all, off, got "entities"',
    );
  });
});
