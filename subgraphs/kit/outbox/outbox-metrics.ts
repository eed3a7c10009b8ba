import type { Kysely } from 'kysely';
import { Gauge } from 'prom-client';
import { registry } from '../../../platform/metrics';
import { countWaitingCommands } from './outbox.repository';

// The outboxes whose relays run in this process, read when /metrics is scraped.
const watched = new Map<string, Kysely<any>>();

/** Commands waiting in each outbox this process relays, read at scrape time: a backlog or parked commands show without a query. */
export const outboxCommandsGauge = new Gauge({
  name: 'plantgraph_outbox_commands',
  help: 'Commands in an outbox by status (PENDING, PARKED), per system whose relay runs in this process; absent while its database is unreachable',
  labelNames: ['system', 'status'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    await Promise.all(
      [...watched].map(async ([system, db]) => {
        try {
          const counts = await countWaitingCommands(db);
          this.labels(system, 'PENDING').set(counts.PENDING);
          this.labels(system, 'PARKED').set(counts.PARKED);
        } catch {
          // An unreachable database must not break the scrape; the relay's own metrics and logs say why.
        }
      }),
    );
  },
});

/** Reports a system's outbox in `plantgraph_outbox_commands` while its relay runs. */
export function watchOutbox(system: string, db: Kysely<any>): () => void {
  watched.set(system, db);
  return () => {
    if (watched.get(system) === db) watched.delete(system);
  };
}
