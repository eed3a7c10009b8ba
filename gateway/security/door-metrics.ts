import { Counter } from 'prom-client';
import { registry } from '../../platform/metrics';

/** Why the front door turned a request away. */
export type DoorRefusal = 'unauthenticated' | 'failed_authentication_limit' | 'rate_limited';

/** Requests refused before parsing: bad credentials, an address over its failure limit, a caller over its rate limit. */
export const doorRefusals = new Counter({
  name: 'plantgraph_gateway_door_refusals_total',
  help: 'Requests the gateway refused at its front door, per reason (unauthenticated, failed_authentication_limit, rate_limited)',
  labelNames: ['reason'] as const,
  registers: [registry],
});

/** Runs a check of the door; when it refuses, counts the refusal under `reason` and refuses. */
export async function counted(reason: DoorRefusal, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (err) {
    doorRefusals.inc({ reason });
    throw err;
  }
}
