import { Counter, Histogram } from 'prom-client';
import { registry } from '../../platform/metrics';

/** Queries answered at the front door by an identical query in flight (operation-merge.plugin.ts). */
export const operationsMerged = new Counter({
  name: 'plantgraph_gateway_operations_merged_total',
  help: 'Queries answered by an identical query of a caller with the same rights already executing',
  registers: [registry],
});

/** Subgraph fetches answered by an identical fetch already in flight (dedup.ts). */
export const subgraphFetchesMerged = new Counter({
  name: 'plantgraph_subgraph_fetches_merged_total',
  help: 'Subgraph fetches answered by an identical fetch already in flight, per system',
  labelNames: ['system'] as const,
  registers: [registry],
});

/** Combined requests the batcher sent (two members or more; a batch of one goes unchanged and is not counted). */
export const subgraphBatches = new Counter({
  name: 'plantgraph_subgraph_batches_total',
  help: 'Subgraph requests that carried the fetches of two or more operations, per system',
  labelNames: ['system'] as const,
  registers: [registry],
});

/** Members per combined request. */
export const subgraphBatchSize = new Histogram({
  name: 'plantgraph_subgraph_batch_size',
  help: 'Fetches carried by one combined subgraph request, per system',
  labelNames: ['system'] as const,
  buckets: [2, 4, 8, 16, 32],
  registers: [registry],
});
