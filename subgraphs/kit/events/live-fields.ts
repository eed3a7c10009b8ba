import { GraphQLError } from 'graphql';
import type { PubSub } from 'type-graphql';

const MESSAGE = 'subscriptions are executed by the gateway (GraphQL over WebSocket or SSE at its /graphql), not by a subgraph';

/** Refuses a subscription sent to a subgraph itself, as an async iterable that fails at once. */
function refused(): AsyncIterable<never> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => Promise.reject(new GraphQLError(MESSAGE, { extensions: { code: 'BAD_REQUEST' } })),
    }),
  };
}

/**
 * The `subscribe` of every live field in a subgraph. A subgraph declares its subscription fields
 * (so that they compose, with their owner and descriptions) but never runs them: the gateway
 * resolves each change event as a query on the changed entity, through its own pipeline.
 */
export const servedByGateway = (): AsyncIterable<never> => refused();

/** The pub/sub type-graphql demands once a schema has subscriptions; nothing is ever published in a subgraph. */
export const GATEWAY_ONLY_PUBSUB: PubSub = {
  publish: () => undefined,
  subscribe: () => refused(),
};
