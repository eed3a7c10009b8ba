import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import { readSupergraphSecurity } from '../supergraph-rules';

/**
 * The partner contract of a supergraph: its API schema (as the gateway serves it, through
 * `@apollo/gateway`'s public `load`) cut down to the `partner`-tagged types and fields.
 */
export async function partnerContractOf(supergraphSdl: string): Promise<GraphQLSchema> {
  // Nothing is fetched: the gateway only builds its schema and query planner from the text.
  const gateway = new ApolloGateway({ supergraphSdl, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  try {
    const { schema } = await gateway.load();
    const contract = readSupergraphSecurity(supergraphSdl, schema).partnerSchema;
    if (!contract) throw new Error('the supergraph tags nothing at its root for partners: there is no partner contract');
    return contract;
  } finally {
    await gateway.stop();
  }
}
