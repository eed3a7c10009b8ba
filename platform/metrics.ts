import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/** The process-wide metrics registry; every server of the process serves it on `/metrics`. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'plantgraph_process_' });

/** SQL statements sent to PostgreSQL, per system: batching is checked from outside with it. */
export const dbQueriesTotal = new Counter({
  name: 'plantgraph_db_queries_total',
  help: 'SQL statements executed, per system',
  labelNames: ['system'] as const,
  registers: [registry],
});

/** Reads the current value of `plantgraph_db_queries_total` for one system. */
export async function dbQueryCount(system: string): Promise<number> {
  const metric = await dbQueriesTotal.get();
  return metric.values.find((v) => v.labels.system === system)?.value ?? 0;
}
