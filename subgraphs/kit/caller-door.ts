import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import { Counter } from 'prom-client';
import type { Caller } from '../../platform/caller';
import { CALLER_HEADER, createRequestCallerVerifier } from '../../platform/caller-header';
import { requestBodyOf } from '../../platform/http';
import type { Logger } from '../../platform/logger';
import { registry } from '../../platform/metrics';
import type { NonceStore } from '../../platform/nonce-store';

const refusals = new Counter({
  name: 'plantgraph_caller_header_refusals_total',
  help: 'Subgraph requests refused at the door, per system and reason (missing, signature, audience, body, expired, replay, malformed, store)',
  labelNames: ['system', 'reason'] as const,
  registers: [registry],
});

function reasonLabel(reason: string): string {
  if (reason.startsWith('missing')) return 'missing';
  if (reason.includes('signature')) return 'signature';
  if (reason.includes('audience')) return 'audience';
  if (reason.includes('body')) return 'body';
  if (reason.includes('expired') || reason.includes('future')) return 'expired';
  if (reason.includes('replay')) return 'replay';
  return 'malformed';
}

export interface CallerDoorOptions {
  /** The system this subgraph is: the only audience it accepts. */
  system: string;
  key: string;
  /** Nonces of accepted headers, shared by the system's replicas. */
  nonces: NonceStore;
  logger: Logger;
}

/**
 * The check every subgraph request passes before anything runs: a caller header signed by the
 * gateway for this system and for this very request (the digest of its body, or of the query
 * string of a GET), inside its window, and never seen before by any replica. Refusals are 401;
 * a nonce store that cannot be reached gives 503, so the gateway counts the system unavailable.
 */
export function createCallerDoor(options: CallerDoorOptions): (req: IncomingMessage) => Promise<Caller> {
  const { system, logger } = options;
  const verify = createRequestCallerVerifier({ key: options.key, audience: system, nonces: options.nonces });
  let lastStoreWarning = 0;
  return async (req) => {
    const given = req.headers[CALLER_HEADER];
    const header = Array.isArray(given) ? given[0] : given;
    const content = req.method === 'POST' ? (requestBodyOf(req) ?? Buffer.alloc(0)) : new URL(req.url ?? '/', 'http://subgraph').search;
    let verified;
    try {
      verified = await verify(header, content);
    } catch (err) {
      refusals.labels(system, 'store').inc();
      if (Date.now() - lastStoreWarning > 10_000) {
        lastStoreWarning = Date.now();
        logger.warn({ err: (err as Error).message }, 'caller nonce store unavailable: requests are refused until it is back');
      }
      throw new GraphQLError(`${system} cannot check the ${CALLER_HEADER} nonce now (its nonce store is unreachable); try again`, {
        extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
      });
    }
    if (!verified.ok) {
      refusals.labels(system, reasonLabel(verified.reason)).inc();
      throw new GraphQLError(verified.reason, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
    return verified.caller;
  };
}
