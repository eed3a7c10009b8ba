import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { buildSchema } from 'graphql';
import { operationMergePlugin } from '../../../gateway/plugins/operation-merge.plugin';
import { waitClockOf } from '../../../gateway/performance/subgraph-wait';
import type { Caller } from '../../../platform/caller';

const planner = (subject: string): Caller => ({ subject, kind: 'user', roles: ['planner'], scopes: [] });
const finance: Caller = { subject: 'carol', kind: 'user', roles: ['finance'], scopes: [] };

const schema = buildSchema(`
  type Order { id: ID! note: String }
  type Query { order(id: ID!): Order }
  type Mutation { touch(id: ID!): Order }
`);

/** An Apollo Server whose resolvers count their runs and answer after 20 ms; `fail-…` ids raise an error. */
function server(plugins: ApolloServerPlugin[]) {
  const runs: string[] = [];
  const order = async ({ id }: { id: string }) => {
    runs.push(id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (id.startsWith('fail') && runs.filter((r) => r === id).length === 1) throw new Error(`first try of ${id} fails`);
    return { id, note: `note on ${id}` };
  };
  const apollo = new ApolloServer<{ caller: Caller }>({ schema, rootValue: { order, touch: order }, plugins });
  const ask = async (caller: Caller, query: string, variables: Record<string, unknown>, extensions?: Record<string, unknown>) => {
    const response = await apollo.executeOperation({ query, variables, extensions }, { contextValue: { caller } });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  };
  return { apollo, runs, ask };
}

const ORDER = 'query Order($id: ID!) { order(id: $id) { id note } }';

describe('merging identical queries in flight', () => {
  it('runs identical concurrent queries of callers with the same rights once, and gives each the answer', async () => {
    const merge = operationMergePlugin();
    const { apollo, runs, ask } = server([merge.plugin]);
    await apollo.start();
    const answers = await Promise.all(['alice', 'bob', 'dan', 'erin'].map((who) => ask(planner(who), ORDER, { id: 'O1' })));
    expect(runs).toEqual(['O1']);
    expect(answers).toEqual(Array(4).fill({ data: { order: { id: 'O1', note: 'note on O1' } } }));
    expect(merge.stats).toEqual({ executed: 1, merged: 3 });
    await apollo.stop();
  });

  it('keeps apart other variables, other rights, mutations and excluded requests', async () => {
    const merge = operationMergePlugin({ excluded: (request) => request.extensions?.own === true });
    const { apollo, runs, ask } = server([merge.plugin]);
    await apollo.start();
    await Promise.all([
      ask(planner('alice'), ORDER, { id: 'O1' }),
      ask(planner('alice'), ORDER, { id: 'O2' }),
      ask(finance, ORDER, { id: 'O1' }),
      ask(planner('alice'), 'mutation Touch($id: ID!) { touch(id: $id) { id } }', { id: 'O1' }),
      ask(planner('alice'), 'mutation Touch($id: ID!) { touch(id: $id) { id } }', { id: 'O1' }),
      ask(planner('bob'), ORDER, { id: 'O1' }, { own: true }),
    ]);
    expect(runs.sort()).toEqual(['O1', 'O1', 'O1', 'O1', 'O1', 'O2']);
    expect(merge.stats.merged).toBe(0);
    await apollo.stop();
  });

  it('merges the queries of callers whose rights strings are equal under the rightsOf it is given', async () => {
    // As the gateway gives it: the rights subgraphs are told of, here the roles without the scopes.
    const merge = operationMergePlugin({ rightsOf: (who) => JSON.stringify([who?.kind, who?.roles]) });
    const { apollo, runs, ask } = server([merge.plugin]);
    await apollo.start();
    const scoped = (subject: string, scopes: string[]): Caller => ({ ...planner(subject), scopes });
    await Promise.all([ask(scoped('alice', ['user:alice']), ORDER, { id: 'O1' }), ask(scoped('bob', ['user:bob']), ORDER, { id: 'O1' })]);
    expect(runs).toEqual(['O1']);
    expect(merge.stats).toEqual({ executed: 1, merged: 1 });
    await apollo.stop();
  });

  it('does not share a result with errors: the waiting queries execute on their own', async () => {
    const merge = operationMergePlugin();
    const { apollo, runs, ask } = server([merge.plugin]);
    await apollo.start();
    const [first, second] = await Promise.all([
      ask(planner('alice'), ORDER, { id: 'fail-1' }),
      ask(planner('bob'), ORDER, { id: 'fail-1' }),
    ]);
    expect(runs).toEqual(['fail-1', 'fail-1']);
    expect(first.errors?.[0]?.message).toBe('first try of fail-1 fails');
    expect(second).toEqual({ data: { order: { id: 'fail-1', note: 'note on fail-1' } } });
    expect(merge.stats).toEqual({ executed: 2, merged: 0 });
    await apollo.stop();
  });

  it("gives every request its own copy, taken before other plugins' willSendResponse change it", async () => {
    const merge = operationMergePlugin();
    // Registered after it, as authorization is: cuts the note for alice only.
    const cutter: ApolloServerPlugin<{ caller: Caller }> = {
      async requestDidStart({ contextValue }) {
        return {
          async willSendResponse({ response }) {
            if (contextValue.caller.subject !== 'alice' || response.body.kind !== 'single') return;
            (response.body.singleResult.data as { order: { note: string | null } }).order.note = null;
          },
        };
      },
    };
    const { apollo, runs, ask } = server([merge.plugin, cutter as ApolloServerPlugin]);
    await apollo.start();
    const [alice, bob, erin] = await Promise.all([
      ask(planner('alice'), ORDER, { id: 'O1' }),
      ask(planner('bob'), ORDER, { id: 'O1' }),
      ask(planner('erin'), ORDER, { id: 'O1' }),
    ]);
    expect(runs).toEqual(['O1']);
    expect(alice.data).toEqual({ order: { id: 'O1', note: null } });
    expect(bob.data).toEqual({ order: { id: 'O1', note: 'note on O1' } });
    expect(erin.data).toEqual({ order: { id: 'O1', note: 'note on O1' } });
    await apollo.stop();
  });

  it("counts a follower's wait for its leader as waiting on subgraphs in the share the leader's execution did", async () => {
    const merge = operationMergePlugin();
    // What each request's wait clock holds when its response goes (Apollo Server hands plugins and
    // resolvers its own copy of the context).
    const waited = new Map<string, number>();
    const reader: ApolloServerPlugin<{ caller: Caller }> = {
      async requestDidStart() {
        return {
          async willSendResponse({ contextValue }) {
            waited.set(contextValue.caller.subject, waitClockOf(contextValue).elapsedMs());
          },
        };
      },
    };
    // The leader's resolver waits 40 ms "on a subgraph", as the data source records it.
    const apollo = new ApolloServer<{ caller: Caller }>({
      schema,
      rootValue: {
        order: async ({ id }: { id: string }, context: { caller: Caller }) => {
          const clock = waitClockOf(context);
          clock.start();
          await new Promise((resolve) => setTimeout(resolve, 40));
          clock.end();
          return { id, note: null };
        },
      },
      plugins: [merge.plugin, reader],
    });
    await apollo.start();
    await Promise.all(
      ['alice', 'bob'].map((who) =>
        apollo.executeOperation({ query: ORDER, variables: { id: 'O1' } }, { contextValue: { caller: planner(who) } }),
      ),
    );
    expect(merge.stats).toEqual({ executed: 1, merged: 1 });
    const [leader, follower] = [waited.get('alice')!, waited.get('bob')!];
    expect(leader).toBeGreaterThanOrEqual(35);
    // Nearly all of the leader's execution was waiting, so nearly all of the follower's wait is too.
    expect(follower).toBeGreaterThan(25);
    expect(follower).toBeLessThanOrEqual(leader + 5);
    await apollo.stop();
  });

  it('keeps nothing once the leader has answered: a later identical query executes again', async () => {
    const merge = operationMergePlugin();
    const { apollo, runs, ask } = server([merge.plugin]);
    await apollo.start();
    await ask(planner('alice'), ORDER, { id: 'O1' });
    await ask(planner('bob'), ORDER, { id: 'O1' });
    expect(runs).toEqual(['O1', 'O1']);
    await apollo.stop();
  });
});
