import { Counter } from 'prom-client';
import { registry } from '../metrics';

/** Connections to PostgreSQL that broke under a pool, per system. */
export const dbConnectionErrorsTotal = new Counter({
  name: 'plantgraph_db_connection_errors_total',
  help: 'PostgreSQL connections lost (server restart, failover, terminated backend), per system',
  labelNames: ['system'] as const,
  registers: [registry],
});
