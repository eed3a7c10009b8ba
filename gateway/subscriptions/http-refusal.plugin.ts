import type { ApolloServerPlugin } from '@apollo/server';
import { gatewayError } from '../security/errors';

/** The message a subscription sent over plain HTTP gets: where it should have gone instead. */
export const SUBSCRIPTION_TRANSPORT_MESSAGE =
  'subscriptions are not served over a plain HTTP request; open them over GraphQL over WebSocket ' +
  '(protocol graphql-transport-ws, ws(s)://<gateway>/graphql) or GraphQL over Server-Sent Events ' +
  '(POST /graphql with "accept: text/event-stream")';

/**
 * Refuses a subscription that reached the JSON endpoint with 400: `@apollo/gateway` has no
 * executor for it and would otherwise fail with a 500. The live transports handle subscriptions
 * before a request gets here.
 */
export function subscriptionHttpRefusalPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') throw gatewayError('BAD_REQUEST', 400, SUBSCRIPTION_TRANSPORT_MESSAGE);
        },
      };
    },
  };
}
