import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { CALLER_HEADER, callerClaims, parseCallerKey } from '../platform/caller-header';
import { callerSealingFetcher } from '../gateway/security/caller-seal';
import { UNAUTHENTICATED_CALLER } from '../gateway/security/caller';
import type { Caller } from '../platform/caller';

/**
 * The baseline of the benchmark: `@apollo/server` + `@apollo/gateway` with default settings,
 * serving the same supergraph file (`SUPERGRAPH_PATH`) on `PORT`. The one addition is what the
 * subgraphs demand of any caller: a caller header signed with `CALLER_SIGNING_KEY` for the target
 * system and the body sent (sealed around Apollo's own HTTP client), naming the same anonymous
 * caller the measured gateway sends under `AUTH_MODE=none` (or `BENCH_CALLER`, a
 * JSON caller, for the partner question).
 */
async function main(): Promise<void> {
  const key = parseCallerKey(process.env.CALLER_SIGNING_KEY!);
  const caller: Caller = process.env.BENCH_CALLER ? (JSON.parse(process.env.BENCH_CALLER) as Caller) : UNAUTHENTICATED_CALLER;
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH!, 'utf8'),
    buildService: ({ name, url }) => {
      const source = new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request }) {
          request.http?.headers.set(CALLER_HEADER, callerClaims(caller, name));
        },
      });
      source.fetcher = callerSealingFetcher(source.fetcher, key);
      return source;
    },
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
  process.stdout.write(`vanilla gateway listening at ${url}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
