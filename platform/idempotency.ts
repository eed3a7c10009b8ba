/**
 * The request header that names one attempt of a mutation. A client (or the outbox relay) sends it
 * to the gateway; the gateway passes it on with each subgraph request of a mutation; the subgraph
 * applies the mutation once per caller, key and root field (subgraphs/kit/idempotency).
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
